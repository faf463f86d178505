package cli

import (
	"encoding/json"
	"strings"

	"go.starlark.net/starlark"

	"glrun/builtins"
)

// formatValue renders an expression's value for the REPL. A value whose
// one-line form fits in width columns prints as it is; a longer list of
// records (or dicts) prints one item per line, and any other long value
// that has a JSON form as indented JSON.
func formatValue(v starlark.Value, width int) string {
	s := v.String()
	if len(s) <= width || !isContainer(v) {
		return s
	}
	if items, ok := recordItems(v); ok {
		var b strings.Builder
		b.WriteString("[\n")
		for _, item := range items {
			b.WriteString("  ")
			b.WriteString(item.String())
			b.WriteString(",\n")
		}
		b.WriteString("]")
		return b.String()
	}
	goval, err := builtins.FromStarlark(v)
	if err != nil {
		return s
	}
	out, err := json.MarshalIndent(goval, "", "  ")
	if err != nil {
		return s
	}
	return string(out)
}

// isContainer reports whether v is a record, list, tuple or dict: the
// values worth spreading over lines.
func isContainer(v starlark.Value) bool {
	switch v.(type) {
	case *builtins.Record, *starlark.List, starlark.Tuple, *starlark.Dict:
		return true
	}
	return false
}

// recordItems returns the items of a list or tuple of records or dicts.
func recordItems(v starlark.Value) ([]starlark.Value, bool) {
	seq, ok := v.(starlark.Indexable)
	if !ok || seq.Len() == 0 {
		return nil, false
	}
	items := make([]starlark.Value, seq.Len())
	for i := range items {
		items[i] = seq.Index(i)
		switch items[i].(type) {
		case *builtins.Record, *starlark.Dict:
		default:
			return nil, false
		}
	}
	return items, true
}
