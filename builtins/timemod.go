package builtins

import (
	libtime "go.starlark.net/lib/time"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// timeModule returns go.starlark.net's time module with time.now() reading
// env.Clock instead of the wall clock (a virtual clock in tests and
// replays). lib/time's global NowFunc is left alone.
func timeModule(env *Env) *starlarkstruct.Module {
	members := make(starlark.StringDict, len(libtime.Module.Members))
	for k, v := range libtime.Module.Members {
		members[k] = v
	}
	members["now"] = starlark.NewBuiltin("time.now", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if _, err := bindArgs("time.now", args, kwargs); err != nil {
			return nil, err
		}
		return libtime.Time(clockOf(env).Now()), nil
	})
	return newModule("time", members)
}
