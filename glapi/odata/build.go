package odata

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"
)

// Literal returns the literal for a Go value: string, bool, nil, any integer
// type, float32 or float64, time.Time, or a []any (or []string) of those,
// which is a *List for in. NaN, infinities, integers beyond int64 and years
// outside 0000-9999 are errors.
func Literal(v any) (Expr, error) {
	switch x := v.(type) {
	case []any:
		l := &List{Items: make([]*Lit, 0, len(x))}
		for i, it := range x {
			lit, err := scalarLit(it)
			if err != nil {
				return nil, fmt.Errorf("list item %d: %w", i, err)
			}
			l.Items = append(l.Items, lit)
		}
		return l, nil
	case []string:
		l := &List{Items: make([]*Lit, 0, len(x))}
		for _, it := range x {
			l.Items = append(l.Items, &Lit{Kind: KindString, Str: it})
		}
		return l, nil
	}
	return scalarLit(v)
}

// scalarLit converts one non-list value to a literal.
func scalarLit(v any) (*Lit, error) {
	switch x := v.(type) {
	case nil:
		return &Lit{Kind: KindNull}, nil
	case string:
		return &Lit{Kind: KindString, Str: x}, nil
	case bool:
		return &Lit{Kind: KindBool, Bool: x}, nil
	case float64:
		return decimalLit(x)
	case float32:
		return decimalLit(float64(x))
	case time.Time:
		return timeLit(x)
	case *time.Time:
		if x == nil {
			return &Lit{Kind: KindNull}, nil
		}
		return timeLit(*x)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &Lit{Kind: KindInt, Int: rv.Int()}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return nil, fmt.Errorf("integer %d is beyond the range of a filter integer", u)
		}
		return &Lit{Kind: KindInt, Int: int64(u)}, nil
	case reflect.String: // named string types, such as an enum
		return &Lit{Kind: KindString, Str: rv.String()}, nil
	case reflect.Bool:
		return &Lit{Kind: KindBool, Bool: rv.Bool()}, nil
	case reflect.Float32, reflect.Float64:
		return decimalLit(rv.Float())
	case reflect.Slice, reflect.Array:
		return nil, fmt.Errorf("a list (%T) can only be the right side of in", v)
	}
	return nil, fmt.Errorf("cannot use a value of type %T as a filter literal", v)
}

func decimalLit(f float64) (*Lit, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%v cannot be written as a filter literal", f)
	}
	return &Lit{Kind: KindDecimal, Float: f}, nil
}

// timeLit writes t as a date-time literal in its own offset (UTC when the
// offset has seconds, which the literal cannot carry).
func timeLit(t time.Time) (*Lit, error) {
	if _, off := t.Zone(); off%60 != 0 {
		t = t.UTC()
	}
	if t.Year() < 0 || t.Year() > 9999 {
		return nil, fmt.Errorf("time %v is outside the years 0000-9999", t)
	}
	s := t.Format("2006-01-02T15:04:05.999999999Z07:00")
	return &Lit{Kind: KindDateTime, Str: s, Time: t}, nil
}

// Fill parses template after replacing each {} with the literal for the
// next arg (as Literal does). A placeholder is a token of its own: the
// value becomes one literal node (or one list, after in) and can never
// change the filter's structure, whatever it contains. {} inside a quoted
// string is text, not a placeholder. The number of {} must equal len(args).
func Fill(template string, args ...any) (Expr, error) {
	if n := countPlaceholders(template); n != len(args) {
		return nil, fmt.Errorf("filter template %q has %d {} placeholder(s) but %d argument(s) were given", template, n, len(args))
	}
	return parse(template, true, args)
}

// countPlaceholders counts {} outside single-quoted strings.
func countPlaceholders(s string) int {
	n, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\'':
			quoted = !quoted
		case !quoted && strings.HasPrefix(s[i:], "{}"):
			n++
			i++
		}
	}
	return n
}

// parsePath checks that path is a property path and returns its node.
func parsePath(path string) (*Path, error) {
	e, err := Parse(path)
	if err != nil {
		return nil, fmt.Errorf("property path %q: %w", path, err)
	}
	p, ok := e.(*Path)
	if !ok {
		return nil, fmt.Errorf("%q is not a property path (names joined by /)", path)
	}
	return p, nil
}

// compare builds path op v.
func compare(op CompareOp, path string, v any) (Expr, error) {
	p, err := parsePath(path)
	if err != nil {
		return nil, err
	}
	lit, err := scalarLit(v)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", path, op, err)
	}
	return &Compare{Op: op, Left: p, Right: lit}, nil
}

// Eq builds path eq v. path is a property path such as "resource/id".
func Eq(path string, v any) (Expr, error) { return compare(OpEq, path, v) }

// Ne builds path ne v.
func Ne(path string, v any) (Expr, error) { return compare(OpNe, path, v) }

// Gt builds path gt v.
func Gt(path string, v any) (Expr, error) { return compare(OpGt, path, v) }

// Ge builds path ge v.
func Ge(path string, v any) (Expr, error) { return compare(OpGe, path, v) }

// Lt builds path lt v.
func Lt(path string, v any) (Expr, error) { return compare(OpLt, path, v) }

// Le builds path le v.
func Le(path string, v any) (Expr, error) { return compare(OpLe, path, v) }

// In builds path in (v1, v2, ...); an empty vs matches nothing.
func In(path string, vs []any) (Expr, error) {
	p, err := parsePath(path)
	if err != nil {
		return nil, err
	}
	l := &List{Items: make([]*Lit, 0, len(vs))}
	for i, v := range vs {
		lit, err := scalarLit(v)
		if err != nil {
			return nil, fmt.Errorf("%s in: item %d: %w", path, i, err)
		}
		l.Items = append(l.Items, lit)
	}
	return &InExpr{Left: p, Right: l}, nil
}

// call builds name(path, 's').
func call(name, path, s string) (Expr, error) {
	p, err := parsePath(path)
	if err != nil {
		return nil, err
	}
	return &Call{Name: name, Args: []Expr{p, &Lit{Kind: KindString, Str: s}}}, nil
}

// Contains builds contains(path, 's').
func Contains(path string, s string) (Expr, error) { return call("contains", path, s) }

// StartsWith builds startswith(path, 's').
func StartsWith(path string, s string) (Expr, error) { return call("startswith", path, s) }

// EndsWith builds endswith(path, 's').
func EndsWith(path string, s string) (Expr, error) { return call("endswith", path, s) }

// Not builds not (e). Not(nil) is nil.
func Not(e Expr) Expr {
	if e == nil {
		return nil
	}
	return &NotExpr{X: e}
}

// And builds a and b; when either is nil it returns the other.
func And(a, b Expr) Expr { return logic("and", a, b) }

// Or builds a or b; when either is nil it returns the other.
func Or(a, b Expr) Expr { return logic("or", a, b) }

func logic(op string, a, b Expr) Expr {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return &Logic{Op: op, Left: a, Right: b}
}
