package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"glrun/exitcode"

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

// Without a terminal, a run that asks for approval needs --yes; without it
// nothing at all is sent and the message says what to do.
func TestApprovalWithoutATerminalNeedsYes(t *testing.T) {
	s := newTestSim(t)
	r := glrunSim(t, s, "run", "--sim", "--confirm", "../runbooks/power_cycle.star", "group=lab")
	if r.code != exitcode.Usage {
		t.Fatalf("exit %d, want 2\n%s", r.code, r.stderr)
	}
	if len(r.requests) != 0 {
		t.Errorf("%d requests sent before the confirmation", len(r.requests))
	}
	for _, w := range []string{"not a terminal", "--yes", "glrun plan", "Nothing was sent"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	// Against a real GreenLake host the same holds without --confirm.
	t.Setenv("GREENLAKE_CLIENT_ID", "id")
	t.Setenv("GREENLAKE_CLIENT_SECRET", "not-a-real-secret")
	g := glrunSim(t, nil, "run", "--region", "eu-central", "../runbooks/power_cycle.star", "group=lab")
	if g.code != exitcode.Usage || !strings.Contains(g.stderr, "--yes") {
		t.Errorf("a live run without a terminal: exit %d, want 2 asking for --yes:\n%s", g.code, g.stderr)
	}
	if strings.Contains(g.stderr, "not-a-real-secret") {
		t.Errorf("the client secret leaked into the message")
	}
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
