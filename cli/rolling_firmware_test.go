package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"glrun/glapi/sim"

	"glrun/exitcode"
)

// The rolling firmware update as the README shows it, with the job of one
// server failing: exit 1, the others updated, and the JSON report's result
// lists exactly what was updated and what failed.
func TestRollingFirmwareUpdateSkipsAFailingServerAndReportsIt(t *testing.T) {
	s := newTestSim(t)
	newest := s.NewestBundleID()
	var behind []string
	for _, id := range s.GroupServerIDs("prod-web") {
		srv, _ := s.Server(id)
		if !strings.HasSuffix(srv.String("firmwareBundleUri"), "/"+newest) {
			behind = append(behind, srv.String("name"))
		}
	}
	if len(behind) < 2 {
		t.Fatalf("want at least two prod-web servers behind the newest bundle, got %v", behind)
	}
	victim, _ := s.ServerByName(behind[0])
	if err := s.FailJob(sim.JobFailure{Resource: victim.ID(), Template: "firmware_update"}); err != nil {
		t.Fatal(err)
	}
	var release string
	for _, b := range s.FirmwareBundles() {
		if b.ID() == newest {
			release = b.String("releaseVersion")
		}
	}
	r := glrunSim(t, s, "run", "--sim", "-o", "json", "../runbooks/rolling_firmware_update.star", "group=prod-web", "bundle="+release)
	if r.code != exitcode.Failed {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitcode.Failed, r.stderr)
	}
	var rep struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Result struct {
			Updated []string `json:"updated"`
			Failed  []struct {
				Server string `json:"server"`
				Job    string `json:"job"`
			} `json:"failed"`
		} `json:"result"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, r.stdout)
	}
	if len(rep.Result.Failed) != 1 || rep.Result.Failed[0].Server != behind[0] || rep.Result.Failed[0].Job == "" {
		t.Errorf("failed = %+v, want %s with its job", rep.Result.Failed, behind[0])
	}
	if strings.Join(rep.Result.Updated, ",") != strings.Join(behind[1:], ",") {
		t.Errorf("updated = %v, want %v", rep.Result.Updated, behind[1:])
	}
	for _, name := range behind[1:] {
		srv, _ := s.ServerByName(name)
		if !strings.HasSuffix(srv.String("firmwareBundleUri"), "/"+newest) {
			t.Errorf("%s is not on the bundle", name)
		}
	}
	if !strings.Contains(r.stderr, "skipping the server after its failure") {
		t.Errorf("the skipped server is not logged:\n%s", r.stderr)
	}
}
