package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestOffboardLeavesOthersCredentials offboards ana@example.com in a
// workspace where hana@example.com and ana.b@example.com also have the
// credentials onboard_user.star gives: the dry run plans, and the run
// deletes, only ana's credential and ana's user.
func TestOffboardLeavesOthersCredentials(t *testing.T) {
	s := newTestSim(t)
	people := []string{"ana@example.com", "hana@example.com", "ana.b@example.com"}
	for _, email := range people {
		if r := glrunSim(t, s, "run", "--sim", "../runbooks/onboard_user.star", "email="+email); r.code != 0 {
			t.Fatalf("onboarding %s: exit %d\n%s", email, r.code, r.stderr)
		}
	}

	plan := filepath.Join(t.TempDir(), "offboard.plan.json")
	p := glrunSim(t, s, "plan", "--sim", "../runbooks/offboard_user.star", "email=ana@example.com", "-o", plan)
	if p.code != 0 {
		t.Fatalf("plan: exit %d\n%s", p.code, p.stderr)
	}
	if m := p.mutations(); len(m) != 0 {
		t.Fatalf("the dry run sent %d changes", len(m))
	}
	show := glrunSim(t, nil, "show", plan)
	if show.code != 0 {
		t.Fatalf("show: exit %d\n%s", show.code, show.stderr)
	}
	for _, want := range []string{"delete API credential 'ana@example.com automation'", "delete user ana@example.com", "Plan: 0 to create, 0 to update, 2 to delete."} {
		if !strings.Contains(show.stdout, want) {
			t.Errorf("the plan lacks %q:\n%s", want, show.stdout)
		}
	}
	for _, other := range []string{"hana@", "ana.b@"} {
		if strings.Contains(show.stdout, other) || strings.Contains(p.stderr, other) {
			t.Errorf("the dry run mentions %s:\n%s\n%s", other, p.stderr, show.stdout)
		}
	}

	r := glrunSim(t, s, "run", "--sim", "../runbooks/offboard_user.star", "email=ana@example.com")
	if r.code != 0 {
		t.Fatalf("offboard: exit %d\n%s", r.code, r.stderr)
	}
	if got := stringList(t, r.decode(t)["credentials_deleted"]); len(got) != 1 || got[0] != "ana@example.com automation" {
		t.Errorf("credentials_deleted = %q, want only ana's", got)
	}
	if hasUser(s.Users(), "ana@example.com") || countCredentials(s.Credentials(), "ana@example.com automation") != 0 {
		t.Error("ana or her credential is still there")
	}
	for _, email := range people[1:] {
		if !hasUser(s.Users(), email) {
			t.Errorf("%s was removed", email)
		}
		if n := countCredentials(s.Credentials(), email+" automation"); n != 1 {
			t.Errorf("%s has %d credentials left, want 1", email, n)
		}
	}
}
