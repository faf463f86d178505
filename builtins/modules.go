package builtins

import (
	"context"
	"fmt"

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

// api makes an apiImpl the body of a builtin, run with the thread's
// context.
func api(f apiImpl) impl {
	return func(thread *starlark.Thread, env *Env, a *Args) (starlark.Value, error) {
		return f(Context(thread), env, a)
	}
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
