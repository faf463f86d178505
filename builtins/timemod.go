package builtins

import (
	libtime "go.starlark.net/lib/time"
	"go.starlark.net/starlark"
)

// timeNow is time.now(), reading env.Clock instead of the wall clock (a
// virtual clock in tests and replays); it replaces go.starlark.net's
// time.now in the time module. lib/time's global NowFunc is left alone.
func timeNow(_ *starlark.Thread, env *Env, _ *Args) (starlark.Value, error) {
	return libtime.Time(clockOf(env).Now()), nil
}
