package builtins

import (
	"context"
	"fmt"

	"go.starlark.net/lib/json"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"glrun/clock"
	"glrun/glapi"
)

// newModule returns a frozen module named name with members.
func newModule(name string, members starlark.StringDict) *starlarkstruct.Module {
	m := &starlarkstruct.Module{Name: name, Members: members}
	m.Freeze()
	return m
}

// jsonModule is go.starlark.net's json module (encode, encode_indent,
// decode, indent). Records encode as their fields and secrets as
// "<redacted>".
func jsonModule() starlark.Value { return json.Module }

// maxListItems is the largest limit= or chunk size a builtin accepts.
const maxListItems = 1_000_000

// clockOf returns env.Clock, or the wall clock.
func clockOf(env *Env) clock.Clock {
	if env == nil || env.Clock == nil {
		return clock.Real{}
	}
	return env.Clock
}

// apiImpl is the body of a builtin that calls GreenLake: it checks its
// arguments in a, then gets the client with apiClient.
type apiImpl func(ctx context.Context, env *Env, a *Args) (starlark.Value, error)

// apiBuiltin makes the builtin fn with params (see bindArgs) running impl
// with the thread's context.
func apiBuiltin(env *Env, fn string, params []string, impl apiImpl) *starlark.Builtin {
	return starlark.NewBuiltin(fn, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		a, err := bindArgs(fn, args, kwargs, params...)
		if err != nil {
			return nil, err
		}
		return impl(Context(thread), env, a)
	})
}

// apiClient returns env's client, or an error naming fn when there is none.
func apiClient(env *Env, fn string) (*glapi.Client, error) {
	if env == nil || env.Client == nil {
		return nil, fmt.Errorf("%s: no GreenLake client is configured", fn)
	}
	return env.Client, nil
}

// apiError prefixes an error of the API call made by fn with fn's name.
func apiError(fn string, err error) error {
	return fmt.Errorf("%s: %w", fn, err)
}
