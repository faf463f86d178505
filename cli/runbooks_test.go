package cli

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"glrun/exitcode"
	"glrun/glapi"
)

// The example runbooks, run through 'glrun run --sim' exactly as the README
// shows, each checked by its effect on the simulator's state.

func TestPowerCycleRestartsOnlyServersThatAreOn(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	old := jobIDs(s.Jobs())
	r := glrunSim(t, s, "run", "--sim", "../runbooks/power_cycle.star", "group=lab", "batch=4")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var wantOn, wantOff []string
	for _, id := range s.GroupServerIDs("lab") {
		srv, _ := s.Server(id)
		name := srv.String("name")
		if field(srv, "hardware", "powerState") == "ON" {
			wantOn = append(wantOn, name)
		} else {
			wantOff = append(wantOff, name)
		}
	}
	out := r.decode(t)
	got := stringList(t, out["restarted"])
	sort.Strings(wantOn)
	if diff := cmp.Diff(wantOn, got); diff != "" {
		t.Errorf("restarted servers (-want +got):\n%s", diff)
	}
	sort.Strings(wantOff)
	if diff := cmp.Diff(wantOff, stringList(t, out["skipped_not_on"])); diff != "" {
		t.Errorf("skipped servers (-want +got):\n%s", diff)
	}
	if len(wantOff) == 0 {
		t.Fatal("the demo group lab should have servers that are off")
	}
	// One restart job per server that was on, each complete, none for the others.
	restarted := map[string]bool{}
	for _, j := range s.Jobs() {
		if !old[j.ID()] && j.String("jobTemplate") == mustTemplate(t, "restart").ID {
			if j.String("state") != "COMPLETE" {
				t.Errorf("job %s is %s, want COMPLETE", j.ID(), j.String("state"))
			}
			rid, _ := field(j, "resource", "id").(string)
			restarted[rid] = true
		}
	}
	for _, id := range s.GroupServerIDs("lab") {
		srv, _ := s.Server(id)
		if contains(wantOff, srv.String("name")) && restarted[id] {
			t.Errorf("server %s was off but got a restart job", srv.String("name"))
		}
	}
	if n := len(r.mutations()); n != len(wantOn) {
		t.Errorf("%d mutating requests, want one job per server that was on (%d)", n, len(wantOn))
	}
	if !strings.Contains(r.stderr, "skipping servers that are not powered on") {
		t.Errorf("the skipped servers are not reported:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "changes (POST /compute-ops-mgmt/v1/jobs") {
		t.Errorf("the run does not end with what it sent:\n%s", r.stderr)
	}
}

func TestPowerCycleStopsOnAFailedJob(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	if err := s.FailNextJob("restart"); err != nil {
		t.Fatal(err)
	}
	r := glrunSim(t, s, "run", "--sim", "../runbooks/power_cycle.star", "group=prod-web", "batch=4")
	if r.code != exitcode.Failed {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitcode.Failed, r.stderr)
	}
	if !strings.Contains(r.stderr, "ERROR") || !strings.Contains(r.stderr, "Server Restart") {
		t.Errorf("the error does not name the failed job's template and state:\n%s", r.stderr)
	}
	if n := len(r.mutations()); n != 4 {
		t.Errorf("%d jobs created, want only the first batch of 4", n)
	}
}

func TestFirmwareUpdateTouchesOnlyNonCompliantServers(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	old := jobIDs(s.Jobs())
	newest := s.NewestBundleID()
	before := map[string]string{}
	for _, id := range s.GroupServerIDs("prod-web") {
		srv, _ := s.Server(id)
		before[id] = srv.String("firmwareBundleUri")
	}
	r := glrunSim(t, s, "run", "--sim", "../runbooks/firmware_update.star", "group=prod-web")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	want := "/compute-ops-mgmt/v1/firmware-bundles/" + newest
	behind := 0
	for id, uri := range before {
		srv, _ := s.Server(id)
		if got := srv.String("firmwareBundleUri"); got != want {
			t.Errorf("server %s has bundle %s after the run, want %s", srv.String("name"), got, want)
		}
		if uri != want {
			behind++
		}
	}
	if behind == 0 {
		t.Fatal("the demo group prod-web should have servers behind the newest bundle")
	}
	fwTemplate := mustTemplate(t, "firmware_update").ID
	updates := 0
	for _, j := range s.Jobs() {
		if !old[j.ID()] && j.String("jobTemplate") == fwTemplate {
			updates++
			rid, _ := field(j, "resource", "id").(string)
			if before[rid] == want {
				t.Errorf("compliant server %s got a firmware job", rid)
			}
		}
	}
	if updates != behind {
		t.Errorf("%d firmware jobs, want one per non-compliant server (%d)", updates, behind)
	}
	if got := stringList(t, r.decode(t)["updated"]); len(got) != behind {
		t.Errorf("report lists %d updated servers, want %d", len(got), behind)
	}
}

func TestFirmwareUpdateTimesOutWithExit4(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	r := glrunSim(t, s, "run", "--sim", "../runbooks/firmware_update.star", "group=prod-web", "timeout=5m")
	if r.code != exitcode.Timeout {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitcode.Timeout, r.stderr)
	}
	if !strings.Contains(r.stderr, "Server Firmware Update") || !strings.Contains(r.stderr, "RUNNING") {
		t.Errorf("the timeout does not name the pending jobs and their state:\n%s", r.stderr)
	}
}

