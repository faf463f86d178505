package builtins

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"go.starlark.net/starlark"
)

func TestParallelMap(t *testing.T) {
	tests := []outputCase{
		{"results in input order", `print(parallel.map(lambda x: x * x, list(range(20)), workers=7))`,
			"[0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144, 169, 196, 225, 256, 289, 324, 361]"},
		{"default workers", `print(parallel.map(lambda x: x + 1, (1, 2, 3)))`, "[2, 3, 4]"},
		{"empty", `print(parallel.map(lambda x: x, []))`, "[]"},
		{"one worker", `print(parallel.map(str, [1, 2], workers=1))`, `["1", "2"]`},
		{"sleeps on the clock", `
def f(x):
    sleep(x)
    return x
print(parallel.map(f, [1, 2, 3]))`, "[1, 2, 3]"},
		{"print reaches the parent", `
def f(x):
    print("item")
    return x
parallel.map(f, [1])`, "item"},
	}
	checkHelperOutputs(t, tests)
}

func TestParallelMapErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"item error names index and value", `parallel.map(lambda x: 10 // x, [3, 2, 0, 1], workers=1)`,
			[]string{"parallel.map: item 2 (int 0)", "division by zero"}},
		{"fail in item", `parallel.map(lambda x: fail("bad", x), ["srv-1"])`,
			[]string{`parallel.map: item 0 (string "srv-1")`, "fail: bad srv-1"}},
		{"shared values are frozen", `
def main():
    acc = []
    def f(x):
        acc.append(x)
    parallel.map(f, [1])
main()`, []string{"parallel.map: item 0 (int 1)", "frozen"}},
		{"fn not callable", `parallel.map(3, [1])`, []string{`parallel.map: parameter "fn": want a function, got int 3`}},
		{"items not a list", `parallel.map(str, "abc")`, []string{`parallel.map: parameter "items": want a list or tuple of items, got string "abc"`}},
		{"workers zero", `parallel.map(str, [1], workers=0)`, []string{`parallel.map: parameter "workers": want an int from 1 to 64, got int 0`}},
		{"workers too many", `parallel.map(str, [1], workers=65)`, []string{`got int 65`}},
		{"workers type", `parallel.map(str, [1], workers="4")`, []string{`parameter "workers"`, `got string "4"`}},
		{"missing items", `parallel.map(str)`, []string{`parameter "items"`, "got nothing"}},
		{"unknown keyword", `parallel.map(str, [1], worker=2)`, []string{`parameter "worker"`, `did you mean`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := testEnv(new(bytes.Buffer))
			_, err := runStar(t, helperPredeclared(env), tt.src)
			wantErr(t, err, tt.want...)
		})
	}
}

// TestParallelMapFirstErrorCancelsTheRest checks that once an item fails,
// the items not yet started are not run.
func TestParallelMapFirstErrorCancelsTheRest(t *testing.T) {
	var calls atomic.Int32
	count := starlark.NewBuiltin("count", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		calls.Add(1)
		if args[0] == starlark.MakeInt(0) {
			return nil, errors.New("boom")
		}
		return args[0], nil
	})
	env, _ := testEnv(new(bytes.Buffer))
	pre := helperPredeclared(env)
	pre["count"] = count
	_, err := runStar(t, pre, `parallel.map(count, [0] + list(range(1, 1000)), workers=1)`)
	wantErr(t, err, "item 0", "boom")
	if n := calls.Load(); n > 2 {
		t.Errorf("%d items ran after the first failed", n-1)
	}
}

// TestParallelMapUsesTheRuntimeFactory checks that child threads come from
// the factory the runtime stores on the parent thread.
func TestParallelMapUsesTheRuntimeFactory(t *testing.T) {
	var made atomic.Int32
	parent := &starlark.Thread{Name: "main"}
	SetContext(parent, context.Background())
	parent.SetLocal(threadFactoryKey, func(ctx context.Context, name string) *starlark.Thread {
		made.Add(1)
		th := &starlark.Thread{Name: name}
		SetContext(th, ctx)
		return th
	})
	items := starlark.NewList([]starlark.Value{starlark.MakeInt(1), starlark.MakeInt(2), starlark.MakeInt(3)})
	got, err := starlark.Call(parent, member(nil, "parallel.map"),
		starlark.Tuple{starlark.NewBuiltin("str", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			return starlark.String(args[0].String()), nil
		}), items}, []starlark.Tuple{{starlark.String("workers"), starlark.MakeInt(2)}})
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != `["1", "2", "3"]` || made.Load() != 2 {
		t.Errorf("got %s with %d threads, want 3 results from 2 threads", got, made.Load())
	}
}

func TestParallelMapParentCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	parent := &starlark.Thread{Name: "main"}
	SetContext(parent, ctx)
	env, _ := testEnv(new(bytes.Buffer))
	f := sleepBuiltin(env)
	_, err := starlark.Call(parent, member(nil, "parallel.map"),
		starlark.Tuple{f, starlark.NewList([]starlark.Value{starlark.MakeInt(1)})}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want one wrapping context.Canceled", err)
	}
}
