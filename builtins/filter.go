package builtins

import (
	"bytes"
	"encoding/json"
	"fmt"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"glrun/glapi/odata"
)

// filterWant is what a filter parameter expects, for error messages.
const filterWant = "an OData filter (a value of the odata module or a filter string)"

// Filter is a Starlark OData filter, made by the odata module. str(f) is
// its canonical text; f & g and f | g combine filters; f.matches(obj)
// evaluates it locally.
type Filter struct {
	expr odata.Expr
}

var (
	_ starlark.Value     = (*Filter)(nil)
	_ starlark.HasBinary = (*Filter)(nil)
	_ starlark.HasAttrs  = (*Filter)(nil)
)

// NewFilter wraps a parsed or built expression.
func NewFilter(e odata.Expr) *Filter { return &Filter{expr: e} }

// Expr returns the filter's expression.
func (f *Filter) Expr() odata.Expr { return f.expr }

// String returns the canonical filter text.
func (f *Filter) String() string { return f.expr.String() }

// Type returns "filter".
func (f *Filter) Type() string { return "filter" }

// Freeze does nothing: filters are immutable.
func (f *Filter) Freeze() {}

// Truth reports true.
func (f *Filter) Truth() starlark.Bool { return starlark.True }

// Hash hashes the canonical text, so equal filters hash alike.
func (f *Filter) Hash() (uint32, error) { return starlark.String(f.String()).Hash() }

// CompareSameType compares filters by canonical text (== and != only).
func (f *Filter) CompareSameType(op syntax.Token, y starlark.Value, _ int) (bool, error) {
	eq := f.String() == y.(*Filter).String()
	switch op {
	case syntax.EQL:
		return eq, nil
	case syntax.NEQ:
		return !eq, nil
	}
	return false, fmt.Errorf("%s not supported for filters", op)
}

// Binary implements f & g (and) and f | g (or); the other operand may also
// be a filter string.
func (f *Filter) Binary(op syntax.Token, y starlark.Value, side starlark.Side) (starlark.Value, error) {
	if op != syntax.AMP && op != syntax.PIPE {
		return nil, nil
	}
	other, err := asFilter(y)
	if err != nil {
		return nil, fmt.Errorf("filter %s: %w", op, err)
	}
	a, b := f.expr, other.expr
	if side == starlark.Right {
		a, b = b, a
	}
	if op == syntax.AMP {
		return NewFilter(odata.And(a, b)), nil
	}
	return NewFilter(odata.Or(a, b)), nil
}

// asFilter converts a Filter or a filter string to a *Filter.
func asFilter(v starlark.Value) (*Filter, error) {
	switch v := v.(type) {
	case *Filter:
		return v, nil
	case starlark.String:
		e, err := odata.Parse(string(v))
		if err != nil {
			return nil, err
		}
		return NewFilter(e), nil
	}
	return nil, fmt.Errorf("want %s, got %s", filterWant, Describe(v))
}

// Attr returns the matches method.
func (f *Filter) Attr(name string) (starlark.Value, error) {
	if name == "matches" {
		return starlark.NewBuiltin("matches", f.matches).BindReceiver(f), nil
	}
	return nil, nil
}

// AttrNames lists the filter's methods.
func (f *Filter) AttrNames() []string { return []string{"matches"} }

// matches is f.matches(obj): whether a dict or Record matches the filter.
func (f *Filter) matches(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	const fn = "odata.filter.matches"
	const want = "a dict or a record (an API object)"
	a, err := Bind(Doc{Name: fn, Params: []ParamDoc{{Name: "obj", Desc: want}}}, args, kwargs)
	if err != nil {
		return nil, err
	}
	v := a.Value("obj")
	switch v.(type) {
	case *Record, *starlark.Dict:
	default:
		return nil, a.Error("obj", want)
	}
	obj, err := jsonObject(v)
	if err != nil {
		return nil, &ArgError{Fn: fn, Param: "obj", Want: want, Got: Describe(v) + ": " + err.Error()}
	}
	return starlark.Bool(odata.Eval(f.expr, obj)), nil
}

// jsonObject converts a dict or Record to the decoded-JSON shape odata.Eval
// takes (numbers as json.Number, times as RFC 3339 strings).
func jsonObject(v starlark.Value) (map[string]any, error) {
	x, err := FromStarlark(v)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(x)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return obj, nil
}
