package refcheck

import (
	"slices"
	"strings"
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"glrun/builtins"
)

// problems parses and resolves src as a runbook and returns its problems.
func problems(t *testing.T, src string) []Problem {
	t.Helper()
	names := builtins.Names()
	f, _, err := starlark.SourceProgramOptions(&syntax.FileOptions{Set: true, While: true, TopLevelControl: true},
		"t.star", src, func(n string) bool { return slices.Contains(names, n) })
	if err != nil {
		t.Fatal(err)
	}
	return File(f)
}

// TestFile finds each kind of bad reference, and no false alarm.
func TestFile(t *testing.T) {
	tests := []struct {
		src  string
		rule string // "" when nothing is wrong
		want string
	}{
		{"compute.groups.lst()", RuleUnknownBuiltin, `t.star:2:20: compute.groups has no member lst (did you mean "list"?); it has: add_servers, compliance, devices, get, list`},
		{"compute.group.list()", RuleUnknownBuiltin, `compute has no member group (did you mean "groups"?)`},
		{"x = identity.users", "", ""},
		{"x = time.second", "", ""},
		{`compute.jobs.create("restrat", "s")`, RuleUnknownTemplate, `t.star:2:25: compute.jobs.create: unknown job template "restrat" (did you mean restart?)`},
		{`compute.jobs.create(resource = "s", template = "power_of")`, RuleUnknownTemplate, `unknown job template "power_of" (did you mean power_off?)`},
		{`compute.jobs.create("RESTART", "s")`, "", ""},
		{`compute.jobs.create(t, "s")`, "", ""},
		{"compute = {}\n    compute.groups", "", ""},
	}
	for _, tt := range tests {
		got := problems(t, "def main(t = 1):\n    "+tt.src+"\n")
		if tt.rule == "" {
			if len(got) != 0 {
				t.Errorf("%s: want no problem, got %v", tt.src, got)
			}
			continue
		}
		if len(got) != 1 || got[0].Rule != tt.rule || !strings.Contains(got[0].String(), tt.want) {
			t.Errorf("%s: want one %s problem containing %q, got %v", tt.src, tt.rule, tt.want, got)
		}
	}
}
