package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"glrun/clock"
	"glrun/exitcode"
	"glrun/glapi/sim"
)

// TestPlanForAnotherWorkspaceRefused: a plan records the workspace its
// credentials acted in (the hpe_workspace_id of the access token), and an
// apply whose credentials act in another workspace on the same hosts is
// refused (exit 3) before any API request; in the plan's own workspace the
// same plan applies.
func TestPlanForAnotherWorkspaceRefused(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	newSim := func(ws string) *sim.Sim {
		return sim.New(sim.Options{Clock: clock.NewVirtual(start), TokenClock: clock.NewVirtual(start), WorkspaceID: ws})
	}
	reviewed, other := newSim("11111111111111111111111111111111"), newSim("22222222222222222222222222222222")
	var current atomic.Pointer[sim.Sim]
	current.Store(reviewed)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { current.Load().ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	env := demoEnv(t)
	out := t.TempDir() + "/off.plan.json"
	rb := "../runbooks/offboard_user.star"
	if r := glrunEnv(t, nil, env, "plan", "--base-url", srv.URL, rb, "email=jane.doe@example.com", "--out", out); r.code != 0 {
		t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
	}
	p := readPlan(t, out)
	if p.Target.Workspace != reviewed.WorkspaceID() {
		t.Fatalf("the plan records workspace %q, want %q", p.Target.Workspace, reviewed.WorkspaceID())
	}

	current.Store(other)
	r := glrunEnv(t, nil, env, "apply", "--base-url", srv.URL, out)
	if r.code != exitcode.Drift {
		t.Fatalf("apply in another workspace: exit %d, want %d\n%s", r.code, exitcode.Drift, r.stderr)
	}
	for _, w := range []string{"another workspace", reviewed.WorkspaceID(), other.WorkspaceID(), "nothing was sent"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	for _, e := range other.Requests() {
		if e.Path != "/as/token.oauth2" {
			t.Errorf("the other workspace received %s %s", e.Method, e.Path)
		}
	}

	current.Store(reviewed)
	if r := glrunEnv(t, nil, env, "apply", "--base-url", srv.URL, out); r.code != 0 {
		t.Fatalf("apply in the plan's workspace: exit %d\n%s", r.code, r.stderr)
	}
}

// TestPlanWithoutWorkspace: a plan that records no workspace is refused
// where the token names one (someone removed it, or it was made where
// tokens name none); its text is otherwise intact.
func TestPlanWithoutWorkspace(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	path, _ := makePlanFile(t, s, "../runbooks/offboard_user.star", "email=jane.doe@example.com")
	p := readPlan(t, path)
	if p.Target.Workspace != sim.DemoWorkspaceID {
		t.Fatalf("a --sim plan records workspace %q, want %q", p.Target.Workspace, sim.DemoWorkspaceID)
	}
	p.Target.Workspace = ""
	if err := p.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	r := glrunSim(t, s, "apply", "--sim", path)
	if r.code != exitcode.Drift || !strings.Contains(r.stderr, "(not recorded)") {
		t.Fatalf("exit %d, want %d naming the missing workspace\n%s", r.code, exitcode.Drift, r.stderr)
	}
	if len(r.mutations()) != 0 {
		t.Errorf("changes were sent: %v", r.mutations())
	}
}
