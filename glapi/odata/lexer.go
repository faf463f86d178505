package odata

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is the kind of a lexical token.
type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tLit
	tLParen
	tRParen
	tComma
	tSlash
	tPlaceholder
)

// token is one lexical token; pos and end are byte offsets into the input.
type token struct {
	kind     tokKind
	pos, end int
	text     string
	// space reports whether whitespace precedes the token.
	space bool
	lit   *Lit
}

// lexer turns filter text into tokens on demand, so that the parser
// reports the first error in reading order.
type lexer struct {
	src  string
	pos  int
	fill bool
}

// lexError is a lexical error at a byte offset.
type lexError struct {
	pos       int
	msg, hint string
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }

func isIdentPart(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// next returns the next token.
func (l *lexer) next() (token, *lexError) {
	start := l.pos
	for l.pos < len(l.src) && isSpace(l.src[l.pos]) {
		l.pos++
	}
	space := l.pos > start
	tok := token{pos: l.pos, space: space}
	if l.pos >= len(l.src) {
		tok.kind, tok.end = tEOF, l.pos
		return tok, nil
	}
	c := l.src[l.pos]
	if k := punct(c); k != tEOF {
		l.pos++
		tok.kind, tok.end, tok.text = k, l.pos, l.src[tok.pos:l.pos]
		return tok, nil
	}
	switch {
	case c == '\'':
		return l.lexString(tok)
	case isDigit(c) || ((c == '-' || c == '+') && l.pos+1 < len(l.src) && isDigit(l.src[l.pos+1])):
		return l.lexNumberOrTime(tok)
	case c == '{' && l.fill && strings.HasPrefix(l.src[l.pos:], "{}"):
		l.pos += 2
		tok.kind, tok.end, tok.text = tPlaceholder, l.pos, "{}"
		return tok, nil
	}
	r, size := utf8.DecodeRuneInString(l.src[l.pos:])
	if isIdentStart(r) {
		l.pos += size
		for l.pos < len(l.src) {
			r, size := utf8.DecodeRuneInString(l.src[l.pos:])
			if !isIdentPart(r) {
				break
			}
			l.pos += size
		}
		tok.kind, tok.end, tok.text = tIdent, l.pos, l.src[tok.pos:l.pos]
		return tok, nil
	}
	return tok, l.badChar(tok.pos)
}

// punct returns the token kind of a one-character token, or tEOF.
func punct(c byte) tokKind {
	switch c {
	case '(':
		return tLParen
	case ')':
		return tRParen
	case ',':
		return tComma
	case '/':
		return tSlash
	}
	return tEOF
}

// lexString reads a single-quoted string where ” stands for one quote.
func (l *lexer) lexString(tok token) (token, *lexError) {
	var b strings.Builder
	i := l.pos + 1
	for {
		j := strings.IndexByte(l.src[i:], '\'')
		if j < 0 {
			rest := l.src[l.pos:]
			hint := "close the string with ' (a quote inside a string is written twice: 'O''Brien')"
			if strings.ContainsAny(rest, "\u2019\u2018") {
				hint = "the string seems to end with a typographic quote ’; use a straight quote '"
			}
			return tok, &lexError{pos: l.pos, msg: "unterminated string literal", hint: hint}
		}
		b.WriteString(l.src[i : i+j])
		i += j + 1
		if i < len(l.src) && l.src[i] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		break
	}
	l.pos = i
	tok.kind, tok.end, tok.text = tLit, i, l.src[tok.pos:i]
	tok.lit = &Lit{Kind: KindString, Str: b.String()}
	return tok, nil
}

// lexNumberOrTime reads an integer, decimal, date or date-time literal.
func (l *lexer) lexNumberOrTime(tok token) (token, *lexError) {
	s := l.src
	if lit, end, err := scanTemporal(s, l.pos, false); err != nil {
		return tok, err
	} else if lit != nil {
		return l.finishLit(tok, lit, end)
	}
	i := l.pos
	if s[i] == '-' || s[i] == '+' {
		i++
	}
	digits := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intDigits := i - digits
	isDec := false
	if i < len(s) && s[i] == '.' {
		isDec = true
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return tok, &lexError{pos: i, msg: "expected a digit after the decimal point"}
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		isDec = true
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return tok, &lexError{pos: i, msg: "expected the digits of an exponent"}
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	text := s[l.pos:i]
	var lit *Lit
	if isDec {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return tok, &lexError{pos: l.pos, msg: fmt.Sprintf("decimal literal %s is out of range", text)}
		}
		lit = &Lit{Kind: KindDecimal, Float: f}
	} else {
		if intDigits > 19 {
			return tok, &lexError{pos: l.pos, msg: fmt.Sprintf("integer literal %s has more than 19 digits", text)}
		}
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return tok, &lexError{pos: l.pos, msg: fmt.Sprintf("integer literal %s is out of range", text)}
		}
		lit = &Lit{Kind: KindInt, Int: n}
	}
	return l.finishLit(tok, lit, i)
}

