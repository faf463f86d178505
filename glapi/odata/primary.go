package odata

import (
	"fmt"
	"strings"
)

// parsePrimary parses a literal, a placeholder, a parenthesised
// expression, a function call or a property path.
func (p *parser) parsePrimary() (Expr, *SyntaxError) {
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case tLit:
		p.advance()
		p.pos[t.lit] = t.pos
		return t.lit, nil
	case tPlaceholder:
		p.advance()
		if p.used >= len(p.args) {
			return nil, p.errAt(t.pos, "more {} placeholders than arguments", "")
		}
		v := p.args[p.used]
		p.used++
		e, lerr := Literal(v)
		if lerr != nil {
			return nil, p.errAt(t.pos, fmt.Sprintf("argument %d: %v", p.used, lerr), "")
		}
		p.pos[e] = t.pos
		return e, nil
	case tLParen:
		if t.pos != p.notParen {
			if err := p.enter(t); err != nil {
				return nil, err
			}
			defer func() { p.depth-- }()
		}
		p.advance()
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		n, err := p.peek()
		if err != nil {
			return nil, err
		}
		if n.kind != tRParen {
			return nil, p.unexpectedAfterOperand(n, "')'")
		}
		p.advance()
		return e, nil
	case tIdent:
		return p.parseIdent()
	}
	hint := ""
	if t.kind == tRParen {
		hint = "remove the unmatched ')' or add the missing value"
	}
	return nil, p.errAt(t.pos, "expected a property, a literal, a function call or '(', found "+describe(t), hint)
}

// parseIdent parses what starts with an identifier: a call, a keyword
// literal (null, true, false) or a property path.
func (p *parser) parseIdent() (Expr, *SyntaxError) {
	t := p.advance()
	lower := strings.ToLower(t.text)
	n, err := p.peek()
	if err != nil {
		return nil, err
	}
	if n.kind == tLParen && !n.space {
		if isFunction(lower) {
			return p.parseCall(t, lower)
		}
		return nil, p.errAt(t.pos, fmt.Sprintf("unknown function %s", t.text), functionHint(lower))
	}
	if n.kind == tLParen && isFunction(lower) {
		return nil, p.errAt(n.pos, fmt.Sprintf("expected '(' right after %s", lower),
			fmt.Sprintf("write %s(property, 'text') without a space", lower))
	}
	if n.kind != tSlash || n.space {
		var lit *Lit
		switch lower {
		case "null":
			lit = &Lit{Kind: KindNull}
		case "true", "false":
			lit = &Lit{Kind: KindBool, Bool: lower == "true"}
		case "not":
			return nil, p.errAt(t.pos, "expected a value, found not", "not applies to a whole condition: not (x eq 1)")
		}
		if lit != nil {
			p.pos[lit] = t.pos
			return lit, nil
		}
	}
	path := &Path{Segments: []string{t.text}}
	p.pos[path] = t.pos
	for {
		n, err := p.peek()
		if err != nil {
			return nil, err
		}
		if n.kind != tSlash || n.space {
			return path, nil
		}
		p.advance()
		s, err := p.peek()
		if err != nil {
			return nil, err
		}
		if s.kind != tIdent || s.space {
			return nil, p.errAt(s.pos, "expected a property name after /, found "+describe(s), "")
		}
		p.advance()
		path.Segments = append(path.Segments, s.text)
	}
}

// functionHint suggests a supported function for an unknown one.
func functionHint(name string) string {
	switch name {
	case "substringof":
		return "use contains(property, 'text')"
	case "not":
		return "write not followed by a space: not (x eq 1)"
	case "in":
		return "write in followed by a space: x in ('a', 'b')"
	case "and", "or":
		return fmt.Sprintf("write %s followed by a space", name)
	}
	if _, ok := compareOp(token{kind: tIdent, text: name}); ok {
		return fmt.Sprintf("write a comparison as property %s value", name)
	}
	return "the functions are contains, startswith and endswith"
}

// parseCall parses the arguments of a function whose name was t.
func (p *parser) parseCall(t token, name string) (Expr, *SyntaxError) {
	if err := p.enter(t); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.advance() // '('
	call := &Call{Name: name}
	p.pos[call] = t.pos
	n, err := p.peek()
	if err != nil {
		return nil, err
	}
	if n.kind == tRParen {
		p.advance()
	} else {
		for {
			a, err := p.parseOr()
			if err != nil {
				return nil, err
			}
			call.Args = append(call.Args, a)
			n, err := p.peek()
			if err != nil {
				return nil, err
			}
			if n.kind == tRParen {
				p.advance()
				break
			}
			if n.kind != tComma {
				return nil, p.unexpectedAfterOperand(n, "',' or ')'")
			}
			p.advance()
		}
	}
	if len(call.Args) != 2 {
		return nil, p.errAt(t.pos, fmt.Sprintf("%s takes 2 arguments, found %d", name, len(call.Args)),
			fmt.Sprintf("%s(property, 'text')", name))
	}
	return call, nil
}

