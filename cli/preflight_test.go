package cli

import (
	"strings"
	"testing"
)

// A confirmed live run (plan, confirm, apply) goes through the same
// preflight as 'glrun apply', and says so.
func TestConfirmedRunPassesThePreflight(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	r := glrunSim(t, s, "run", "--sim", "--confirm", "--yes", "../runbooks/power_cycle.star", "group=lab", "batch=4")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"preflight: the runbook still plans exactly these 9 changes", "9 of 9 planned changes sent, after the preflight passed"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}
