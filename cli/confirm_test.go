package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"glrun/exitcode"
	"glrun/glapi/sim"

	"github.com/google/go-cmp/cmp"
)

// Only a run that would change a real GreenLake workspace needs approval.
func TestNeedsApprovalOnlyForRealGreenLake(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		flags targetFlags
		env   string // GREENLAKE_BASE_URL
		want  bool
	}{
		{"GreenLake region", targetFlags{region: "eu-central"}, "", true},
		{"the default region", targetFlags{}, "", true},
		{"--sim", targetFlags{sim: true}, "", false},
		{"--replay", targetFlags{replay: "x.yaml"}, "", false},
		{"loopback --base-url", targetFlags{baseURL: "http://127.0.0.1:8080"}, "", false},
		{"localhost --base-url", targetFlags{baseURL: "http://localhost:8080"}, "", false},
		{"IPv6 loopback --base-url", targetFlags{baseURL: "http://[::1]:8080"}, "", false},
		{"loopback in the environment", targetFlags{}, "http://127.0.0.2:9000", false},
		{"another host", targetFlags{baseURL: "https://greenlake.example.com"}, "", true},
		{"another host in the environment", targetFlags{}, "https://10.0.0.5", true},
		{"a flag wins over the environment", targetFlags{baseURL: "https://gl.example.com"}, "http://127.0.0.1:1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			noConfig := t.TempDir()
			getenv := func(k string) string {
				switch k {
				case "GREENLAKE_BASE_URL":
					return tt.env
				case "XDG_CONFIG_HOME":
					return noConfig
				}
				return ""
			}
			if got := needsApproval(&tt.flags, getenv); got != tt.want {
				t.Errorf("needsApproval = %v, want %v", got, tt.want)
			}
		})
	}
}

// Only the answer "yes" confirms.
func TestConfirmAcceptsOnlyYes(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{"yes\n": true, " yes \n": true, "yes": true, "y\n": false, "YES\n": false, "no\n": false, "": false, "\n": false} {
		var out bytes.Buffer
		got, err := confirm(strings.NewReader(in), &out, "Send these changes?")
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if got != want {
			t.Errorf("answer %q: confirmed = %v, want %v", in, got, want)
		}
		if !strings.Contains(out.String(), "Send these changes? Only 'yes' is accepted") {
			t.Errorf("prompt: %q", out.String())
		}
	}
}

