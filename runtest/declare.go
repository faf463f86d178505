package runtest

import (
	"sort"

	"glrun/builtins"
)

// testBuiltin is a builtin of the test modules, declared like every other
// builtin: its Doc's parameters bind its arguments (builtins.NewBuiltin).
type testBuiltin struct {
	doc builtins.Doc
	fn  builtins.Func
}

// replayDoc declares replay(cassette), the test builtin that makes the
// test's later runs answer from a cassette.
var replayDoc = builtins.Doc{Name: "replay", Params: []builtins.ParamDoc{
	{Name: "cassette", Desc: "the cassette (recorded with `glrun run --record`), relative to the test file and inside its repository (no absolute paths)"},
},
	Summary: "Make the test's later runbook.run calls answer from a cassette instead of the simulator, on a virtual clock " +
		"starting when the recording did; sim.* calls then fail (there is no simulator).",
	Example: `replay("../testdata/cassettes/onboard_user.yaml")
r = runbook.run("onboard_user.star", email = "cassette.test@example.com")
assert.eq(r.status, "ok", r.error)
assert.eq(r.mutations, ["POST /identity/v1/users", "POST /workspaces/v1/credentials"])`}

// runbookRunDoc declares runbook.run's one parameter of its own, path,
// given by position; every keyword goes to the runbook's main (path=
// too), so they are not bound.
var runbookRunDoc = builtins.Doc{Name: "runbook.run", Params: []builtins.ParamDoc{
	{Name: "path", Desc: "the runbook, relative to the test file and inside its repository (no absolute paths)"},
},
	Summary: "Run a runbook's main(**params) against the test's simulator (or cassette) in test mode " +
		"(runbook_mode() is \"test\"). A runbook that fails does not fail the test: the result says how it failed.",
	Returns: "a result: `status` (`\"ok\"`, `\"failed\"`, `\"usage\"`, `\"timeout\"`...), `exit_code`, " +
		"`value` (main's return value, or what fail(result=...) handed back), `error` (the message, or None), " +
		"`jobs` (the jobs it created, as they are now), `mutations` (each change sent, as the run summary counts them: " +
		"`\"POST /compute-ops-mgmt/v1/jobs\"`, `\"DELETE /identity/v1/users/{id}\"`), `logs` (its log lines) and `requests` (how many)",
	Example: `r = runbook.run("power_cycle.star", group = "prod-web", batch = 8)
assert.eq(r.status, "ok", r.error)
assert.eq(len(r.value["restarted"]), 16)
assert.eq(r.mutations, ["POST /compute-ops-mgmt/v1/jobs"] * 16)`}

// Docs returns the documentation of the test builtins (sim, assert,
// runbook.run, replay), sorted by name: the Docs their calls are bound to.
func Docs() []builtins.Doc {
	tc := &testCase{}
	var out []builtins.Doc
	for _, b := range append(tc.simBuiltins(), tc.assertBuiltins()...) {
		out = append(out, b.doc)
	}
	run := runbookRunDoc
	run.Params = append(append([]builtins.ParamDoc(nil), run.Params...),
		builtins.ParamDoc{Name: "params", Kwargs: true, Desc: "the runbook's parameters, as name=value: a string converts " +
			"by the parameter's type as on the command line (`emails = \"a@x.io,b@x.io\"` for a list), a value of its type passes as it is; " +
			"a missing, unknown or ill-typed parameter gives the status `\"usage\"`"})
	out = append(out, run, replayDoc)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Modules returns the test modules with their summaries, sorted by name.
func Modules() []builtins.ModuleDoc {
	return []builtins.ModuleDoc{
		{Name: "assert", Summary: "Tests only. Assertions: a failed one is reported with its file and line, and the test goes on."},
		{Name: "runbook", Summary: "Tests only. Run the runbook under test."},
		{Name: "sim", Summary: "Tests only. Arrange and inspect the test's simulator (a fresh one per test function, on a virtual clock)."},
	}
}
