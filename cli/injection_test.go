package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Values put into a filter with odata.filter stay literals: whatever they
// contain, the simulator (which parses and evaluates the filter it receives)
// matches only the user whose name is exactly that value.
func TestFilterValuesCannotChangeTheFilter(t *testing.T) {
	t.Parallel()
	values := []string{
		"x' or 'a' eq 'a",
		"')",
		"') or (username ne '",
		"%27 or 1 eq 1",
		"o'brien@example.com",
		"zoë.ünïcødé@example.com",
		"first+tag@example.com",
		"a b@example.com",
		"back\\slash@example.com",
	}
	for _, v := range values {
		t.Run(v, func(t *testing.T) {
			s := newTestSim(t)
			s.AddUser(v, "VERIFIED")
			s.AddUser("decoy+"+v, "VERIFIED")
			r := glrunSim(t, s, "run", "--sim", "testdata/find_user.star", "value="+v)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			var got []string
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("stdout %q: %v", r.stdout, err)
			}
			if diff := cmp.Diff([]string{v}, got); diff != "" {
				t.Errorf("users matched (-want +got):\n%s", diff)
			}
			for _, e := range r.requests {
				if e.Path == "/identity/v1/users" && strings.Contains(e.Query, "+") {
					t.Errorf("a raw + travelled in the query: %s", e.Query)
				}
			}
		})
	}
}

// Server ids contain '+'; it must travel as %2B in paths and filters.
func TestServerIDsWithPlus(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	id := s.GroupServerIDs("prod-web")[0]
	if !strings.Contains(id, "+") {
		t.Fatalf("demo server id %q has no +", id)
	}
	srv, _ := s.Server(id)
	r := glrunSim(t, s, "run", "--sim", "testdata/find_server.star", "id="+id)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	want := map[string]any{"listed": []any{srv.String("name")}, "got": srv.String("name")}
	if diff := cmp.Diff(want, r.decode(t)); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}
