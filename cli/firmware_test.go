package cli

import (
	"sort"
	"strings"
	"testing"
)

// TestFirmwareUpdateTargetsTheRequestedBundle updates prod-db, whose
// servers are on three bundles, to 2023.09 with allow_downgrade: exactly
// the servers not on 2023.09 get a firmware job (not those the group's
// compliance calls behind), every server ends on 2023.09, and the report
// names both sets.
func TestFirmwareUpdateTargetsTheRequestedBundle(t *testing.T) {
	s := newTestSim(t)
	want := ""
	for _, b := range s.FirmwareBundles() {
		if b.String("releaseVersion") == "2023.09.00.00" {
			want = "/compute-ops-mgmt/v1/firmware-bundles/" + b.ID()
		}
	}
	bundles := map[string]bool{}
	var onIt, notOnIt []string
	for _, id := range s.GroupServerIDs("prod-db") {
		srv, _ := s.Server(id)
		uri := srv.String("firmwareBundleUri")
		bundles[uri] = true
		if uri == want {
			onIt = append(onIt, srv.String("name"))
		} else {
			notOnIt = append(notOnIt, srv.String("name"))
		}
	}
	if want == "" || len(bundles) < 3 || len(onIt) == 0 {
		t.Fatalf("the demo group prod-db should be on three bundles, some on 2023.09: %v", bundles)
	}
	old := jobIDs(s.Jobs())

	r := glrunSim(t, s, "run", "--sim", "../runbooks/firmware_update.star", "group=prod-db",
		"bundle=2023.09.00.00", "allow_downgrade=true")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	fw := mustTemplate(t, "firmware_update").ID
	var flashed []string
	for _, j := range s.Jobs() {
		if !old[j.ID()] && j.String("jobTemplate") == fw {
			srv, _ := s.Server(field(j, "resource", "id").(string))
			flashed = append(flashed, srv.String("name"))
		}
	}
	sort.Strings(flashed)
	sort.Strings(notOnIt)
	sort.Strings(onIt)
	if strings.Join(flashed, ",") != strings.Join(notOnIt, ",") {
		t.Errorf("firmware jobs ran on %v, want exactly the servers not on 2023.09: %v", flashed, notOnIt)
	}
	for _, id := range s.GroupServerIDs("prod-db") {
		srv, _ := s.Server(id)
		if got := srv.String("firmwareBundleUri"); got != want {
			t.Errorf("%s is on %s after the run, want %s", srv.String("name"), got, want)
		}
	}
	out := r.decode(t)
	if got := stringList(t, out["updated"]); strings.Join(sorted(got), ",") != strings.Join(notOnIt, ",") {
		t.Errorf("report: updated %v, want %v", got, notOnIt)
	}
	if got := stringList(t, out["already_on_bundle"]); strings.Join(sorted(got), ",") != strings.Join(onIt, ",") {
		t.Errorf("report: already_on_bundle %v, want %v", got, onIt)
	}
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}
