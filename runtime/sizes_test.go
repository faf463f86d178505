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
	// Kilobytes in memory, three billion items as text.
	const shared = `a = ["abcdefgh"] * 1000
b = [a] * 1000
x = [b] * 1000
`
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
		{"text", `x = [1, "a"]
print(str(x), repr("b"), "%s-%d" % ("c", 1), "%s" % [2], "{}+{k}".format(3, k = x), "aXa".replace("X", "yy"), "aaa".replace("a", "bb", 2))`,
			`[1, "a"] "b" c-1 [2] 3+[1, "a"] ayya bbbba`, ""},
		{"str of shared lists", shared + `str(x)`, "", "sizes.star:4:4: str: the text would take more than 64 MiB"},
		{"repr of shared lists", shared + `repr(x)`, "", "repr: the text would take more than 64 MiB"},
		{"print of shared lists", shared + `print(x)`, "", "print: the text would take more than 64 MiB"},
		{"% of shared lists", shared + `y = "%s" % (x,)`, "", "sizes.star:4:10: %: the text would take more than 64 MiB"},
		{"format of shared lists", shared + `y = "{}".format(x)`, "", "sizes.star:4:16: format: the text would take more than 64 MiB"},
		{"a cycle is short", `x = [1]
x.append(x)
print(str(x))`, "[1, [...]]", ""},
		{"replace", `y = ("a" * 1000000).replace("a", "b" * 10000)`, "", "sizes.star:1:28: replace: the result would take more than 64 MiB"},
		{"replace up to a count", `y = ("a" * 1000000).replace("a", "b" * 10000, 3)
print(len(y))`, "1029997", ""},
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

// main's result is printed after the run, past its limits: a result whose
// text would not fit fails the run instead.
func TestResultTooLargeToReport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "result.star")
	src := "def main():\n    x = [\"abcdefgh\"] * 1000\n    x = [x] * 1000\n    return [x] * 1000\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	rb, err := runtime.Load(context.Background(), path, runtime.Options{MaxMemory: 256 << 20})
	if err != nil {
		t.Fatal(err)
	}
	_, err = rb.Call(context.Background(), nil)
	checkErr(t, err, 1, "main returned a value too large to report: the text would take more than 64 MiB")
}
