package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"glrun/exitcode"
	"glrun/glapi/sim"
)

// checkout makes a directory holding runbooks/power_cycle.star and its
// library, as a clone of a runbook repository does, and returns it.
func checkout(t *testing.T) string {
	t.Helper()
	rb := copyRunbook(t)
	dir := t.TempDir()
	for _, name := range []string{"power_cycle.star", "lib/fleet.star"} {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(rb), filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "runbooks", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, sub := range []string{"plans", "elsewhere/deep"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(sub)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// gitInit makes dir a git repository with everything committed.
func gitInit(t *testing.T, dir string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "."},
		{"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "runbooks"},
	} {
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

// A plan made in a checkout's top directory applies from any other
// directory: its runbook is found relative to the plan file, or, when
// the plan file was moved out of the checkout, relative to the top of the
// checkout the apply runs in. The runbook's files still must hash as
// planned.
func TestApplyFromAnotherDirectory(t *testing.T) {
	tests := []struct {
		name  string
		git   bool
		move  bool   // move the plan file out of the checkout
		apply string // working directory of the apply, relative to the checkout ("" = outside it)
	}{
		{"plan file beside the runbooks, apply from a subdirectory", false, false, "elsewhere/deep"},
		{"plan file beside the runbooks, apply from outside the checkout", false, false, ""},
		{"plan file moved away, apply inside the git checkout", true, true, "elsewhere/deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := checkout(t)
			if tt.git {
				gitInit(t, dir)
			}
			s := newTestSim(t)
			t.Chdir(dir)
			planFile := filepath.Join(dir, "plans", "restart.plan.json")
			r := glrunSim(t, s, "plan", "--sim", "runbooks/power_cycle.star", "group=prod-web", "--out", "plans/restart.plan.json")
			if r.code != 0 {
				t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
			}
			p := readPlan(t, planFile)
			if p.Runbook.Path != "runbooks/power_cycle.star" || p.Runbook.FromPlan != "../runbooks/power_cycle.star" {
				t.Errorf("runbook path %q, from plan %q; want runbooks/power_cycle.star and ../runbooks/power_cycle.star", p.Runbook.Path, p.Runbook.FromPlan)
			}
			if tt.git && (p.Runbook.Git == nil || p.Runbook.Git.Path != "runbooks/power_cycle.star") {
				t.Errorf("git %+v, want path runbooks/power_cycle.star", p.Runbook.Git)
			}
			if tt.move {
				moved := filepath.Join(t.TempDir(), "restart.plan.json")
				if err := os.Rename(planFile, moved); err != nil {
					t.Fatal(err)
				}
				planFile = moved
			}
			if tt.apply == "" {
				t.Chdir(t.TempDir())
			} else {
				t.Chdir(filepath.Join(dir, filepath.FromSlash(tt.apply)))
			}
			a := glrunSim(t, s, "apply", "--sim", planFile)
			if a.code != 0 {
				t.Fatalf("apply: exit %d\n%s", a.code, a.stderr)
			}
			if !strings.Contains(a.stderr, "glrun: the plan's runbook runbooks/power_cycle.star is ") {
				t.Errorf("apply does not say where it found the runbook:\n%s", a.stderr)
			}
			if len(a.mutations()) != len(p.Mutations) || len(p.Mutations) == 0 {
				t.Errorf("apply sent %d changes, the plan has %d", len(a.mutations()), len(p.Mutations))
			}
		})
	}
}

// A plan written before plans recorded where their runbook is (only the
// path as given) still applies from the directory it was made in, and
// from nowhere else.
func TestOldPlanAppliesFromItsDirectory(t *testing.T) {
	dir := checkout(t)
	s := newTestSim(t)
	t.Chdir(dir)
	planFile := filepath.Join(dir, "plans", "old.plan.json")
	if r := glrunSim(t, s, "plan", "--sim", "runbooks/power_cycle.star", "group=prod-web", "--out", planFile); r.code != 0 {
		t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
	}
	// Strip the new fields, as an older glrun wrote the plan.
	var raw map[string]any
	b, err := os.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	delete(raw["runbook"].(map[string]any), "fromPlan")
	if b, err = json.Marshal(raw); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(planFile, b, 0o644); err != nil {
		t.Fatal(err)
	}

	t.Chdir(filepath.Join(dir, "elsewhere"))
	a := glrunSim(t, s, "apply", "--sim", planFile)
	if a.code != exitcode.Drift || !strings.Contains(a.stderr, "cannot be loaded any more") || len(a.requests) != 0 {
		t.Errorf("old plan from another directory: exit %d, %d requests, want 3 and none sent\n%s", a.code, len(a.requests), a.stderr)
	}
	t.Chdir(dir)
	if a := glrunSim(t, s, "apply", "--sim", planFile); a.code != 0 {
		t.Fatalf("old plan from its directory: exit %d\n%s", a.code, a.stderr)
	}
}

// A plan made against the built-in simulator applied without --sim, or
// one made against a live target applied with --sim, is refused (exit 3,
// as every target that differs from the plan's) before anything is read
// or sent, saying which target the plan was made for.
func TestApplyRefusesTheOtherSideOfSim(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	simPlan, _ := makePlanFile(t, s, copyRunbook(t), "group=prod-web")

	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	livePlan := filepath.Join(t.TempDir(), "live.plan.json")
	if r := glrunEnv(t, s, demoEnv(t), "plan", "--base-url", base, copyRunbook(t), "group=prod-web", "--out", livePlan); r.code != 0 {
		t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
	}
	noCredentials := func(string) string { return "" }
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"simulator plan without --sim", []string{"apply", simPlan}, "This plan was made against the built-in simulator; apply it with --sim."},
		{"live plan with --sim", []string{"apply", "--sim", livePlan}, "This plan was made against " + base + ", workspace " + sim.DemoWorkspaceID + "; apply it without --sim."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := glrunEnv(t, s, noCredentials, tt.args...)
			if a.code != exitcode.Drift {
				t.Fatalf("exit %d, want %d\n%s", a.code, exitcode.Drift, a.stderr)
			}
			if len(a.requests) != 0 {
				t.Errorf("a refused apply sent %d requests", len(a.requests))
			}
			for _, w := range []string{"apply refused, nothing was sent", tt.want} {
				if !strings.Contains(a.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, a.stderr)
				}
			}
		})
	}
}
