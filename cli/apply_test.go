package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"glrun/exitcode"
	"glrun/glapi/sim"
)

// copyRunbook copies runbooks/power_cycle.star and the library it loads to
// a temporary directory, so a test can change them after planning.
func copyRunbook(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"power_cycle.star", "lib/fleet.star"} {
		b, err := os.ReadFile(filepath.Join("..", "runbooks", name))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "power_cycle.star")
}

func appendTo(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// An apply whose runbook, parameters or target differ from the plan is
// refused with exit 3 before a single request (not even a token request)
// reaches the API.
func TestApplyRefusesADifferentRunbookParametersOrTargetBeforeSendingAnything(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, rb string, s *sim.Sim) []string // returns extra apply args
		want   []string
	}{
		{"runbook edited", func(t *testing.T, rb string, _ *sim.Sim) []string {
			appendTo(t, rb, "\n# harmless-looking edit\n")
			return nil
		}, []string{"runbook files differ", "power_cycle.star: changed"}},
		{"loaded library edited", func(t *testing.T, rb string, _ *sim.Sim) []string {
			appendTo(t, filepath.Join(filepath.Dir(rb), "lib", "fleet.star"), "\nEXTRA = 1\n")
			return nil
		}, []string{"lib/fleet.star: changed"}},
		{"runbook gone", func(t *testing.T, rb string, _ *sim.Sim) []string {
			if err := os.Remove(rb); err != nil {
				t.Fatal(err)
			}
			return nil
		}, []string{"cannot be loaded any more", "power_cycle.star"}},
		{"other parameters", func(t *testing.T, _ string, _ *sim.Sim) []string {
			return []string{"group=prod-web", "batch=4"}
		}, []string{"parameters differ", "prod-web"}},
		{"other target", func(t *testing.T, _ string, s *sim.Sim) []string {
			base, err := s.Start("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			t.Setenv("GREENLAKE_CLIENT_ID", sim.DemoClientID)
			t.Setenv("GREENLAKE_CLIENT_SECRET", sim.DemoClientSecret)
			return []string{"--base-url", base}
		}, []string{"target differ", "planned against the built-in simulator"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSim(t)
			rb := copyRunbook(t)
			path, _ := makePlanFile(t, s, rb, "group=lab", "batch=4")
			extra := tt.change(t, rb, s)
			args := []string{"apply"}
			var params []string
			for _, a := range extra {
				if strings.Contains(a, "=") && !strings.HasPrefix(a, "-") {
					params = append(params, a)
				} else {
					args = append(args, a)
				}
			}
			if len(args) == 1 {
				args = append(args, "--sim")
			}
			args = append(append(args, path), params...)
			a := glrunSim(t, s, args...)
			if a.code != exitcode.Drift {
				t.Fatalf("exit %d, want %d\n%s", a.code, exitcode.Drift, a.stderr)
			}
			if len(a.requests) != 0 {
				t.Errorf("a refused apply sent %d requests, first %s %s", len(a.requests), a.requests[0].Method, a.requests[0].Path)
			}
			for _, w := range append(tt.want, "nothing was sent") {
				if !strings.Contains(a.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, a.stderr)
				}
			}
		})
	}
}

// A plan file that is not one is a usage error naming the file.
func TestApplyAndShowRefuseABadPlanFile(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"format": 1, "runbook": {"path": "x.star"}, "surprise": true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]string{{"apply", "--sim", bad}, {"show", bad}} {
		r := glrunSim(t, newTestSim(t), cmd...)
		if r.code != exitcode.Usage || !strings.Contains(r.stderr, "bad.json") || !strings.Contains(r.stderr, "surprise") {
			t.Errorf("%v: exit %d, want 2 naming the file and the field:\n%s", cmd, r.code, r.stderr)
		}
		if len(r.requests) != 0 {
			t.Errorf("%v sent requests", cmd)
		}
	}
}

