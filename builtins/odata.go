package builtins

import (
	"fmt"
	"time"

	libtime "go.starlark.net/lib/time"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"glrun/glapi/odata"
)

// literalWant is what a filter literal argument expects.
const literalWant = "a string, int, float, bool, None or time value"

// odataModule returns the odata module: filter, parse, the builders eq ne
// gt ge lt le in_ contains startswith endswith not_. The filters it makes
// combine with & and |, print as canonical text and evaluate locally with
// f.matches(obj).
func odataModule() *starlarkstruct.Module {
	members := starlark.StringDict{
		"filter": starlark.NewBuiltin("odata.filter", odataFilter),
		"parse":  starlark.NewBuiltin("odata.parse", odataParse),
		"in_":    starlark.NewBuiltin("odata.in_", odataIn),
		"not_":   starlark.NewBuiltin("odata.not_", odataNot),
	}
	for name, build := range map[string]func(string, any) (odata.Expr, error){
		"eq": odata.Eq, "ne": odata.Ne, "gt": odata.Gt, "ge": odata.Ge, "lt": odata.Lt, "le": odata.Le,
	} {
		members[name] = compareBuiltin("odata."+name, build)
	}
	for name, build := range map[string]func(string, string) (odata.Expr, error){
		"contains": odata.Contains, "startswith": odata.StartsWith, "endswith": odata.EndsWith,
	} {
		members[name] = functionBuiltin("odata."+name, build)
	}
	return newModule("odata", members)
}

// odataFilter is odata.filter(template, *args): each {} of template is
// replaced by the literal of the next argument; a value can never change
// the filter's structure.
func odataFilter(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	const fn = "odata.filter"
	if len(kwargs) > 0 {
		name := string(kwargs[0][0].(starlark.String))
		return nil, &ArgError{Fn: fn, Param: name, Want: "only positional arguments (template, *values)",
			Got: "an unknown keyword argument " + name + "=" + Describe(kwargs[0][1])}
	}
	if len(args) == 0 {
		return nil, argError(fn, "template", "a filter template string such as \"name eq {}\"", nil)
	}
	template, ok := args[0].(starlark.String)
	if !ok {
		return nil, argError(fn, "template", "a filter template string such as \"name eq {}\"", args[0])
	}
	vals := make([]any, len(args)-1)
	for i, v := range args[1:] {
		x, err := literalOrList(v)
		if err != nil {
			return nil, argError(fn, fmt.Sprintf("args[%d]", i), literalWant+" (or a list of them, for in)", v)
		}
		vals[i] = x
	}
	e, err := odata.Fill(string(template), vals...)
	if err != nil {
		return nil, &ArgError{Fn: fn, Param: "template",
			Want: fmt.Sprintf("a valid filter template with one {} per value (%d given)", len(vals)),
			Got:  Describe(template) + ": " + err.Error()}
	}
	return NewFilter(e), nil
}

// odataParse is odata.parse(text).
func odataParse(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	const fn = "odata.parse"
	const want = "a filter string such as \"state eq 'RUNNING'\""
	a, err := bindArgs(fn, args, kwargs, "text")
	if err != nil {
		return nil, err
	}
	text, err := a.String("text", want)
	if err != nil {
		return nil, err
	}
	e, err := odata.Parse(text)
	if err != nil {
		return nil, &ArgError{Fn: fn, Param: "text", Want: "a valid OData filter",
			Got: Describe(a.Value("text")) + ": " + err.Error()}
	}
	return NewFilter(e), nil
}

// compareBuiltin makes a builder such as odata.eq(path, value).
func compareBuiltin(fn string, build func(string, any) (odata.Expr, error)) *starlark.Builtin {
	return starlark.NewBuiltin(fn, func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		a, err := bindArgs(fn, args, kwargs, "path", "value")
		if err != nil {
			return nil, err
		}
		path, err := pathArg(a)
		if err != nil {
			return nil, err
		}
		v := a.Value("value")
		x, err := literal(v)
		if err != nil || !a.Given("value") {
			return nil, a.Error("value", literalWant)
		}
		e, err := build(path, x)
		if err != nil {
			return nil, builderError(fn, a, err)
		}
		return NewFilter(e), nil
	})
}

