package odata

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// SyntaxError is a parse error: the 1-based column, what was expected, an
// optional hint for a common typo, and the input, so Error() can show the
// text with a caret under the column.
type SyntaxError struct {
	// Input is the filter text that failed to parse.
	Input string
	// Column is the 1-based column (in characters) of the offending text.
	Column int
	// Msg says what was expected and what was found.
	Msg string
	// Hint suggests a fix for a common typo; it may be empty.
	Hint string
}

// Error shows the message with its column, the input, a caret line under
// the column and the hint, one per line.
func (e *SyntaxError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "filter syntax error at column %d: %s\n", e.Column, e.Msg)
	line := displayLine(e.Input)
	b.WriteString("  ")
	b.WriteString(line)
	b.WriteString("\n  ")
	n := 0
	for _, r := range line {
		if n >= e.Column-1 {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		n++
	}
	for ; n < e.Column-1; n++ {
		b.WriteByte(' ')
	}
	b.WriteByte('^')
	if e.Hint != "" {
		b.WriteString("\n  hint: ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// displayLine returns s with control characters other than tab replaced by
// spaces and invalid UTF-8 by U+FFFD, one character per input character, so
// the caret stays aligned.
func displayLine(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// column returns the 1-based character column of byte offset pos in s.
func column(s string, pos int) int {
	if pos > len(s) {
		pos = len(s)
	}
	return utf8.RuneCountInString(s[:pos]) + 1
}
