package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"glrun/exitcode"
)

// TestTamperedPlanTextRefused: a plan whose text was edited after it was
// made (a DELETE shown as "update", a description that hides what the
// request does, a change moved to another group) is refused as tampered by
// 'glrun show' and by 'glrun apply' (exit 3), and the apply sends nothing.
func TestTamperedPlanTextRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		edit   func(m map[string]any)
		reason string
	}{
		{"delete shown as update", func(m map[string]any) { m["action"] = "update" }, `action "update"`},
		{"description hides the delete", func(m map[string]any) {
			m["description"] = "update the preferences of user jane.doe@example.com: language=en"
		}, "description"},
		{"another group", func(m map[string]any) { m["collection"] = "/compute-ops-mgmt/v1/jobs" }, "collection"},
		{"names rewritten", func(m map[string]any) {
			m["description"] = strings.Replace(m["description"].(string), "jane.doe@example.com", "test.user@example.com", 1)
		}, "description"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newTestSim(t)
			path, _ := makePlanFile(t, s, "../runbooks/offboard_user.star", "email=jane.doe@example.com")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			muts := doc["mutations"].([]any)
			last := muts[len(muts)-1].(map[string]any)
			if last["method"] != "DELETE" {
				t.Fatalf("want the plan to end with a DELETE, got %v", last)
			}
			tt.edit(last)
			b, err = json.MarshalIndent(doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"show", path}, {"show", "-o", "json", path}, {"apply", "--sim", path}} {
				r := glrunSim(t, s, args...)
				if r.code != exitcode.Drift {
					t.Errorf("%v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, r.code, exitcode.Drift, r.stdout, r.stderr)
				}
				for _, w := range []string{"tampered", fmt.Sprintf("change #%d", len(muts)), "nothing was sent", tt.reason} {
					if !strings.Contains(r.stderr, w) {
						t.Errorf("%v: stderr lacks %q:\n%s", args, w, r.stderr)
					}
				}
				if r.stdout != "" {
					t.Errorf("%v printed the tampered plan:\n%s", args, r.stdout)
				}
				if len(r.requests) != 0 {
					t.Errorf("%v sent %d requests", args, len(r.requests))
				}
			}
		})
	}
}

// TestOlderPlanFormatRefused: a plan made by a glrun that recorded neither
// the workspace nor what its text was derived from is refused by show and
// apply (exit 2) with a request to plan again; nothing is sent.
func TestOlderPlanFormatRefused(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	path, _ := makePlanFile(t, s, "../runbooks/offboard_user.star", "email=jane.doe@example.com")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(string(b), `"format": 2`, `"format": 1`, 1)
	if old == string(b) {
		t.Fatalf("the plan has no format 2 field:\n%s", b)
	}
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"show", path}, {"apply", "--sim", path}} {
		r := glrunSim(t, s, args...)
		if r.code != exitcode.Usage || !strings.Contains(r.stderr, "made by an older glrun") || !strings.Contains(r.stderr, "make a new plan") {
			t.Errorf("%v: exit %d, want %d asking for a new plan\n%s", args, r.code, exitcode.Usage, r.stderr)
		}
		if len(r.requests) != 0 {
			t.Errorf("%v sent %d requests", args, len(r.requests))
		}
	}
}
