package runtest

import (
	"errors"
	"strings"
	"testing"

	"go.starlark.net/starlark"

	"glrun/builtins"
)

// TestTestModulesReportArgumentErrorsLikeEveryBuiltin: sim, assert,
// runbook.run and replay bind their arguments as every builtin does, and
// say what is wrong in the same words: an *ArgError naming the function,
// the parameter, what it wants and what it got.
func TestTestModulesReportArgumentErrorsLikeEveryBuiltin(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{`sim.server()`, `sim.server: parameter "id": want a server id or name string, got nothing`},
		{`sim.server(3)`, `sim.server: parameter "id": want a server id or name string, got int 3`},
		{`sim.servers(1)`, `sim.servers: want at most 0 positional arguments (none), got 1`},
		{`sim.set_power("prod-web-01", "DIM")`, `sim.set_power: parameter "state": want "ON" or "OFF", got string "DIM"`},
		{`sim.fail_next_job(template = "reboot")`, `sim.fail_next_job: parameter "template": want a job template alias (`},
		{`sim.fail_next_job(tempalte = "restart")`, `sim.fail_next_job: parameter "tempalte": want one of the parameters template (did you mean "template"?)`},
		{`sim.add_user("nobody")`, `sim.add_user: parameter "email": want an email address string, got string "nobody"`},
		{`sim.add_servers("lab", 0)`, `sim.add_servers: parameter "n": want an int from 1 to 10000, got int 0`},
		{`sim.advance("soon")`, `sim.advance: parameter "duration": want a duration such as "90s"`},
		{`sim.faults("429=2")`, `sim.faults: parameter "spec": want a fault spec such as`},
		{`assert.eq(1)`, `assert.eq: parameter "want": want the value it should be, got nothing`},
		{`assert.true(True, note = "x")`, `assert.true: parameter "note": want one of the parameters cond, msg (did you mean "cond"?), got an unknown keyword argument note=string "x"`},
		{`assert.fails(3)`, `assert.fails: parameter "fn": want a function, got int 3`},
		{`assert.fails(lambda: 1, "(")`, `assert.fails: parameter "match": want a regular expression, got string "(": `},
		{`assert.contains(3, 1)`, `assert.contains: parameter "container": want a string, list, tuple, dict or set, got int 3: `},
		{`runbook.run()`, `runbook.run: parameter "path": want a runbook path string`},
		{`runbook.run("a.star", "b.star")`, `runbook.run: want at most 1 positional arguments (path), got 2`},
		{`replay(cassette = 3)`, `replay: parameter "cassette": want a cassette path string, got int 3`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			tc := newCase(&Options{}, "args_test.star")
			pre := tc.testModules()
			_, err := starlark.ExecFile(&starlark.Thread{Name: "test"}, "args_test.star", tt.src+"\n", pre)
			var ae *builtins.ArgError
			if !errors.As(err, &ae) {
				t.Fatalf("%s: got %v, want an *ArgError", tt.src, err)
			}
			if !strings.HasPrefix(ae.Error(), tt.want) {
				t.Errorf("%s:\n got %s\nwant %s...", tt.src, ae.Error(), tt.want)
			}
		})
	}
}
