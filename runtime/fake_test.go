package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"go.starlark.net/starlark"

	"glrun/builtins"
	"glrun/runtime"
)

// errDrift is a builtin-defined error type that only Options.Classify knows.
var errDrift = errors.New("probe: drift from plan")

// fakes is a tiny predeclared environment standing in for the builtins.
type fakes struct {
	// counted is how many times count() ran.
	counted atomic.Int64
	// onWait, when set, runs as probe("wait") starts waiting.
	onWait func()
}

// predeclared returns the fake modules:
//   - count() counts its calls;
//   - probe(what) fails the way a builtin would ("plain", "deadline",
//     "canceled", "drift", "wait": until the run's context ends, then with
//     its error) or returns what;
//   - spawn(fn, n) calls fn(n) on a child thread made through the thread
//     factory, as parallel.map does.
func (f *fakes) predeclared() starlark.StringDict {
	return starlark.StringDict{
		"count": starlark.NewBuiltin("count", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			return starlark.MakeInt64(f.counted.Add(1)), nil
		}),
		"probe": starlark.NewBuiltin("probe", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var what string
			if err := starlark.UnpackArgs(b.Name(), args, kwargs, "what", &what); err != nil {
				return nil, err
			}
			switch what {
			case "plain":
				return nil, fmt.Errorf("probe: parameter what: the service said no")
			case "deadline":
				return nil, fmt.Errorf("probe: job still pending: %w", context.DeadlineExceeded)
			case "canceled":
				return nil, fmt.Errorf("probe: %w", context.Canceled)
			case "drift":
				return nil, fmt.Errorf("apply: %w", errDrift)
			case "wait":
				ctx := runtime.Context(thread)
				if f.onWait != nil {
					f.onWait()
				}
				<-ctx.Done()
				return nil, fmt.Errorf("probe: GET /x: %w", ctx.Err())
			}
			return starlark.String(what), nil
		}),
		"spawn": starlark.NewBuiltin("spawn", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var fn starlark.Callable
			var n int
			if err := starlark.UnpackArgs(b.Name(), args, kwargs, "fn", &fn, "n", &n); err != nil {
				return nil, err
			}
			child := runtime.NewChildThread(builtins.Context(thread), thread, "child")
			if child == nil {
				return nil, errors.New("spawn: no thread factory")
			}
			done := make(chan struct{})
			var v starlark.Value
			var err error
			go func() {
				defer close(done)
				v, err = starlark.Call(child, fn, starlark.Tuple{starlark.MakeInt(n)}, nil)
			}()
			<-done
			if err != nil {
				return nil, fmt.Errorf("spawn: %w", err)
			}
			return v, nil
		}),
	}
}
