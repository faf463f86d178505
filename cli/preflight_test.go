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

// docs/examples/approval_policy.star, which docs/approval.md uses to try
// 'glrun approve', creates its policy once: run again, it reports it.
func TestApprovalPolicyExampleCreatesItsPolicyOnce(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	args := []string{"run", "--sim", "-o", "json", "../docs/examples/approval_policy.star", "group=prod-db", "approvers=sec@example.com,cab@example.com"}
	first := glrunSim(t, s, args...)
	again := glrunSim(t, s, args...)
	if first.code != 0 || !strings.Contains(first.stdout, `"created": true`) {
		t.Fatalf("first run: exit %d\n%s%s", first.code, first.stdout, first.stderr)
	}
	if again.code != 0 || !strings.Contains(again.stdout, `"created": false`) || len(again.mutations()) != 0 {
		t.Errorf("second run: exit %d, %d changes\n%s%s", again.code, len(again.mutations()), again.stdout, again.stderr)
	}
}
