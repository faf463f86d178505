package odata

import (
	"strconv"
	"strings"
)

// Eval reports whether obj (a decoded JSON object: map[string]any with
// string, float64, json.Number, int, int64, bool, nil, []any and
// map[string]any values) matches e. The semantics (docs/filters.md, "Meaning"):
//
//   - A missing property, or a path through a non-object, is null.
//   - null equals only null, is never gt/ge/lt/le anything, and ne is the
//     negation of eq (so x ne 'A' is true when x is null).
//   - Numbers compare numerically, integers exactly, an integer and a
//     decimal as numbers. Strings compare byte-wise, except that two strings
//     that both read as timestamps (RFC 3339, zone optional and then UTC,
//     as GreenLake identity writes '2020-09-21T14:19:09.769747') compare as
//     instants. A date-time literal compares with a string property that
//     reads as a timestamp as instants; a date literal (2024-01-01) compares
//     with the UTC date of the property (eq means "on that day").
//   - Different kinds compare false (eq, gt, ...) and ne is true. Booleans
//     have eq and ne only.
//   - contains/startswith/endswith are false unless both arguments are
//     strings (so false on null or missing properties).
//   - x in (a, b) is x eq a or x eq b. x in expr is membership when expr is
//     an array; when expr is a string (the identity guide's "2020 in createdAt") it is
//     true when the text of x (a string or a number) occurs in it.
//   - A bare path is true when the property is the boolean true.
func Eval(e Expr, obj map[string]any) bool {
	switch n := e.(type) {
	case *Logic:
		if n.Op == "or" {
			return Eval(n.Left, obj) || Eval(n.Right, obj)
		}
		return Eval(n.Left, obj) && Eval(n.Right, obj)
	case *NotExpr:
		return !Eval(n.X, obj)
	case *Compare:
		return compareValues(n.Op, eval(n.Left, obj), eval(n.Right, obj))
	case *InExpr:
		return evalIn(n, obj)
	case *Call:
		return evalCall(n, obj)
	case *Path, *Lit:
		v := eval(n, obj)
		return v.k == vBool && v.b
	}
	return false
}

// Match is Eval with the arguments in the order of a method: it reports
// whether obj matches e.
func Match(obj map[string]any, e Expr) bool { return Eval(e, obj) }

// eval returns the value of any expression.
func eval(e Expr, obj map[string]any) value {
	switch n := e.(type) {
	case *Lit:
		return litValue(n)
	case *Path:
		return anyValue(lookup(obj, n.Segments))
	case *List:
		items := make([]any, len(n.Items))
		for i, it := range n.Items {
			items[i] = it
		}
		return value{k: vList, list: items}
	case nil:
		return value{k: vNull}
	}
	return value{k: vBool, b: Eval(e, obj)}
}

// lookup follows a path through nested objects; nil when absent.
func lookup(obj map[string]any, segs []string) any {
	var cur any = obj
	for _, s := range segs {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[s]
	}
	return cur
}

// compareValues applies a comparison operator.
func compareValues(op CompareOp, a, b value) bool {
	if a.k == vNull || b.k == vNull {
		both := a.k == vNull && b.k == vNull
		switch op {
		case OpEq:
			return both
		case OpNe:
			return !both
		}
		return false
	}
	c, ok, ordered := order(a, b)
	if !ok {
		return op == OpNe
	}
	switch op {
	case OpEq:
		return c == 0
	case OpNe:
		return c != 0
	}
	if !ordered {
		return false
	}
	switch op {
	case OpGt:
		return c > 0
	case OpGe:
		return c >= 0
	case OpLt:
		return c < 0
	case OpLe:
		return c <= 0
	}
	return false
}

// itemValue normalises a list element: a literal of a parsed list, or a
// JSON value of an array property.
func itemValue(x any) value {
	if l, ok := x.(*Lit); ok {
		return litValue(l)
	}
	return anyValue(x)
}

func evalIn(n *InExpr, obj map[string]any) bool {
	left := eval(n.Left, obj)
	right := eval(n.Right, obj)
	switch right.k {
	case vList:
		for _, it := range right.list {
			if compareValues(OpEq, left, itemValue(it)) {
				return true
			}
		}
	case vStr:
		switch left.k {
		case vStr:
			return strings.Contains(right.s, left.s)
		case vNum:
			text := strconv.FormatInt(left.i, 10)
			if !left.isInt {
				text = strconv.FormatFloat(left.f, 'f', -1, 64)
			}
			return strings.Contains(right.s, text)
		}
	}
	return false
}

func evalCall(n *Call, obj map[string]any) bool {
	if len(n.Args) != 2 {
		return false
	}
	a, b := eval(n.Args[0], obj), eval(n.Args[1], obj)
	if a.k != vStr || b.k != vStr {
		return false
	}
	switch n.Name {
	case "contains":
		return strings.Contains(a.s, b.s)
	case "startswith":
		return strings.HasPrefix(a.s, b.s)
	case "endswith":
		return strings.HasSuffix(a.s, b.s)
	}
	return false
}
