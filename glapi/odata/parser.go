package odata

import (
	"fmt"
	"strings"
)

// parser is a recursive-descent parser over the lexer's tokens, one
// method per precedence level (docs/filters.md, "Meaning").
type parser struct {
	lex   lexer
	buf   []token
	depth int
	// pos records where each parsed node starts, for errors found after
	// parsing (a non-boolean operand, a misplaced list).
	pos map[Expr]int
	// args are Fill's values for the {} placeholders, in order.
	args []any
	used int
	// notParen is the offset of a '(' right after not; it adds no depth,
	// so "not x" and its canonical "not (x)" nest equally deep.
	notParen int
}

// maxDepth bounds nesting (parentheses, not, calls) so hostile input
// cannot exhaust the stack. The canonical form of a filter never nests
// deeper than the filter, so it always parses again.
const maxDepth = 200

// Parse parses a filter into its AST. Errors are *SyntaxError values.
func Parse(text string) (Expr, error) {
	return parse(text, false, nil)
}

// parse parses text; with fill, {} tokens take the literals of args.
func parse(text string, fill bool, args []any) (Expr, error) {
	p := &parser{lex: lexer{src: text, fill: fill}, pos: map[Expr]int{}, args: args, notParen: -1}
	e, err := p.parseAll()
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (p *parser) errAt(pos int, msg, hint string) *SyntaxError {
	return &SyntaxError{Input: p.lex.src, Column: column(p.lex.src, pos), Msg: msg, Hint: hint}
}

// peekN returns the token n places ahead (0 is the next one).
func (p *parser) peekN(n int) (token, *SyntaxError) {
	for len(p.buf) <= n {
		if len(p.buf) > 0 && p.buf[len(p.buf)-1].kind == tEOF {
			return p.buf[len(p.buf)-1], nil
		}
		t, err := p.lex.next()
		if err != nil {
			return token{}, p.errAt(err.pos, err.msg, err.hint)
		}
		p.buf = append(p.buf, t)
	}
	return p.buf[n], nil
}

func (p *parser) peek() (token, *SyntaxError) { return p.peekN(0) }

func (p *parser) advance() token {
	t := p.buf[0]
	p.buf = p.buf[1:]
	return t
}

// parseAll parses a whole filter and checks it is a boolean expression.
func (p *parser) parseAll() (Expr, error) {
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	if t.kind != tEOF {
		return nil, p.unexpectedAfterOperand(t, "the end of the filter")
	}
	if serr := p.checkBool(e, true); serr != nil {
		return nil, serr
	}
	if serr := p.checkLists(e); serr != nil {
		return nil, serr
	}
	return e, nil
}

// isKeyword reports whether t is the identifier kw, ignoring case.
func isKeyword(t token, kw string) bool {
	return t.kind == tIdent && strings.EqualFold(t.text, kw)
}

// logicOp reports whether t is the and/or keyword used as an operator.
func (p *parser) logicOp(kw string) (bool, *SyntaxError) {
	t, err := p.peek()
	if err != nil || !isKeyword(t, kw) || !t.space {
		return false, err
	}
	n, err := p.peekN(1)
	if err != nil {
		return false, err
	}
	if !n.space {
		if n.kind == tEOF {
			return false, p.errAt(n.pos, fmt.Sprintf("expected an expression after %s, found the end of the filter", strings.ToLower(kw)), "")
		}
		return false, p.errAt(n.pos, fmt.Sprintf("expected whitespace after %s", strings.ToLower(kw)), fmt.Sprintf("write %s (...) with a space", strings.ToLower(kw)))
	}
	return true, nil
}

func (p *parser) enter(t token) *SyntaxError {
	p.depth++
	if p.depth > maxDepth {
		return p.errAt(t.pos, fmt.Sprintf("expression nested deeper than %d levels", maxDepth), "")
	}
	return nil
}

func (p *parser) parseOr() (Expr, *SyntaxError) {
	return p.parseLogic("or", p.parseAnd)
}

func (p *parser) parseAnd() (Expr, *SyntaxError) {
	return p.parseLogic("and", p.parseNot)
}

// parseLogic parses operand (kw operand)*, left-associative.
func (p *parser) parseLogic(kw string, operand func() (Expr, *SyntaxError)) (Expr, *SyntaxError) {
	left, err := operand()
	if err != nil {
		return nil, err
	}
	for {
		ok, err := p.logicOp(kw)
		if err != nil {
			return nil, err
		}
		if !ok {
			return left, nil
		}
		p.advance()
		right, err := operand()
		if err != nil {
			return nil, err
		}
		e := &Logic{Op: kw, Left: left, Right: right}
		p.pos[e] = p.pos[left]
		left = e
	}
}

// parseNot parses "not" RWS operand, or a comparison.
func (p *parser) parseNot() (Expr, *SyntaxError) {
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	if isKeyword(t, "not") {
		n, err := p.peekN(1)
		if err != nil {
			return nil, err
		}
		switch {
		case n.kind == tSlash && !n.space:
			// a path whose first segment is "not"
		case n.kind == tLParen && !n.space:
			return nil, p.errAt(n.pos, "expected whitespace after not", "write not (...) with a space: not (x eq 1)")
		case n.kind == tEOF:
			return nil, p.errAt(n.pos, "expected an expression after not, found the end of the filter", "")
		case !n.space:
			return nil, p.errAt(n.pos, "expected whitespace after not", "")
		default:
			if err := p.enter(t); err != nil {
				return nil, err
			}
			defer func() { p.depth-- }()
			p.advance()
			if n.kind == tLParen {
				p.notParen = n.pos
			}
			x, err := p.parseNot()
			if err != nil {
				return nil, err
			}
			e := &NotExpr{X: x}
			p.pos[e] = t.pos
			return e, nil
		}
	}
	return p.parseCompare()
}

// compareOp returns the comparison operator that t spells, if any.
func compareOp(t token) (CompareOp, bool) {
	if t.kind != tIdent {
		return "", false
	}
	switch op := CompareOp(strings.ToLower(t.text)); op {
	case OpEq, OpNe, OpGt, OpGe, OpLt, OpLe:
		return op, true
	}
	return "", false
}

// binaryOp checks the whitespace around a comparison or in keyword.
func (p *parser) binaryOp(t token) *SyntaxError {
	kw := strings.ToLower(t.text)
	if !t.space {
		return p.errAt(t.pos, "expected whitespace before "+kw, "")
	}
	n, err := p.peekN(1)
	if err != nil {
		return err
	}
	if n.kind == tEOF {
		return p.errAt(n.pos, fmt.Sprintf("expected a value after %s, found the end of the filter", kw), "")
	}
	if !n.space {
		return p.errAt(n.pos, "expected whitespace after "+kw, fmt.Sprintf("put a space after %s: x %s ...", kw, kw))
	}
	return nil
}

// parseCompare parses primary [op primary] or primary in rhs.
func (p *parser) parseCompare() (Expr, *SyntaxError) {
	left, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	var e Expr
	if op, ok := compareOp(t); ok && t.space {
		if err := p.binaryOp(t); err != nil {
			return nil, err
		}
		p.advance()
		right, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		e = &Compare{Op: op, Left: left, Right: right}
	} else if isKeyword(t, "in") && t.space {
		if err := p.binaryOp(t); err != nil {
			return nil, err
		}
		p.advance()
		right, err := p.parseInRight()
		if err != nil {
			return nil, err
		}
		e = &InExpr{Left: left, Right: right}
	} else {
		return left, nil
	}
	p.pos[e] = p.pos[left]
	n, err := p.peek()
	if err != nil {
		return nil, err
	}
	if _, ok := compareOp(n); ok || isKeyword(n, "in") {
		return nil, p.errAt(n.pos, fmt.Sprintf("expected and, or or the end of the expression, found %s", describe(n)),
			"comparisons do not chain; combine them with and: a gt 1 and a lt 5")
	}
	return e, nil
}

// parseInRight parses the right side of in: a list of literals in
// parentheses, or any primary expression.
func (p *parser) parseInRight() (Expr, *SyntaxError) {
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	if t.kind != tLParen {
		return p.parsePrimary()
	}
	if err := p.enter(t); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.advance()
	n, err := p.peek()
	if err != nil {
		return nil, err
	}
	if n.kind == tRParen {
		p.advance()
		l := &List{}
		p.pos[l] = t.pos
		return l, nil
	}
	first, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	n, err = p.peek()
	if err != nil {
		return nil, err
	}
	if n.kind == tRParen {
		p.advance()
		if lit, ok := first.(*Lit); ok {
			l := &List{Items: []*Lit{lit}}
			p.pos[l] = t.pos
			return l, nil
		}
		return first, nil
	}
	if n.kind != tComma {
		return nil, p.unexpectedAfterOperand(n, "',' or ')'")
	}
	l := &List{}
	p.pos[l] = t.pos
	item := first
	for {
		lit, ok := item.(*Lit)
		if !ok {
			return nil, p.errAt(p.pos[item], "an in list holds literals only", "to test a property against several values, list them: x in ('a', 'b')")
		}
		l.Items = append(l.Items, lit)
		n, err := p.peek()
		if err != nil {
			return nil, err
		}
		if n.kind == tRParen {
			p.advance()
			return l, nil
		}
		if n.kind != tComma {
			return nil, p.unexpectedAfterOperand(n, "',' or ')'")
		}
		p.advance()
		if item, err = p.parseOr(); err != nil {
			return nil, err
		}
	}
}
