package runtest

import (
	"go.starlark.net/starlark"

	"glrun/builtins"
	"glrun/glapi/sim"
)

// simFaults is sim.faults(spec): from now on the test's simulator injects
// the faults of spec, in the syntax of 'glrun sim serve --faults' (e.g.
// "429=0.2,503=0.05,reset-after=0.02,seed=7"); "" turns them off.
func (tc *testCase) simFaults(_ *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	spec := builtins.StringArg{What: `a fault spec such as "429=0.2,503=0.05,reset-after=0.02,seed=7" ("" for none)`}
	if err := a.Unpack("spec", &spec); err != nil {
		return nil, err
	}
	f, err := sim.ParseFaults(spec.Value)
	if err != nil {
		return nil, &builtins.ArgError{Fn: a.Fn(), Param: "spec", Want: spec.What,
			Got: builtins.Describe(a.Value("spec")) + ": " + err.Error()}
	}
	tc.sim.SetFaults(f)
	return starlark.None, nil
}
