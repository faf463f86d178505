package builtins

import (
	"context"
	"fmt"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"glrun/glapi"
	"glrun/glapi/wait"
)

// asyncOpsModule returns compute.async_ops.
func asyncOpsModule(env *Env) *starlarkstruct.Module {
	return newModule("compute.async_ops", starlark.StringDict{
		"list": listBuiltin(env, "compute.async_ops.list", func(c *glapi.Client) lister { return c.AsyncOps.ListFunc }),
		"get":  getBuiltin(env, "compute.async_ops.get", "async operation", func(c *glapi.Client) getter { return c.AsyncOps.Get }),
		"wait": apiBuiltin(env, "compute.async_ops.wait", append([]string{"op"}, waitParams...),
			func(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
				return asyncOpWait(ctx, env, a)
			}),
	})
}

// asyncOpWait is compute.async_ops.wait(op, timeout=, poll=,
// fail_on_error=True).
func asyncOpWait(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	item, err := waitItem(a, "op", a.Value("op"))
	if err != nil {
		return nil, err
	}
	opts, failOnError, err := waitArgs(env, a)
	if err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	done, err := wait.For(ctx, wait.AsyncOps(c.AsyncOps), []glapi.Object{item}, opts)
	if err != nil {
		return nil, err
	}
	if failOnError {
		if err := wait.OpFailure(done[0]); err != nil {
			return nil, fmt.Errorf("%s: %w", a.Fn(), err)
		}
	}
	return ToStarlark(done[0]), nil
}
