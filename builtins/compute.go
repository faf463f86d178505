package builtins

import (
	"context"
	"errors"
	"fmt"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"glrun/glapi"
	"glrun/glapi/wait"
)

// computeModule returns the compute module: jobs, async_ops, servers,
// groups and firmware_bundles, bound to env.
func computeModule(env *Env) starlark.Value {
	return newModule("compute", starlark.StringDict{
		"jobs":      jobsModule(env),
		"async_ops": asyncOpsModule(env),
		"servers": readOnlyModule(env, "compute.servers", "server",
			func(c *glapi.Client) lister { return c.Servers.ListFunc },
			func(c *glapi.Client) getter { return c.Servers.Get }),
		"groups": groupsModule(env),
		"firmware_bundles": readOnlyModule(env, "compute.firmware_bundles", "firmware bundle",
			func(c *glapi.Client) lister { return c.FirmwareBundles.ListFunc },
			func(c *glapi.Client) getter { return c.FirmwareBundles.Get }),
	})
}

// groupsModule is compute.groups: list and get, plus compliance(group),
// the per-server firmware compliance records of a group.
func groupsModule(env *Env) *starlarkstruct.Module {
	const name = "compute.groups"
	members := readOnlyMembers(env, name, "group",
		func(c *glapi.Client) lister { return c.Groups.ListFunc },
		func(c *glapi.Client) getter { return c.Groups.Get })
	members["compliance"] = apiBuiltin(env, name+".compliance", []string{"group"}, func(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
		id, err := a.ID("group", "group")
		if err != nil {
			return nil, err
		}
		c, err := apiClient(env, name+".compliance")
		if err != nil {
			return nil, err
		}
		items, err := c.Groups.Compliance(ctx, id)
		if err != nil {
			return nil, callError(name+".compliance", err)
		}
		return recordList(items), nil
	})
	return newModule(name, members)
}

// lister, getter and deleter are the ListFunc, Get and Delete methods of
// a glapi service: a lister hands over the items a page at a time.
type (
	lister  func(ctx context.Context, opts glapi.ListOptions, fn func(glapi.Object) error) error
	getter  func(ctx context.Context, id string) (glapi.Object, error)
	deleter func(ctx context.Context, id string) error
)

// readOnlyModule returns a module with list(filter=None, limit=None) and
// get(id) over one service.
func readOnlyModule(env *Env, name, what string, list func(*glapi.Client) lister, get func(*glapi.Client) getter) *starlarkstruct.Module {
	return newModule(name, readOnlyMembers(env, name, what, list, get))
}

// readOnlyMembers are the list and get builtins of readOnlyModule.
func readOnlyMembers(env *Env, name, what string, list func(*glapi.Client) lister, get func(*glapi.Client) getter) starlark.StringDict {
	return starlark.StringDict{
		"list": listBuiltin(env, name+".list", list),
		"get":  getBuiltin(env, name+".get", what, get),
	}
}

// listBuiltin is list(filter=None, limit=None): every matching item over
// all pages, or the first limit of them. Pages are streamed: each item
// becomes a record as its page is decoded, so a list of 100,000 jobs is
// never held twice (decoded and converted) at once.
func listBuiltin(env *Env, fn string, list func(*glapi.Client) lister) *starlark.Builtin {
	return apiBuiltin(env, fn, []string{"filter?", "limit?"}, func(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
		filter, err := a.Filter("filter")
		if err != nil {
			return nil, err
		}
		limit, _, err := a.OptInt("limit", 1, maxListItems)
		if err != nil {
			return nil, err
		}
		c, err := apiClient(env, fn)
		if err != nil {
			return nil, err
		}
		var vals []starlark.Value
		var conv Converter // shares field names and repeated strings between items
		err = list(c)(ctx, glapi.ListOptions{Filter: filter, Limit: limit}, func(o glapi.Object) error {
			vals = append(vals, conv.Value(o))
			return nil
		})
		if err != nil {
			return nil, callError(fn, err)
		}
		return starlark.NewList(vals), nil
	})
}

// idBuiltin is a builtin of one parameter, id (an id string or a record
// of the item), that acts on that one item through the client.
func idBuiltin(env *Env, fn, what string, do func(ctx context.Context, c *glapi.Client, id string) (starlark.Value, error)) *starlark.Builtin {
	return apiBuiltin(env, fn, []string{"id"}, func(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
		id, err := a.ID("id", what)
		if err != nil {
			return nil, err
		}
		c, err := apiClient(env, fn)
		if err != nil {
			return nil, err
		}
		v, err := do(ctx, c, id)
		if err != nil {
			return nil, callError(fn, err)
		}
		return v, nil
	})
}

// getBuiltin is get(id): one item by id (or by a record of it).
func getBuiltin(env *Env, fn, what string, get func(*glapi.Client) getter) *starlark.Builtin {
	return idBuiltin(env, fn, what, func(ctx context.Context, c *glapi.Client, id string) (starlark.Value, error) {
		obj, err := get(c)(ctx, id)
		if err != nil {
			return nil, err
		}
		return ToStarlark(obj), nil
	})
}

// deleteBuiltin is delete(id): deletes one item by id (or by a record of
// it) and returns None.
func deleteBuiltin(env *Env, fn, what string, del func(*glapi.Client) deleter) *starlark.Builtin {
	return idBuiltin(env, fn, what, func(ctx context.Context, c *glapi.Client, id string) (starlark.Value, error) {
		return starlark.None, del(c)(ctx, id)
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
	var timeout *wait.TimeoutError
	if errors.As(err, &argErr) || errors.As(err, &timeout) {
		return err
	}
	return fmt.Errorf("%s: %w", fn, err)
}
