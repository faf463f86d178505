package runtest

import (
	"strings"

	"glrun/builtins"
)

// testBuiltin is a builtin of the test modules, declared like every other
// builtin: its Doc's parameters bind its arguments (builtins.NewBuiltin).
type testBuiltin struct {
	doc builtins.Doc
	fn  builtins.Func
}

// params declares parameters for a test builtin's Doc: name, or
// name=default for an optional one (a Starlark literal). The test
// modules are not in the builtins reference, so they go undescribed.
func params(specs ...string) []builtins.ParamDoc {
	out := make([]builtins.ParamDoc, len(specs))
	for i, spec := range specs {
		name, def, _ := strings.Cut(spec, "=")
		out[i] = builtins.ParamDoc{Name: name, Default: def}
	}
	return out
}

// replayDoc declares replay(cassette), the test builtin that makes the
// test's later runs answer from a cassette.
var replayDoc = builtins.Doc{Name: "replay", Params: []builtins.ParamDoc{
	{Name: "cassette", Desc: "the cassette, relative to the test file"},
}}

// runbookRunDoc declares runbook.run's one parameter of its own, path,
// given by position; every keyword goes to the runbook's main (path=
// too), so they are not bound.
var runbookRunDoc = builtins.Doc{Name: "runbook.run", Params: []builtins.ParamDoc{
	{Name: "path", Desc: "the runbook, relative to the test file"},
}}
