package builtins

import (
	"context"
	"errors"
	"fmt"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"glrun/glapi"
)

// maxListLimit is the largest limit= a list builtin accepts.
const maxListLimit = 1_000_000

// computeModule returns the compute module: jobs, async_ops, servers,
// groups and firmware_bundles, bound to env.
func computeModule(env *Env) starlark.Value {
	return &starlarkstruct.Module{Name: "compute", Members: starlark.StringDict{
		"jobs":      jobsModule(env),
		"async_ops": asyncOpsModule(env),
		"servers": readOnlyModule(env, "compute.servers", "server",
			func(c *glapi.Client) lister { return c.Servers.List },
			func(c *glapi.Client) getter { return c.Servers.Get }),
		"groups": readOnlyModule(env, "compute.groups", "group",
			func(c *glapi.Client) lister { return c.Groups.List },
			func(c *glapi.Client) getter { return c.Groups.Get }),
		"firmware_bundles": readOnlyModule(env, "compute.firmware_bundles", "firmware bundle",
			func(c *glapi.Client) lister { return c.FirmwareBundles.List },
			func(c *glapi.Client) getter { return c.FirmwareBundles.Get }),
	}}
}

// lister and getter are the list and get methods of a glapi service.
type (
	lister func(ctx context.Context, opts glapi.ListOptions) ([]glapi.Object, error)
	getter func(ctx context.Context, id string) (glapi.Object, error)
)

// computeImpl is the body of a compute builtin: a holds its bound
// arguments; c is nil when no client is configured, which needClient
// reports once the arguments are checked.
type computeImpl func(ctx context.Context, client *glapi.Client, a *Args) (starlark.Value, error)

// computeBuiltin makes the builtin fn with params (see bindArgs) that runs
// impl with the thread's context and env's client.
func computeBuiltin(env *Env, fn string, params []string, impl computeImpl) *starlark.Builtin {
	return starlark.NewBuiltin(fn, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		a, err := bindArgs(fn, args, kwargs, params...)
		if err != nil {
			return nil, err
		}
		var c *glapi.Client
		if env != nil {
			c = env.Client
		}
		return impl(Context(thread), c, a)
	})
}

// readOnlyModule returns a module with list(filter=None, limit=None) and
// get(id) over one service.
func readOnlyModule(env *Env, name, what string, list func(*glapi.Client) lister, get func(*glapi.Client) getter) *starlarkstruct.Module {
	return &starlarkstruct.Module{Name: name, Members: starlark.StringDict{
		"list": listBuiltin(env, name+".list", list),
		"get":  getBuiltin(env, name+".get", what, get),
	}}
}

// listBuiltin is list(filter=None, limit=None): every matching item over
// all pages, or the first limit of them.
func listBuiltin(env *Env, fn string, list func(*glapi.Client) lister) *starlark.Builtin {
	return computeBuiltin(env, fn, []string{"filter?", "limit?"}, func(ctx context.Context, c *glapi.Client, a *Args) (starlark.Value, error) {
		filter, err := a.Filter("filter")
		if err != nil {
			return nil, err
		}
		limit, _, err := a.OptInt("limit", 1, maxListLimit)
		if err != nil {
			return nil, err
		}
		if err := needClient(a, c); err != nil {
			return nil, err
		}
		items, err := list(c)(ctx, glapi.ListOptions{Filter: filter, Limit: limit})
		if err != nil {
			return nil, callError(fn, err)
		}
		return recordList(items), nil
	})
}

// getBuiltin is get(id): one item by id (or by a record of it).
func getBuiltin(env *Env, fn, what string, get func(*glapi.Client) getter) *starlark.Builtin {
	return computeBuiltin(env, fn, []string{"id"}, func(ctx context.Context, c *glapi.Client, a *Args) (starlark.Value, error) {
		id, err := a.ID("id", what)
		if err != nil {
			return nil, err
		}
		if err := needClient(a, c); err != nil {
			return nil, err
		}
		obj, err := get(c)(ctx, id)
		if err != nil {
			return nil, callError(fn, err)
		}
		return ToStarlark(obj), nil
	})
}

// recordList returns items as a Starlark list of records.
func recordList(items []glapi.Object) *starlark.List {
	vals := make([]starlark.Value, len(items))
	for i, it := range items {
		vals[i] = ToStarlark(it)
	}
	return starlark.NewList(vals)
}

// callError prefixes err with the builtin's name, unless it already
// carries it (argument errors, wait timeouts).
func callError(fn string, err error) error {
	var argErr *ArgError
	var timeout *WaitTimeoutError
	if errors.As(err, &argErr) || errors.As(err, &timeout) {
		return err
	}
	return fmt.Errorf("%s: %w", fn, err)
}

// needClient fails when no GreenLake client is configured.
func needClient(a *Args, c *glapi.Client) error {
	if c == nil {
		return fmt.Errorf("%s: no GreenLake client is configured", a.Fn())
	}
	return nil
}