// describe names a token for an error message.
func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "the end of the filter"
	case tIdent:
		return fmt.Sprintf("%q", t.text)
	case tLit:
		return "the literal " + t.text
	case tPlaceholder:
		return "a {} placeholder"
	}
	return "'" + t.text + "'"
}

// unexpectedAfterOperand reports t where an operator or end was expected.
func (p *parser) unexpectedAfterOperand(t token, end string) *SyntaxError {
	msg := fmt.Sprintf("expected an operator (eq, ne, gt, ge, lt, le, in, and, or) or %s, found %s", end, describe(t))
	if t.kind == tRParen && end == "the end of the filter" {
		msg = "found ')' without a matching '('"
	}
	hint := operatorHint(t, end)
	if !t.space && t.pos > 0 && p.lex.src[t.pos-1] == '\'' && (t.kind == tIdent || t.kind == tLit) {
		hint = "a quote inside a string is written twice: 'it''s'"
	}
	return p.errAt(t.pos, msg, hint)
}

// operatorHint suggests a fix for a token found where an operator was
// expected.
func operatorHint(t token, end string) string {
	switch t.kind {
	case tLit:
		return "a value cannot follow a value; did you forget an operator, as in name eq 'x'?"
	case tComma:
		if end == "the end of the filter" || end == "')'" {
			return "combine conditions with and / or; a list of values only follows in: x in (1, 2)"
		}
	case tIdent:
	default:
		return ""
	}
	if t.kind != tIdent {
		return ""
	}
	lower := strings.ToLower(t.text)
	switch lower {
	case "neq", "nq", "noteq":
		return "use ne (not equal): userStatus ne 'UNVERIFIED'"
	case "equals", "equal", "eql", "eqs", "is":
		return "use eq; for a missing value write x eq null, for a present one not (x eq null)"
	case "lte":
		return "use le (less or equal)"
	case "gte":
		return "use ge (greater or equal)"
	case "like":
		return "use contains(property, 'text')"
	case "contains", "startswith", "endswith":
		return fmt.Sprintf("functions are called as %s(property, 'text')", lower)
	case "eq", "ne", "gt", "ge", "lt", "le", "in", "and", "or":
		if !t.space {
			return fmt.Sprintf("put whitespace around %s", lower)
		}
	}
	for _, kw := range []string{"eq", "ne", "gt", "ge", "lt", "le", "in", "and", "or"} {
		if len(lower) > len(kw) && strings.HasPrefix(lower, kw) && isDigit(lower[len(kw)]) {
			return fmt.Sprintf("put a space after %s", kw)
		}
	}
	return ""
}

// checkBool reports an operand of and, or, not, or the whole filter, that
// cannot be true or false (a number, string, date, null or list).
func (p *parser) checkBool(e Expr, top bool) *SyntaxError {
	switch n := e.(type) {
	case *Logic:
		if err := p.checkBool(n.Left, false); err != nil {
			return err
		}
		return p.checkBool(n.Right, false)
	case *NotExpr:
		return p.checkBool(n.X, false)
	case *Lit:
		if n.Kind == KindBool {
			return nil
		}
		hint := ""
		if n.Kind == KindString && top {
			hint = "the whole filter seems to be quoted; remove the outer quotes"
		}
		return p.errAt(p.pos[n], "expected a condition (a comparison, a function call or a property), found the literal "+n.String(), hint)
	case *List:
		return p.errAt(p.pos[n], "expected a condition, found a list", "a list only follows in: x in (1, 2)")
	}
	return nil
}

// checkLists reports a list anywhere but on the right of in.
func (p *parser) checkLists(e Expr) *SyntaxError {
	if l := findList(e, false); l != nil {
		return p.errAt(p.pos[l], "a list of values can only follow in", "write x in ('a', 'b')")
	}
	return nil
}

// findList returns the first list in e that is not the right side of in;
// allowed says whether e itself is such a right side.
func findList(e Expr, allowed bool) *List {
	switch n := e.(type) {
	case *List:
		if !allowed {
			return n
		}
	case *InExpr:
		if l := findList(n.Left, false); l != nil {
			return l
		}
		return findList(n.Right, true)
	case *Compare:
		if l := findList(n.Left, false); l != nil {
			return l
		}
		return findList(n.Right, false)
	case *Call:
		for _, a := range n.Args {
			if l := findList(a, false); l != nil {
				return l
			}
		}
	case *NotExpr:
		return findList(n.X, false)
	case *Logic:
		if l := findList(n.Left, false); l != nil {
			return l
		}
		return findList(n.Right, false)
	}
	return nil
}
