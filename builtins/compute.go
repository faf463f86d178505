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
func groupsCompliance(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	group := IDArg{What: "group"}
	if err := a.Unpack("group", &group); err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	items, err := c.Groups.Compliance(ctx, group.ID)
	if err != nil {
		return nil, callError(a.Fn(), err)
	}
	return recordList(items), nil
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

// idImpl is the body of a builtin of one parameter, id (an id string or a
// record of the item), that acts on that one item through the client.
func idImpl(what string, do func(ctx context.Context, c *glapi.Client, id string) (starlark.Value, error)) impl {
	return api(func(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
		id := IDArg{What: what}
		if err := a.Unpack("id", &id); err != nil {
			return nil, err
		}
		c, err := apiClient(env, a.Fn())
		if err != nil {
			return nil, err
		}
		v, err := do(ctx, c, id.ID)
		if err != nil {
			return nil, callError(a.Fn(), err)
		}
		resourceNamesOf(env).noteValue(v)
		return v, nil
	})
}

// getImpl is get(id): one item by id (or by a record of it).
func getImpl(what string, get func(*glapi.Client) getter) impl {
	return idImpl(what, func(ctx context.Context, c *glapi.Client, id string) (starlark.Value, error) {
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
	return idImpl(what, func(ctx context.Context, c *glapi.Client, id string) (starlark.Value, error) {
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
