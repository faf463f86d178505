package builtins

import (
	"fmt"
	"time"

	libtime "go.starlark.net/lib/time"
	"go.starlark.net/starlark"

	"glrun/glapi/odata"
)

// literalWant is what a filter literal argument expects.
const literalWant = "a string, int, float, bool, None or time value"

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
func odataParse(_ *starlark.Thread, _ *Env, a *Args) (starlark.Value, error) {
	text := StringArg{What: "a filter string such as \"state eq 'RUNNING'\""}
	if err := a.Unpack("text", &text); err != nil {
		return nil, err
	}
	e, err := odata.Parse(text.Value)
	if err != nil {
		return nil, &ArgError{Fn: a.Fn(), Param: "text", Want: "a valid OData filter",
			Got: Describe(a.Value("text")) + ": " + err.Error()}
	}
	return NewFilter(e), nil
}

// compareImpl is a builder such as odata.eq(path, value).
func compareImpl(build func(string, any) (odata.Expr, error)) impl {
	return func(_ *starlark.Thread, _ *Env, a *Args) (starlark.Value, error) {
		path := pathArg()
		var value LiteralArg
		if err := a.Unpack("path", &path, "value", &value); err != nil {
			return nil, err
		}
		e, err := build(path.Value, value.Value)
		if err != nil {
			return nil, builderError(a, err)
		}
		return NewFilter(e), nil
	}
}

// functionImpl is a builder such as odata.contains(path, text).
func functionImpl(build func(string, string) (odata.Expr, error)) impl {
	return func(_ *starlark.Thread, _ *Env, a *Args) (starlark.Value, error) {
		path := pathArg()
		text := StringArg{What: "a string"}
		if err := a.Unpack("path", &path, "text", &text); err != nil {
			return nil, err
		}
		e, err := build(path.Value, text.Value)
		if err != nil {
			return nil, builderError(a, err)
		}
		return NewFilter(e), nil
	}
}

// odataIn is odata.in_(path, values).
func odataIn(_ *starlark.Thread, _ *Env, a *Args) (starlark.Value, error) {
	path := pathArg()
	values := ListArg{What: "a list or tuple of " + literalWant + " values"}
	if err := a.Unpack("path", &path, "values", &values); err != nil {
		return nil, err
	}
	vals := make([]any, len(values.Items))
	for i, v := range values.Items {
		x, err := literal(v)
		if err != nil {
			return nil, &ArgError{Fn: a.Fn(), Param: "values", Want: values.What,
				Got: fmt.Sprintf("%s at index %d", Describe(v), i)}
		}
		vals[i] = x
	}
	e, err := odata.In(path.Value, vals)
	if err != nil {
		return nil, builderError(a, err)
	}
	return NewFilter(e), nil
}

// odataNot is odata.not_(filter).
func odataNot(_ *starlark.Thread, _ *Env, a *Args) (starlark.Value, error) {
	var filter FilterArg
	if err := a.Unpack("filter", &filter); err != nil {
		return nil, err
	}
	f, err := filter.filter(a.Value("filter"))
	if err != nil {
		return nil, err // checked by Unpack
	}
	return NewFilter(odata.Not(f.expr)), nil
}

// pathArg is the property path parameter of a builder.
func pathArg() StringArg {
	return StringArg{What: `a property path string such as "state" or "resource/id"`, NonEmpty: true}
}

// builderError reports a value the odata builder refused (a bad path).
func builderError(a *Args, err error) error {
	return &ArgError{Fn: a.Fn(), Param: "path", Want: `a property path such as "state" or "resource/id"`,
		Got: Describe(a.Value("path")) + ": " + err.Error()}
}

// LiteralArg accepts a literal of a filter: a string, int, float, bool,
// None or time value.
type LiteralArg struct {
	// Value is the Go value odata.Literal takes.
	Value any
}

// Want lists the literal types.
func (k *LiteralArg) Want() string { return literalWant }

// Unpack takes a literal.
func (k *LiteralArg) Unpack(v starlark.Value) error {
	x, err := literal(v)
	if err != nil {
		return &BadArg{}
	}
	k.Value = x
	return nil
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