// Without a terminal, a run that would change something needs --yes;
// without it no change is sent (the plan's reads only), the plan is shown
// and the message says what to do.
func TestApprovalWithoutATerminalNeedsYes(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	r := glrunSim(t, s, "run", "--sim", "--confirm", "../runbooks/power_cycle.star", "group=lab")
	if r.code != exitcode.Usage {
		t.Fatalf("exit %d, want 2\n%s", r.code, r.stderr)
	}
	if len(r.mutations()) != 0 {
		t.Errorf("%d changes sent before the confirmation", len(r.mutations()))
	}
	for _, w := range []string{"Plan: 9 to create", "not a terminal", "--yes", "glrun plan", "No change was sent"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	// Against a real GreenLake workspace the same holds without --confirm.
	g := glrunReal(t, "../runbooks/power_cycle.star", "group=lab")
	if g.code != exitcode.Usage || !strings.Contains(g.stderr, "--yes") || len(g.mutations()) != 0 {
		t.Errorf("a live run without a terminal: exit %d with %d changes, want 2 asking for --yes and none:\n%s", g.code, len(g.mutations()), g.stderr)
	}
	if strings.Contains(g.stderr, sim.DemoClientSecret) {
		t.Errorf("the client secret leaked into the message")
	}
}

// TestReadOnlyRunNeedsNoTerminal: a run against a real workspace whose plan
// changes nothing (a report such as failed_jobs.star under cron) runs
// without a terminal and without --yes, shows no plan and exits 0.
func TestReadOnlyRunNeedsNoTerminal(t *testing.T) {
	t.Parallel()
	r := glrunReal(t, "../runbooks/failed_jobs.star", "days=1")
	if r.code != exitcode.OK {
		t.Fatalf("exit %d, want 0\n%s", r.code, r.stderr)
	}
	if len(r.mutations()) != 0 {
		t.Errorf("%d changes sent", len(r.mutations()))
	}
	for _, unwanted := range []string{"Plan:", "--yes", "not a terminal", "changes a real GreenLake workspace"} {
		if strings.Contains(r.stderr, unwanted) {
			t.Errorf("stderr says %q for a run that changes nothing:\n%s", unwanted, r.stderr)
		}
	}
	if !strings.Contains(r.stderr, "changes nothing (its plan has no change), so it runs without asking") {
		t.Errorf("stderr does not say why no confirmation was needed:\n%s", r.stderr)
	}
	if _, ok := r.decode(t)["jobs"]; !ok {
		t.Errorf("no report of failed jobs on stdout:\n%s", r.stdout)
	}
}

// glrunReal runs 'glrun run ARGS' without a terminal against a simulator
// served on loopback that the run must treat as a real GreenLake workspace.
func glrunReal(t *testing.T, args ...string) result {
	t.Helper()
	s := newTestSim(t)
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	var out, errb bytes.Buffer
	before := len(s.Requests())
	code := Execute(context.Background(), append([]string{"run", "--base-url", base}, args...),
		streams{in: strings.NewReader(""), out: &out, err: &errb, getenv: demoEnv(t), realTarget: true})
	return result{code: code, stdout: out.String(), stderr: errb.String(), requests: s.Requests()[before:]}
}

// With --yes the plan is printed, then exactly that plan is applied.
func TestApprovedRunShowsThePlanThenAppliesIt(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	r := glrunSim(t, s, "run", "--sim", "--confirm", "--yes", "../runbooks/power_cycle.star", "group=lab", "batch=4")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	planAt := strings.Index(r.stderr, "Plan: 9 to create, 0 to update, 0 to delete.")
	appliedAt := strings.Index(r.stderr, "applied the plan")
	if planAt < 0 || appliedAt < planAt {
		t.Errorf("the plan is not shown before the run:\n%s", r.stderr)
	}
	var restarts []string
	for _, e := range r.mutations() {
		restarts = append(restarts, e.Method+" "+e.Path)
	}
	if len(restarts) != 9 {
		t.Errorf("%d changes sent, want the 9 planned: %v", len(restarts), restarts)
	}
	out := r.decode(t)
	if got := stringList(t, out["restarted"]); len(got) != 9 {
		t.Errorf("restarted %v", got)
	}
}

// Ids the plan made up are replaced by the real ones as they arrive: a
// planned PATCH /jobs/plan-job-0001 matches PATCH /jobs/<real id>.
func TestApplyMapsPlannedIDsToRealOnes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rb := filepath.Join(dir, "cancel.star")
	src := `
def main():
    srv = compute.servers.list(filter = odata.filter("name eq {}", "lab-01"))[0]
    job = compute.jobs.create("power_off", srv)
    compute.jobs.update(job.id, state = "ERROR")
    return job.id
`
	if err := os.WriteFile(rb, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newTestSim(t)
	path, _ := makePlanFile(t, s, rb)
	p := readPlan(t, path)
	if len(p.Mutations) != 2 {
		t.Fatalf("%d changes planned, want 2", len(p.Mutations))
	}
	m := p.Mutations[1]
	if m.Path != "/compute-ops-mgmt/v1/jobs/plan-job-0001" || !cmp.Equal(m.Pending, []string{"plan-job-0001"}) || m.Action != "update" {
		t.Errorf("planned change #2: %+v", m)
	}
	a := glrunSim(t, s, "apply", "--sim", path)
	if a.code != 0 {
		t.Fatalf("exit %d\n%s", a.code, a.stderr)
	}
	real := strings.TrimSpace(a.stdout)
	got := sentChanges(a)
	want := []sentChange{{"POST", "/compute-ops-mgmt/v1/jobs"}, {"PATCH", "/compute-ops-mgmt/v1/jobs/" + real}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}
