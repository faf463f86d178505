package cli

import (
	"slices"
	"sort"
	"time"

	"fmt"
	"glrun/glapi/sim"
	"glrun/journal"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProfileSetsTheStateDirAndPruning gives a profile a state_dir,
// keep_runs: 2 and keep_runs_days: 7. Runs journal there; a new run prunes
// the runs past the age, then (--keep-runs 1) past the count; 'glrun
// config' shows the settings.
func TestProfileSetsTheStateDirAndPruning(t *testing.T) {
	t.Parallel()
	w := newResumeWorld(t)
	state := filepath.Join(t.TempDir(), "runs")
	cfg := filepath.Join(w.env("XDG_CONFIG_HOME"), "glrun", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(cfg), 0o700); err != nil {
		t.Fatal(err)
	}
	// The profile names its own client and secret variable: a secret is
	// sent only to the hosts of its own source.
	yaml := "default: lab\nprofiles:\n  lab:\n    base_url: " + w.url + "\n    client_id: " + sim.DemoClientID +
		"\n    client_secret_env: LAB_SECRET\n    state_dir: " + state + "\n    keep_runs: 2\n    keep_runs_days: 7\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		switch k {
		case "LAB_SECRET":
			return sim.DemoClientSecret
		case "GREENLAKE_CLIENT_ID", "GREENLAKE_CLIENT_SECRET":
			return "" // the profile's own, not another source's
		}
		return w.env(k)
	}
	// Two old runs: one 2 days old, one 40 days old (past keep_runs_days).
	store := journal.NewFileStore(state)
	now := time.Now()
	var old []string
	for _, age := range []time.Duration{2 * 24 * time.Hour, 40 * 24 * time.Hour} {
		m := journal.Meta{ID: journal.NewID(now.Add(-age)), Command: "run", Runbook: "old.star", State: journal.Failed, Started: now.Add(-age)}
		if err := store.Create(m); err != nil {
			t.Fatal(err)
		}
		old = append(old, m.ID)
	}
	runIn := func(extra ...string) string {
		t.Helper()
		args := append(append([]string{"run"}, extra...), resumeRunbook, "email="+fmt.Sprint(len(extra), "@example.com"))
		r := glrunEnv(t, nil, env, args...)
		if r.code != 0 {
			t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
		}
		return runIDOf(t, r.stderr)
	}
	kept := func() []string {
		t.Helper()
		entries, err := os.ReadDir(state)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		sort.Strings(out)
		return out
	}
	first := runIn()
	if got, want := kept(), []string{old[0], first}; !slices.Equal(got, want) {
		t.Errorf("after a run with keep_runs 2, keep_runs_days 7: runs %v, want %v (the 40-day-old run pruned)", got, want)
	}
	second := runIn("--keep-runs", "1")
	if got, want := kept(), []string{second}; !slices.Equal(got, want) {
		t.Errorf("after a run with --keep-runs 1: runs %v, want %v", got, want)
	}
	ids := []string{first, second}
	r := glrunEnv(t, nil, env, "runs")
	if r.code != 0 || !strings.Contains(r.stdout, ids[1]) || strings.Contains(r.stdout, ids[0]) {
		t.Errorf("glrun runs (state_dir from the profile): exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = glrunEnv(t, nil, env, "config")
	for _, want := range []string{"state dir", state, "keep runs  ", "keep runs days", "7"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("glrun config does not show %q:\n%s", want, r.stdout)
		}
	}
	if r := glrunEnv(t, nil, env, "run", "--keep-runs", "0", resumeRunbook); r.code != 2 || !strings.Contains(r.stderr, "--keep-runs must be at least 1") {
		t.Errorf("--keep-runs 0: exit %d\n%s", r.code, r.stderr)
	}
}
