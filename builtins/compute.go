package builtins

import (
	"context"
	"errors"
	"fmt"

	"go.starlark.net/starlark"

	"glrun/glapi"
	"glrun/glapi/wait"
)

// groupsCompliance is compute.groups.compliance(group): the per-server
// firmware compliance records of a group.
func groupsCompliance() impl {
	return idRecordsImpl("group", "group", func(c *glapi.Client) idLister { return c.Groups.Compliance })
}

// lister, getter and deleter are the ListFunc, Get and Delete methods of
// a glapi service: a lister hands over the items a page at a time.
type (
	lister  func(ctx context.Context, opts glapi.ListOptions, fn func(glapi.Object) error) error
	getter  func(ctx context.Context, id string) (glapi.Object, error)
	deleter func(ctx context.Context, id string) error
)

// listImpl is list(filter=None, limit=None): every matching item over
// all pages, or the first limit of them. Pages are streamed: each item
// becomes a record as its page is decoded, so a list of 100,000 jobs is
// never held twice (decoded and converted) at once.
func listImpl(list func(*glapi.Client) lister) impl {
	return api(func(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
		var filter FilterArg
		limit := IntArg{Min: 1, Max: maxListItems}
		if err := a.Unpack("filter", &filter, "limit", &limit); err != nil {
			return nil, err
		}
		c, err := apiClient(env, a.Fn())
		if err != nil {
			return nil, err
		}
		var vals []starlark.Value
		var conv Converter // shares field names and repeated strings between items
		names := resourceNamesOf(env)
		err = list(c)(ctx, glapi.ListOptions{Filter: filter.Text, Limit: limit.Value}, func(o glapi.Object) error {
			names.note(o)
			vals = append(vals, conv.Value(o))
			return nil
		})
		if err != nil {
			return nil, callError(a.Fn(), err)
		}
		return starlark.NewList(vals), nil
	})
}

// listAllImpl is list(filter=None, limit=None) over list, which reads
// every matching item at once: for the services that have no paged
// ListFunc, or whose items the builtin completes before returning them.
func listAllImpl(list func(ctx context.Context, env *Env, c *glapi.Client, opts glapi.ListOptions) ([]glapi.Object, error)) impl {
	return api(func(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
		var filter FilterArg
		limit := IntArg{Min: 1, Max: maxListItems}
		if err := a.Unpack("filter", &filter, "limit", &limit); err != nil {
			return nil, err
		}
		c, err := apiClient(env, a.Fn())
		if err != nil {
			return nil, err
		}
		items, err := list(ctx, env, c, glapi.ListOptions{Filter: filter.Text, Limit: limit.Value})
		if err != nil {
			return nil, callError(a.Fn(), err)
		}
		return recordList(items), nil
	})
}

// argImpl is the body of a builtin of one parameter, param, read as the
// argument kind of arg (its zero settings, such as IDArg{What: "group"}):
// it gets the client, calls do with the unpacked argument and prefixes
// do's error with the builtin's name. idImpl and findImpl are made of it.
func argImpl[A any, P interface {
	*A
	ArgKind
}](param string, arg A, do func(ctx context.Context, env *Env, c *glapi.Client, arg A) (starlark.Value, error)) impl {
	return api(func(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
		v := arg
		if err := a.Unpack(param, P(&v)); err != nil {
			return nil, err
		}
		c, err := apiClient(env, a.Fn())
		if err != nil {
			return nil, err
		}
		out, err := do(ctx, env, c, v)
		if err != nil {
			return nil, callError(a.Fn(), err)
		}
		return out, nil
	})
}

// idImpl is the body of a builtin whose one parameter, param, is an id
// string or a record of the item what names ("group"), and that acts on
// that one item through the client: do returns what the builtin returns.
func idImpl(param, what string, do func(ctx context.Context, env *Env, c *glapi.Client, id string) (starlark.Value, error)) impl {
	return argImpl(param, IDArg{What: what}, func(ctx context.Context, env *Env, c *glapi.Client, id IDArg) (starlark.Value, error) {
		v, err := do(ctx, env, c, id.ID)
		if err != nil {
			return nil, err
		}
		resourceNamesOf(env).noteValue(v)
		return v, nil
	})
}

// getImpl is get(id): one item by id (or by a record of it).
func getImpl(what string, get func(*glapi.Client) getter) impl {
	return idImpl("id", what, func(ctx context.Context, _ *Env, c *glapi.Client, id string) (starlark.Value, error) {
		obj, err := get(c)(ctx, id)
		if err != nil {
			return nil, err
		}
		return ToStarlark(obj), nil
	})
}

// deleteImpl is delete(id): deletes one item by id (or by a record of
// it) and returns None.
func deleteImpl(what string, del func(*glapi.Client) deleter) impl {
	return idImpl("id", what, func(ctx context.Context, _ *Env, c *glapi.Client, id string) (starlark.Value, error) {
		return starlark.None, del(c)(ctx, id)
	})
}

// idLister is a method of a glapi service that returns the items that
// belong to one item, such as the devices of a group.
type idLister func(ctx context.Context, id string) ([]glapi.Object, error)

// idRecordsImpl is the body of a builtin of one parameter, param (an id
// string or a record of the item what names), that returns the records
// list gives for that item, such as compute.groups.devices(group).
func idRecordsImpl(param, what string, list func(*glapi.Client) idLister) impl {
	return idImpl(param, what, func(ctx context.Context, _ *Env, c *glapi.Client, id string) (starlark.Value, error) {
		items, err := list(c)(ctx, id)
		if err != nil {
			return nil, err
		}
		return recordList(items), nil
	})
}

// findImpl is the body of find(param): the item whose param is the
// string given (key says what it must be), or None when find returns
// nil.
func findImpl(param string, key StringArg, find func(ctx context.Context, env *Env, c *glapi.Client, key string) (glapi.Object, error)) impl {
	return argImpl(param, key, func(ctx context.Context, env *Env, c *glapi.Client, k StringArg) (starlark.Value, error) {
		obj, err := find(ctx, env, c, k.Value)
		if err != nil || obj == nil {
			return starlark.None, err
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
	var timeout *wait.TimeoutError
	if errors.As(err, &argErr) || errors.As(err, &timeout) {
		return err
	}
	return fmt.Errorf("%s: %w", fn, err)
}