func TestOnboardUserIsIdempotent(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	const email = "ana.lima@example.com"
	first := glrunSim(t, s, "run", "--sim", "../runbooks/onboard_user.star", "email="+email)
	if first.code != 0 {
		t.Fatalf("exit %d\n%s", first.code, first.stderr)
	}
	if !hasUser(s.Users(), email) {
		t.Fatalf("user %s was not invited", email)
	}
	if n := countCredentials(s.Credentials(), email+" automation"); n != 1 {
		t.Fatalf("%d credentials named for %s, want 1", n, email)
	}
	out := first.decode(t)
	if out["invited"] != true || out["credential_created"] != true {
		t.Errorf("first run reports %v", out)
	}
	if strings.Contains(first.stdout+first.stderr, "clientSecret\": \"") || !strings.Contains(first.stderr, "<redacted>") {
		t.Errorf("the new credential's secret is not redacted in the output:\n%s\n%s", first.stdout, first.stderr)
	}

	second := glrunSim(t, s, "run", "--sim", "../runbooks/onboard_user.star", "email="+email)
	if second.code != 0 {
		t.Fatalf("second run: exit %d\n%s", second.code, second.stderr)
	}
	if m := second.mutations(); len(m) != 0 {
		t.Errorf("second run sent %d mutations, want none: %v", len(m), m)
	}
	if n := countCredentials(s.Credentials(), email+" automation"); n != 1 {
		t.Errorf("%d credentials after the second run, want 1", n)
	}
}

func TestOffboardUserRemovesUserAndCredentials(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	const email = "jane.doe@example.com"
	if !hasUser(s.Users(), email) || countCredentials(s.Credentials(), email+" automation") != 1 {
		t.Fatal("the demo workspace should have jane.doe and her credential")
	}
	r := glrunSim(t, s, "run", "--sim", "../runbooks/offboard_user.star", "email="+email)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if hasUser(s.Users(), email) {
		t.Error("the user is still there")
	}
	if n := countCredentials(s.Credentials(), email+" automation"); n != 0 {
		t.Errorf("%d of her credentials left", n)
	}
	if len(s.Credentials()) != 2 {
		t.Errorf("%d credentials left, want the 2 not named for her", len(s.Credentials()))
	}
	again := glrunSim(t, s, "run", "--sim", "../runbooks/offboard_user.star", "email="+email)
	if again.code != 0 || len(again.mutations()) != 0 {
		t.Errorf("offboarding someone already gone: exit %d, %d mutations", again.code, len(again.mutations()))
	}
}

func TestFailedJobsReportsExactlyTheFailures(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	r := glrunSim(t, s, "run", "--sim", "../runbooks/failed_jobs.star", "days=7")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if m := r.mutations(); len(m) != 0 {
		t.Errorf("a report sent %d mutations", len(m))
	}
	now := s.Clock().Now()
	var want []string
	for _, j := range s.Jobs() {
		if j.String("state") == "ERROR" && olderThanDays(t, j.String("createdAt"), now) < 7 {
			want = append(want, j.ID())
		}
	}
	var got []string
	for _, j := range r.decode(t)["jobs"].([]any) {
		got = append(got, j.(map[string]any)["id"].(string))
	}
	sort.Strings(want)
	sort.Strings(got)
	if len(want) == 0 {
		t.Fatal("the demo history should have failed jobs")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("failed jobs (-want +got):\n%s", diff)
	}
	ops := r.decode(t)["async_operations"].([]any)
	if len(ops) == 0 {
		t.Error("no failed async operations reported; the demo history has some")
	}
	for _, r := range r.requests {
		if strings.Contains(r.Query, "+") {
			t.Errorf("a raw + travelled in a query (it must be %%2B): %s", r.Query)
		}
	}
}

func mustTemplate(t *testing.T, alias string) glapi.JobTemplate {
	t.Helper()
	tmpl, err := glapi.LookupTemplate(alias)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func hasUser(users []glapi.Object, email string) bool {
	for _, u := range users {
		if u.String("username") == email {
			return true
		}
	}
	return false
}

func countCredentials(creds []glapi.Object, name string) int {
	n := 0
	for _, c := range creds {
		if c.String("credentialName") == name {
			n++
		}
	}
	return n
}

func contains(xs []string, x string) bool {
	for _, e := range xs {
		if e == x {
			return true
		}
	}
	return false
}

// jobIDs returns the set of the ids of jobs.
func jobIDs(jobs []glapi.Object) map[string]bool {
	ids := map[string]bool{}
	for _, j := range jobs {
		ids[j.ID()] = true
	}
	return ids
}

// olderThanDays returns how many days before now the timestamp ts is.
func olderThanDays(t *testing.T, ts string, now time.Time) float64 {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		t.Fatalf("bad timestamp %q: %v", ts, err)
	}
	return now.Sub(at).Hours() / 24
}
