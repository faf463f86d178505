// Package odata implements the OData $filter subset that GreenLake list
// endpoints accept (see docs/filters.md): a lexer and recursive-descent parser to an
// AST, a canonical printer, safe builders (Fill, Literal, Eq ...), an
// evaluator over decoded JSON objects, per-endpoint validation and the
// percent-encoding of a filter for a query string.
//
// It imports only the standard library.
package odata

import (
	"strings"
	"time"
)

// Expr is a node of a parsed or built filter expression.
type Expr interface {
	// String returns the canonical text of the expression.
	String() string
}

// CompareOp is a comparison operator of a Compare node.
type CompareOp string

// The comparison operators, as they are written in a filter.
const (
	OpEq CompareOp = "eq"
	OpNe CompareOp = "ne"
	OpGt CompareOp = "gt"
	OpGe CompareOp = "ge"
	OpLt CompareOp = "lt"
	OpLe CompareOp = "le"
)

// LitKind is the type of a literal.
type LitKind int

// The literal kinds of the subset.
const (
	KindNull LitKind = iota
	KindBool
	KindInt
	KindDecimal
	KindDate
	KindDateTime
	KindString
)

// Path is a property path such as name or resource/id.
type Path struct {
	// Segments are the identifiers between the slashes; never empty.
	Segments []string
}

// Lit is a literal value.
type Lit struct {
	Kind LitKind
	// Bool is the value of a KindBool literal.
	Bool bool
	// Int is the value of a KindInt literal.
	Int int64
	// Float is the value of a KindDecimal literal.
	Float float64
	// Str is the value of a KindString literal (unquoted), or the
	// canonical text of a KindDate or KindDateTime literal.
	Str string
	// Time is the instant of a KindDateTime literal, or midnight UTC of a
	// KindDate literal.
	Time time.Time
}

// List is a parenthesised list of literals, the right side of in.
type List struct {
	Items []*Lit
}

// Compare is Left Op Right.
type Compare struct {
	Op          CompareOp
	Left, Right Expr
}

// InExpr is Left in Right, where Right is a *List or any other expression
// (the "x in expr" form).
type InExpr struct {
	Left, Right Expr
}

// Call is a function call: contains, startswith or endswith with two
// arguments.
type Call struct {
	// Name is the lowercase function name.
	Name string
	Args []Expr
}

// NotExpr is the negation of X.
type NotExpr struct {
	X Expr
}

// Logic is Left and Right, or Left or Right.
type Logic struct {
	// Op is "and" or "or".
	Op          string
	Left, Right Expr
}

// String returns the path with its segments joined by "/".
func (p *Path) String() string { return strings.Join(p.Segments, "/") }

// String returns the canonical text of the literal.
func (l *Lit) String() string { return printLit(l) }

// String returns the canonical text of the list, "(a, b)".
func (l *List) String() string { return print(l) }

// String returns the canonical text of the comparison.
func (c *Compare) String() string { return print(c) }

// String returns the canonical text of the in expression.
func (i *InExpr) String() string { return print(i) }

// String returns the canonical text of the call.
func (c *Call) String() string { return print(c) }

// String returns the canonical text, always "not (...)".
func (n *NotExpr) String() string { return print(n) }

// String returns the canonical text with minimal parentheses.
func (l *Logic) String() string { return print(l) }

// isFunction reports whether name (lowercase) is a function of the subset.
func isFunction(name string) bool {
	switch name {
	case "contains", "startswith", "endswith":
		return true
	}
	return false
}

// Paths returns the distinct property paths e refers to, in order of first
// appearance.
func Paths(e Expr) []string {
	var out []string
	seen := map[string]bool{}
	walk(e, func(x Expr) {
		if p, ok := x.(*Path); ok {
			s := p.String()
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	})
	return out
}

// walk calls f on every node of e, parents first.
func walk(e Expr, f func(Expr)) {
	if e == nil {
		return
	}
	f(e)
	switch n := e.(type) {
	case *List:
		for _, it := range n.Items {
			walk(it, f)
		}
	case *Compare:
		walk(n.Left, f)
		walk(n.Right, f)
	case *InExpr:
		walk(n.Left, f)
		walk(n.Right, f)
	case *Call:
		for _, a := range n.Args {
			walk(a, f)
		}
	case *NotExpr:
		walk(n.X, f)
	case *Logic:
		walk(n.Left, f)
		walk(n.Right, f)
	}
}
