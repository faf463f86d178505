package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"glrun/builtins"
)

// Tab completes names from what the session holds, without calling
// anything.
func TestReplCompletion(t *testing.T) {
	t.Parallel()
	server := builtins.ToStarlark(map[string]any{"name": "prod-web-01", "hardware": map[string]any{"powerState": "ON", "power": 1}})
	r := &repl{globals: starlark.StringDict{
		"compute": &starlarkstruct.Module{Name: "compute", Members: starlark.StringDict{
			"servers": &starlarkstruct.Module{Name: "servers", Members: starlark.StringDict{"get": starlark.None, "list": starlark.None}},
			"jobs":    starlark.None,
		}},
		"server":   server,
		"_private": starlark.None,
	}}
	tests := []struct {
		before string
		word   string
		want   []string
	}{
		{"comp", "comp", []string{"compute"}},
		{"x = compute.s", "s", []string{"servers"}},
		{"compute.servers.", "", []string{"get", "list"}},
		{"len(server.hardware.po", "po", []string{"power", "powerState"}},
		{"server.na", "na", []string{"name"}},
		{"le", "le", []string{"len"}},
		{"re", "re", []string{"repr", "return", "reversed"}},
		{"_", "_", []string{"_private"}},
		{"nothing.he", "he", nil},
		{"server.name.up", "up", []string{"upper"}},
		{"12.", "", nil},
	}
	for _, tc := range tests {
		word, got := r.complete(tc.before)
		if word != tc.word || !cmp.Equal(got, tc.want) {
			t.Errorf("complete(%q) = %q, %q; want %q, %q", tc.before, word, got, tc.word, tc.want)
		}
	}
	var c completer = r.complete
	if got, n := c.Do([]rune("    "), 4); n != 0 || len(got) != 1 || string(got[0]) != "    " {
		t.Errorf("Tab at the start of a line gives %q, %d; want an indent", got, n)
	}
}

// Long values print over several lines: records one per line, other
// values as indented JSON; short ones as they are.
func TestReplFormatsLongValues(t *testing.T) {
	t.Parallel()
	rec := func(name string) starlark.Value { return builtins.ToStarlark(map[string]any{"name": name}) }
	records := starlark.NewList([]starlark.Value{rec("prod-web-01"), rec("prod-web-02")})
	dict := builtins.ToStarlark(map[string]any{"a": []any{1, 2}, "b": "c"})
	tests := []struct {
		name  string
		v     starlark.Value
		width int
		want  string
	}{
		{"short list", records, 100, `[{"name":"prod-web-01"}, {"name":"prod-web-02"}]`},
		{"list of records", records, 20, "[\n  {\"name\":\"prod-web-01\"},\n  {\"name\":\"prod-web-02\"},\n]"},
		{"dict", dict, 10, "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"c\"\n}"},
		{"long string", starlark.String(strings.Repeat("x", 30)), 10, `"` + strings.Repeat("x", 30) + `"`},
	}
	for _, tc := range tests {
		if got := formatValue(tc.v, tc.width); got != tc.want {
			t.Errorf("%s: got\n%s\nwant\n%s", tc.name, got, tc.want)
		}
	}
}

// The history lives in the XDG state directory.
func TestReplHistoryFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_STATE_HOME": "/state", "HOME": "/home/ana"}, "/state/glrun/repl_history"},
		{map[string]string{"HOME": "/home/ana"}, "/home/ana/.local/state/glrun/repl_history"},
		{map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/home/ana"}, "/home/ana/.local/state/glrun/repl_history"},
		{map[string]string{}, ""},
	}
	for _, tc := range tests {
		if got := replHistoryFile(func(k string) string { return tc.env[k] }); got != filepath.FromSlash(tc.want) {
			t.Errorf("%v: %q, want %q", tc.env, got, tc.want)
		}
	}
}
