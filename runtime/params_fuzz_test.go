package runtime_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.starlark.net/starlark"

	"glrun/exitcode"
	"glrun/runtime"
)

// fuzzParamsRunbook has a parameter of every type the command line can set;
// main returns the type of each value it received.
const fuzzParamsRunbook = `
def main(name, count = 3, ratio = 0.5, force = False, tags = ["a"], pair = ("x", "y"), note = None, labels = {}, **extra):
    return [type(name), type(count), type(ratio), type(force), type(tags), type(pair), type(note), type(labels), len(extra)]
`

// FuzzParams feeds arbitrary NAME=VALUE arguments to the parameter parser:
// it never panics; each call either runs main with values of the declared
// types or is refused as a usage error (exit 2) that names the runbook.
func FuzzParams(f *testing.F) {
	for _, seed := range [][2]string{
		{"count", "12"}, {"count", "x"}, {"ratio", "1e309"}, {"force", "YES"}, {"force", "maybe"},
		{"tags", "a, b,,c"}, {"pair", ""}, {"note", "hello"}, {"", "x"}, {"name", "=="},
		{"count", "99999999999999999999"}, {"extra_one", "v"}, {"cuont", "1"}, {"name", "\x00\xff"},
		{"labels", "env=prod, team = web"}, {"labels", "a=1,a=2"}, {"labels", "novalue"}, {"labels", "=x"},
	} {
		f.Add(seed[0], seed[1], "name=n")
	}
	dir := f.TempDir()
	path := filepath.Join(dir, "params.star")
	if err := os.WriteFile(path, []byte(fuzzParamsRunbook), 0o644); err != nil {
		f.Fatal(err)
	}
	rb, err := runtime.Load(context.Background(), path, runtime.Options{Predeclared: starlark.StringDict{}})
	if err != nil {
		f.Fatal(err)
	}
	want := []string{"string", "int", "float", "bool", "list", "tuple", "string", "dict"}
	f.Fuzz(func(t *testing.T, name, value, other string) {
		args := []string{name + "=" + value, other}
		v, err := rb.Call(context.Background(), args)
		if err != nil {
			var re *runtime.Error
			if !errors.As(err, &re) || re.ExitCode() != exitcode.Usage || !strings.Contains(re.Error(), "params.star") {
				t.Fatalf("args %q: want a usage error naming the runbook, got %v", args, err)
			}
			return
		}
		l, ok := v.(*starlark.List)
		if !ok || l.Len() != len(want)+1 {
			t.Fatalf("args %q: main returned %v", args, v)
		}
		for i, w := range want {
			got := string(l.Index(i).(starlark.String))
			if got != w && !(w == "string" && got == "NoneType") {
				t.Errorf("args %q: parameter %d is a %s, want %s", args, i, got, w)
			}
		}
	})
}
