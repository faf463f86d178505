package runtime_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.starlark.net/starlark"

	"glrun/runtime"
)

// runSource loads src as a runbook's top level and returns what it printed
// and its error.
func runSource(t *testing.T, src string, opts runtime.Options) (string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sizes.star")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	opts.Print = func(_ *starlark.Thread, msg string) { out.WriteString(msg + "\n") }
	_, err := runtime.Load(context.Background(), path, opts)
	return out.String(), err
}

// Repetition, join and the functions that materialize an iterable are
// refused before they allocate past a quarter of the memory limit, with
// the position of the operator or call; below it they behave exactly as
// Starlark's own.
func TestOperationSizes(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // printed, when ok
		err       string // the error, when not
	}{
		{"repetitions", `def f():
    x = [1, 2]
    x *= 3
    y = "ab"
    y *= 2
    return x, y
print(f(), 3 * "c", (1,) * 2, b"z" * 2, 6 * 7, 2.5 * 2, [0] * -1)`, `([1, 2, 1, 2, 1, 2], "abab") ccc (1, 1) zz 42 5.0 []`, ""},
		{"join", `print(", ".join(["a", "b"]), "".join([]), "-".join(("x",)))`, "a, b  x", ""},
		{"a repetition past the budget", `x = [0] * (1 << 24)`, "", "sizes.star:1:9: list * 16777216 would take more than 64 MiB"},
		{"an augmented one", `def f():
    x = "abc"
    x *= 100000000
f()`, "", "sizes.star:3:7: string * 100000000 would take more than 64 MiB"},
		{"an augmented index", `def f():
    d = {"k": "abc"}
    d["k"] *= 2
    xs = [[1]]
    i = 0
    xs[i] *= 2
    print(d, xs)
    d["k"] *= 100000000
f()`, "", "sizes.star:8:12: string * 100000000 would take more than 64 MiB"},
		{"in a default value", `def f(x = (1,) * (1 << 30)):
    pass`, "", "sizes.star:1:16: tuple * 1073741824 would take more than 64 MiB"},
		{"a join past the budget", `s = "x" * (1 << 25)
y = "".join([s, s, s])`, "", "sizes.star:2:12: join: the joined string would take more than 64 MiB"},
		{"sorted of a range", `sorted(range(10000000))`, "", "sizes.star:1:7: sorted: 10000000 elements would exceed 64 MiB"},
		{"list of a range", `list(range(10000000))`, "", "list: 10000000 elements would exceed 64 MiB"},
		{"Starlark's errors unchanged", `x = "a" * "b"`, "", "sizes.star:1:9: unknown binary op: string * string"},
		{"join of a non-string", `"".join([1])`, "", "join: in list, want string, got int"},
		{"join of what has none", `x = (1).join([])`, "", "int has no .join field or method"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runSource(t, tc.src, runtime.Options{MaxMemory: 256 << 20})
			if tc.err != "" {
				checkErr(t, err, 1, tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSuffix(out, "\n"); got != tc.want {
				t.Errorf("printed %q, want %q", got, tc.want)
			}
		})
	}
}
