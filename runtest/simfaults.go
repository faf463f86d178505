package runtest

import (
	"fmt"

	"go.starlark.net/starlark"

	"glrun/glapi/sim"
)

// simFaults is sim.faults(spec): from now on the test's simulator injects
// the faults of spec, in the syntax of 'glrun sim serve --faults' (e.g.
// "429=0.2,503=0.05,reset-after=0.02,seed=7"); "" turns them off.
func (tc *testCase) simFaults(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var spec string
	if err := starlark.UnpackArgs(b.Name(), args, kw, "spec", &spec); err != nil {
		return nil, err
	}
	f, err := sim.ParseFaults(spec)
	if err != nil {
		return nil, fmt.Errorf("%s: parameter \"spec\": %w", b.Name(), err)
	}
	tc.sim.SetFaults(f)
	return starlark.None, nil
}