// When the fleet changed between plan and apply so that the runbook would
// touch another server (or one server fewer), the apply's preflight (a dry
// run against the workspace as it is now) sees it and refuses with exit 3
// and a diff before anything is sent. When the fleet changes after the
// preflight passed, the per-change check behind it stops the apply before
// the first change the plan does not have (the planned changes before it
// were sent, nothing after), shows a diff of planned vs actual and exits 3.
func TestApplyStopsBeforeAChangeThePlanDoesNotHave(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		drift     func(t *testing.T, s *sim.Sim)
		sent      int // planned changes sent before the stop, when the preflight passed
		stderr    []string
		preflight []string // what the preflight's refusal says
		planned   int
	}{
		{"a server that was off is on: it would be restarted too", func(t *testing.T, s *sim.Sim) {
			setPower(t, s, "lab-03", "ON")
		}, 2, []string{"apply stopped before change #3 of 9", "planned: restart server lab-04", "actual:  restart server lab-03", "diff (-planned +actual)"},
			[]string{"plans 10 changes where the reviewed plan has 9", "#3 planned: restart server lab-04", "now: restart server lab-03"}, 9},
		{"the first server is off: it would be skipped", func(t *testing.T, s *sim.Sim) {
			setPower(t, s, "lab-01", "OFF")
		}, 0, []string{"apply stopped before change #1 of 9", "planned: restart server lab-01", "actual:  restart server lab-02"},
			[]string{"plans 8 changes where the reviewed plan has 9", "#1 planned: restart server lab-01"}, 9},
		{"a new server joined the group: one restart more", func(t *testing.T, s *sim.Sim) {
			if _, err := s.AddServersToGroup("lab", 1); err != nil {
				t.Fatal(err)
			}
		}, 9, []string{"the plan does not contain", "all 9 planned changes had been sent already", "restart server lab-x"},
			[]string{"plans 10 changes where the reviewed plan has 9", "#10 planned: nothing; now: restart server lab-x"}, 9},
		{"the last server is off: a planned change is left unsent", func(t *testing.T, s *sim.Sim) {
			setPower(t, s, "lab-12", "OFF")
		}, 8, []string{"apply incomplete", "8 of 9 planned changes", "#9 restart server lab-12"},
			[]string{"plans 8 changes where the reviewed plan has 9", "#9 planned: restart server lab-12", "not planned any more"}, 9},
	}
	for _, tt := range tests {
		t.Run("preflight/"+tt.name, func(t *testing.T) {
			s := newTestSim(t)
			path, _ := makePlanFile(t, s, "../runbooks/power_cycle.star", "group=lab", "batch=4")
			if p := readPlan(t, path); len(p.Mutations) != tt.planned {
				t.Fatalf("%d planned changes, want %d", len(p.Mutations), tt.planned)
			}
			tt.drift(t, s)
			a := glrunSim(t, s, "apply", "--sim", path)
			if a.code != exitcode.Drift {
				t.Fatalf("exit %d, want %d\n%s", a.code, exitcode.Drift, a.stderr)
			}
			if m := a.mutations(); len(m) != 0 {
				t.Errorf("the preflight refused, yet the simulator's request log holds %d changes: %+v", len(m), m)
			}
			for _, w := range append([]string{"apply refused by the preflight, nothing was sent", "diff (-planned +now)"}, tt.preflight...) {
				if !strings.Contains(a.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, a.stderr)
				}
			}
		})
		t.Run("backstop/"+tt.name, func(t *testing.T) {
			s := newTestSim(t)
			path, _ := makePlanFile(t, s, "../runbooks/power_cycle.star", "group=lab", "batch=4")
			p := readPlan(t, path)
			if len(p.Mutations) != tt.planned {
				t.Fatalf("%d planned changes, want %d", len(p.Mutations), tt.planned)
			}
			a := glrunApplyDriftingAfterPreflight(t, s, func() { tt.drift(t, s) }, "apply", "--sim", path)
			if a.code != exitcode.Drift {
				t.Fatalf("exit %d, want %d\n%s", a.code, exitcode.Drift, a.stderr)
			}
			if !strings.Contains(a.stderr, p.PreflightPassed()) {
				t.Errorf("stderr lacks %q:\n%s", p.PreflightPassed(), a.stderr)
			}
			want := plannedChanges(p, nil)[:tt.sent]
			if diff := cmp.Diff(want, sentChanges(a), cmpEmptySlices); diff != "" {
				t.Errorf("sent changes (-first planned +sent):\n%s", diff)
			}
			for _, w := range tt.stderr {
				if !strings.Contains(a.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, a.stderr)
				}
			}
		})
	}
}

// glrunApplyDriftingAfterPreflight runs glrun with args against s (--sim),
// calling drift once the apply's preflight has passed.
func glrunApplyDriftingAfterPreflight(t *testing.T, s *sim.Sim, drift func(), args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	before := len(s.Requests())
	code := Execute(context.Background(), args, streams{in: strings.NewReader(""), out: &out, err: &errb, sim: s, afterPreflight: drift})
	return result{code: code, stdout: out.String(), stderr: errb.String(), requests: s.Requests()[before:]}
}

var cmpEmptySlices = cmp.FilterValues(func(a, b []sentChange) bool { return len(a) == 0 && len(b) == 0 },
	cmp.Comparer(func(_, _ []sentChange) bool { return true }))

// setPower sets the power state of the server with that name.
func setPower(t *testing.T, s *sim.Sim, name, state string) {
	t.Helper()
	srv, ok := s.ServerByName(name)
	if !ok {
		t.Fatalf("no server %s", name)
	}
	if err := s.SetPower(srv.ID(), state); err != nil {
		t.Fatal(err)
	}
}

// Plan and apply work with --base-url too (here a simulator served on
// loopback, as 'glrun sim serve' does).
func TestPlanAndApplyWithBaseURL(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	env := demoEnv(t)
	out := filepath.Join(t.TempDir(), "p.json")
	r := glrunEnv(t, s, env, "plan", "--base-url", base, "../runbooks/onboard_user.star", "email=ana@example.com", "--out", out)
	if r.code != 0 || len(sentChanges(r)) != 0 {
		t.Fatalf("plan: exit %d, %d changes sent\n%s", r.code, len(sentChanges(r)), r.stderr)
	}
	p := readPlan(t, out)
	if p.Target.Kind != "base-url" || p.Target.Compute != base {
		t.Errorf("target %+v, want base-url %s", p.Target, base)
	}
	a := glrunEnv(t, s, env, "apply", "--base-url", base, out)
	if a.code != 0 {
		t.Fatalf("apply: exit %d\n%s", a.code, a.stderr)
	}
	if diff := cmp.Diff(plannedChanges(p, nil), sentChanges(a)); diff != "" {
		t.Errorf("apply sent (-planned +sent):\n%s", diff)
	}
	if !hasUser(s.Users(), "ana@example.com") {
		t.Errorf("the apply did not invite ana@example.com")
	}
}
