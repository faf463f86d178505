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

// maxShown is how many characters of the input an error shows around the
// column (a filter built from a 2 MB string must not be echoed whole), and
// how long the message and the hint may be (they may quote a token).
const maxShown = 120

// Error shows the message with its column, the input (a window of
// maxShown characters around the column when it is longer), a caret line
// under the column and the hint, one per line.
func (e *SyntaxError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "filter syntax error at column %d: %s\n", e.Column, cut(e.Msg))
	shown, caret := window([]rune(displayLine(e.Input)), e.Column-1)
	b.WriteString("  ")
	b.WriteString(string(shown))
	b.WriteString("\n  ")
	n := 0
	for _, r := range shown {
		if n >= caret {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		n++
	}
	for ; n < caret; n++ {
		b.WriteByte(' ')
	}
	b.WriteByte('^')
	if e.Hint != "" {
		b.WriteString("\n  hint: ")
		b.WriteString(cut(e.Hint))
	}
	return b.String()
}

// window returns at most maxShown characters of line around index col,
// marked with "..." where cut, and the index of col in what it returns.
func window(line []rune, col int) ([]rune, int) {
	if len(line) <= maxShown {
		return line, col
	}
	start := max(0, col-maxShown/2)
	end := min(len(line), start+maxShown)
	start = max(0, end-maxShown)
	out := append([]rune{}, line[start:end]...)
	caret := col - start
	if start > 0 {
		out = append([]rune("..."), out...)
		caret += 3
	}
	if end < len(line) {
		out = append(out, []rune("...")...)
	}
	return out, caret
}

// cut shortens s to maxShown characters, marking the cut with "...".
func cut(s string) string {
	if r := []rune(s); len(r) > maxShown {
		return string(r[:maxShown]) + "..."
	}
	return s
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
