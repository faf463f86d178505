package builtins

import (
	"context"
	"fmt"

	"go.starlark.net/starlark"

	"glrun/glapi"
	"glrun/glapi/wait"
)

// asyncOpWait is compute.async_ops.wait(op, timeout=, poll=,
// fail_on_error=True).
func asyncOpWait(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	op := WaitItemArg{What: "async operation"}
	if err := a.Unpack("op", &op); err != nil {
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
	done, err := wait.For(ctx, wait.AsyncOps(c.AsyncOps), []glapi.Object{op.Item}, opts)
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