// finishLit ends a literal token at end, refusing letters or digits glued
// to it (such as an unquoted id like 7600415a-...).
func (l *lexer) finishLit(tok token, lit *Lit, end int) (token, *lexError) {
	if end < len(l.src) {
		r, _ := utf8.DecodeRuneInString(l.src[end:])
		if isIdentPart(r) || r == '.' || r == ':' || r == '-' {
			return tok, &lexError{pos: end, msg: fmt.Sprintf("unexpected %s after the literal %s", describeRune(r), l.src[tok.pos:end]),
				hint: "put strings in single quotes: 'text'"}
		}
	}
	l.pos = end
	tok.kind, tok.end, tok.text, tok.lit = tLit, end, l.src[tok.pos:end], lit
	return tok, nil
}

// describeRune names a character for an error message.
func describeRune(r rune) string {
	if r < 0x20 || r == 0x7f || r == utf8.RuneError {
		return fmt.Sprintf("character %U", r)
	}
	return fmt.Sprintf("'%c'", r)
}

// badChar builds the error for a character that starts no token, with a
// hint for the common typos.
func (l *lexer) badChar(pos int) *lexError {
	s := l.src[pos:]
	r, _ := utf8.DecodeRuneInString(s)
	e := &lexError{pos: pos, msg: "unexpected " + describeRune(r)}
	two := s
	if len(two) > 2 {
		two = two[:2]
	}
	ops := []struct{ text, msg, hint string }{
		{"==", "'=='", "use eq: name eq 'x'"},
		{"!=", "'!='", "use ne: name ne 'x'"},
		{"<>", "'<>'", "use ne: name ne 'x'"},
		{"<=", "'<='", "use le"},
		{">=", "'>='", "use ge"},
		{"&&", "'&&'", "use and"},
		{"||", "'||'", "use or"},
		{"=", "'='", "use eq: name eq 'x'"},
		{"<", "'<'", "use lt"},
		{">", "'>'", "use gt"},
		{"!", "'!'", "use not followed by a space: not (x eq 1)"},
		{"&", "'&'", "use and"},
		{"|", "'|'", "use or"},
	}
	for _, op := range ops {
		if strings.HasPrefix(two, op.text) {
			e.msg, e.hint = "unexpected "+op.msg, op.hint
			break
		}
	}
	prefix := strings.TrimLeft(l.src[:pos], " \t")
	switch {
	case r == '=' && (strings.EqualFold(prefix, "filter") || strings.EqualFold(prefix, "$filter")):
		e.hint = "pass only the expression after filter="
	case r == '"':
		e.hint = "strings are written in single quotes: 'text'"
	case r == '\u2018' || r == '\u2019' || r == '\u201c' || r == '\u201d':
		e.hint = "use a straight single quote ' instead of a typographic quote"
	case r == '[' || r == ']':
		e.hint = "an in list is written in parentheses: x in ('a', 'b')"
	case r == '%' && len(s) >= 3 && isHex(s[1]) && isHex(s[2]):
		e.hint = "the filter looks URL-encoded; pass it decoded (glrun encodes it when sending)"
	case r == '.' && pos > 0 && isIdentByte(l.src[pos-1]):
		e.hint = "nested properties are separated by /: resource/id"
	case r == '{' || r == '}':
		e.hint = "{} placeholders are only filled by Fill (odata.filter), outside quotes"
	case r == '$':
		e.hint = "write the property name without $"
	case r == '\n' || r == '\r':
		e.hint = "a filter is a single line"
	}
	return e
}

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isIdentByte(c byte) bool {
	return c == '_' || isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
