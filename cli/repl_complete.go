package cli

import (
	"slices"
	"strings"

	"go.starlark.net/starlark"
)

// replKeywords are the Starlark keywords Tab completes.
var replKeywords = []string{"and", "break", "continue", "def", "elif", "else", "for", "if", "in", "lambda", "load", "not", "or", "pass", "return", "while"}

// complete completes the dotted name that ends before (the text before
// the cursor): a global, a builtin or a keyword (com -> compute), or an
// attribute of a module or record the session already holds
// (compute.se -> servers, s.hard -> hardware when s is a record). It only
// looks values up, never calls anything, so completing sends nothing. It
// returns the word being completed and the names it may become, sorted.
func (r *repl) complete(before string) (string, []string) {
	start := len(before)
	for start > 0 && isNameByte(before[start-1]) || start > 0 && before[start-1] == '.' {
		start--
	}
	chain := before[start:]
	if chain != "" && chain[0] >= '0' && chain[0] <= '9' {
		return "", nil // a number
	}
	parts := strings.Split(chain, ".")
	word := parts[len(parts)-1]
	var names []string
	if len(parts) == 1 {
		for name := range r.globals {
			if !strings.HasPrefix(name, "(") { // the size guards' operators, such as "(*)"
				names = append(names, name)
			}
		}
		for name := range starlark.Universe {
			names = append(names, name)
		}
		names = append(names, replKeywords...)
	} else {
		v := r.lookup(parts[0])
		for _, attr := range parts[1 : len(parts)-1] {
			v = attrOf(v, attr)
		}
		if ha, ok := v.(starlark.HasAttrs); ok {
			names = ha.AttrNames()
		}
	}
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, word) && (!strings.HasPrefix(n, "_") || strings.HasPrefix(word, "_")) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return word, slices.Compact(out)
}

// lookup returns the global or builtin called name; nil when there is none.
func (r *repl) lookup(name string) starlark.Value {
	if v, ok := r.globals[name]; ok {
		return v
	}
	return starlark.Universe[name]
}

// attrOf returns v's attribute name; nil when v has none.
func attrOf(v starlark.Value, name string) starlark.Value {
	ha, ok := v.(starlark.HasAttrs)
	if !ok {
		return nil
	}
	a, err := ha.Attr(name)
	if err != nil {
		return nil
	}
	return a
}

// isNameByte reports whether c may be part of a Starlark name.
func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