// functionBuiltin makes a builder such as odata.contains(path, text).
func functionBuiltin(fn string, build func(string, string) (odata.Expr, error)) *starlark.Builtin {
	return starlark.NewBuiltin(fn, func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		a, err := bindArgs(fn, args, kwargs, "path", "text")
		if err != nil {
			return nil, err
		}
		path, err := pathArg(a)
		if err != nil {
			return nil, err
		}
		text, err := a.String("text", "a string")
		if err != nil {
			return nil, err
		}
		e, err := build(path, text)
		if err != nil {
			return nil, builderError(fn, a, err)
		}
		return NewFilter(e), nil
	})
}

// odataIn is odata.in_(path, values).
func odataIn(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	const fn = "odata.in_"
	const want = "a list or tuple of " + literalWant + " values"
	a, err := bindArgs(fn, args, kwargs, "path", "values")
	if err != nil {
		return nil, err
	}
	path, err := pathArg(a)
	if err != nil {
		return nil, err
	}
	items, err := a.List("values", want)
	if err != nil {
		return nil, err
	}
	vals := make([]any, len(items))
	for i, v := range items {
		x, err := literal(v)
		if err != nil {
			return nil, &ArgError{Fn: fn, Param: "values", Want: want,
				Got: fmt.Sprintf("%s at index %d", Describe(v), i)}
		}
		vals[i] = x
	}
	e, err := odata.In(path, vals)
	if err != nil {
		return nil, builderError(fn, a, err)
	}
	return NewFilter(e), nil
}

// odataNot is odata.not_(filter).
func odataNot(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	const fn = "odata.not_"
	a, err := bindArgs(fn, args, kwargs, "filter")
	if err != nil {
		return nil, err
	}
	if !a.Has("filter") {
		return nil, a.Error("filter", filterWant)
	}
	f, err := asFilter(a.Value("filter"))
	if err != nil {
		return nil, &ArgError{Fn: fn, Param: "filter", Want: filterWant,
			Got: Describe(a.Value("filter")) + ": " + err.Error()}
	}
	return NewFilter(odata.Not(f.expr)), nil
}

// pathArg returns the property path argument of a builder.
func pathArg(a *Args) (string, error) {
	return a.NonEmptyString("path", `a property path string such as "state" or "resource/id"`)
}

// builderError reports a value the odata builder refused (a bad path).
func builderError(fn string, a *Args, err error) error {
	return &ArgError{Fn: fn, Param: "path", Want: `a property path such as "state" or "resource/id"`,
		Got: Describe(a.Value("path")) + ": " + err.Error()}
}

// literal converts a Starlark value to the Go value odata.Literal takes.
func literal(v starlark.Value) (any, error) {
	switch v := v.(type) {
	case starlark.NoneType:
		return nil, nil
	case starlark.Bool:
		return bool(v), nil
	case starlark.String:
		return string(v), nil
	case starlark.Int:
		if i, ok := v.Int64(); ok {
			return i, nil
		}
		return nil, fmt.Errorf("int %s does not fit in 64 bits", v)
	case starlark.Float:
		return float64(v), nil
	case libtime.Time:
		return time.Time(v), nil
	}
	return nil, fmt.Errorf("want %s, got %s", literalWant, Describe(v))
}

// literalOrList is literal, or a list of literals (for in).
func literalOrList(v starlark.Value) (any, error) {
	var items []starlark.Value
	switch v := v.(type) {
	case *starlark.List:
		for i := range v.Len() {
			items = append(items, v.Index(i))
		}
	case starlark.Tuple:
		items = v
	default:
		return literal(v)
	}
	out := make([]any, len(items))
	for i, it := range items {
		x, err := literal(it)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}
