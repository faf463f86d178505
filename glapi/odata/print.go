package odata

import (
	"math"
	"strconv"
	"strings"
)

// Precedence levels, loosest first (docs/filters.md, "Meaning").
const (
	precOr = iota + 1
	precAnd
	precNot
	precCompare
	precPrimary
)

// prec returns the precedence level of e's top operator.
func prec(e Expr) int {
	switch n := e.(type) {
	case *Logic:
		if n.Op == "or" {
			return precOr
		}
		return precAnd
	case *NotExpr:
		return precNot
	case *Compare, *InExpr:
		return precCompare
	}
	return precPrimary
}

// print returns the canonical text of e: lowercase keywords, "not (...)",
// parentheses only where the precedence needs them.
func print(e Expr) string {
	var b strings.Builder
	write(&b, e)
	return b.String()
}

// wrap writes e, in parentheses when its precedence is below min.
func wrap(b *strings.Builder, e Expr, min int) {
	if prec(e) < min {
		b.WriteByte('(')
		write(b, e)
		b.WriteByte(')')
		return
	}
	write(b, e)
}

func write(b *strings.Builder, e Expr) {
	switch n := e.(type) {
	case nil:
	case *Logic:
		p := prec(n)
		wrap(b, n.Left, p)
		b.WriteString(" " + n.Op + " ")
		wrap(b, n.Right, p)
	case *NotExpr:
		b.WriteString("not (")
		write(b, n.X)
		b.WriteByte(')')
	case *Compare:
		wrap(b, n.Left, precPrimary)
		b.WriteString(" " + string(n.Op) + " ")
		wrap(b, n.Right, precPrimary)
	case *InExpr:
		wrap(b, n.Left, precPrimary)
		b.WriteString(" in ")
		wrap(b, n.Right, precPrimary)
	case *Call:
		b.WriteString(n.Name)
		b.WriteByte('(')
		for i, a := range n.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			write(b, a)
		}
		b.WriteByte(')')
	case *List:
		b.WriteByte('(')
		for i, it := range n.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(printLit(it))
		}
		b.WriteByte(')')
	case *Lit:
		b.WriteString(printLit(n))
	case *Path:
		b.WriteString(n.String())
	default:
		b.WriteString(e.String())
	}
}

// printLit returns the canonical text of a literal, which parses back to
// the same value.
func printLit(l *Lit) string {
	switch l.Kind {
	case KindNull:
		return "null"
	case KindBool:
		return strconv.FormatBool(l.Bool)
	case KindInt:
		return strconv.FormatInt(l.Int, 10)
	case KindDecimal:
		return formatDecimal(l.Float)
	case KindDate, KindDateTime:
		return l.Str
	case KindString:
		return "'" + strings.ReplaceAll(l.Str, "'", "''") + "'"
	}
	return "null"
}

// formatDecimal writes f as the shortest decimal literal that reads back
// as f, always with a point or an exponent so it stays a decimal.
func formatDecimal(f float64) string {
	var s string
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		s = strconv.FormatFloat(f, 'e', -1, 64)
	} else {
		s = strconv.FormatFloat(f, 'f', -1, 64)
	}
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}
