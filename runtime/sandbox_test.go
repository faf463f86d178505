package runtime_test

import (
	"context"
	"errors"
	"fmt"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"go.starlark.net/starlark"

	"glrun/builtins"
	"glrun/runtime"
)

func TestRunFailures(t *testing.T) {
	drift := func(err error) (int, bool) {
		if errors.Is(err, errDrift) {
			return 3, true
		}
		return 0, false
	}
	tests := []struct {
		name  string
		file  string
		args  []string
		opts  runtime.Options
		code  int
		wants []string
	}{
		{"fail() with backtrace", "fail.star", nil, runtime.Options{}, 1, []string{
			"fail.star:2:9: fail: boom: disk\nTraceback (most recent call last):\n",
			"  fail.star:5:11: in main\n  fail.star:2:9: in helper\n  <builtin>: in fail"}},
		{"builtin error", "builtin.star", []string{"what=plain"}, runtime.Options{}, 1, []string{
			"builtin.star:2:17: probe: parameter what: the service said no", "<builtin>: in probe"}},
		{"builtin timeout", "builtin.star", []string{"what=deadline"}, runtime.Options{}, 4, []string{
			"builtin.star:2:17: probe: job still pending: timed out"}},
		{"builtin cancel", "builtin.star", []string{"what=canceled"}, runtime.Options{}, 130, []string{
			"builtin.star:2:17: probe: interrupted"}},
		{"classified by the caller", "builtin.star", []string{"what=drift"}, runtime.Options{Classify: drift}, 3, []string{
			"apply: probe: drift from plan"}},
		{"unclassified builtin error", "builtin.star", []string{"what=drift"}, runtime.Options{}, 1, []string{
			"apply: probe: drift from plan"}},
		{"recursion is off", "recursion.star", nil, runtime.Options{}, 1, []string{
			"function fact called recursively", "recursion.star:4:20: in fact"}},
		{"huge string", "huge.star", nil, runtime.Options{}, 1, []string{
			"huge.star:2:20: string * 1099511627776 would take more than 128 MiB, the most one operation may build"}},
		{"step limit", "loop.star", nil, runtime.Options{MaxSteps: 10_000}, 1, []string{
			"loop.star:", "runbook exceeded 10000 execution steps; raise --max-steps", "in main"}},
		{"step limit in a child thread", "child.star", []string{"fn=spin"}, runtime.Options{MaxSteps: 10_000}, 1, []string{
			"runbook exceeded 10000 execution steps; raise --max-steps", "in main", "in spawn", "in spin"}},
		{"error in a child thread", "child.star", []string{"n=0"}, runtime.Options{}, 1, []string{
			"child.star:2:15: spawn: floored division by zero",
			"child.star:9:17: in main\n  <builtin>: in spawn\n  child.star:2:15: in work"}},
		// The loops never end: the timeout is long enough that loading the
		// runbook (on a busy machine too) does not use it up before main runs.
		{"timeout stops a tight loop", "loop.star", nil, runtime.Options{MaxSteps: 1 << 62, Timeout: 200 * time.Millisecond}, 4, []string{
			"loop.star:", "the run's --timeout of 200ms ran out", "in main"}},
		{"timeout stops a child thread", "child.star", []string{"fn=spin"}, runtime.Options{MaxSteps: 1 << 62, Timeout: 200 * time.Millisecond}, 4, []string{
			"the run's --timeout of 200ms ran out", "in spin"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rb := mustLoad(t, tc.file, tc.opts)
			_, err := rb.Call(context.Background(), tc.args)
			checkErr(t, err, tc.code, tc.wants...)
		})
	}
}

// TestContextErrorsInPlainWords: a builtin stopped by the run's end
// reports Go's "context deadline exceeded" or "context canceled"; the
// operator reads why the run ended instead.
func TestContextErrorsInPlainWords(t *testing.T) {
	rb := mustLoad(t, "builtin.star", runtime.Options{Timeout: time.Millisecond})
	_, err := rb.Call(context.Background(), []string{"what=wait"})
	checkErr(t, err, 4, "builtin.star:2:17: probe: GET /x: the run's --timeout of 1ms ran out\n")

	rb, f, err := loadRunbook(t, "builtin.star", runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.onWait = cancel // Ctrl-C while the builtin waits
	_, err = rb.Call(ctx, []string{"what=wait"})
	checkErr(t, err, 130, "builtin.star:2:17: probe: GET /x: interrupted\n")
	for _, jargon := range []string{"context deadline exceeded", "context canceled"} {
		if strings.Contains(err.Error(), jargon) {
			t.Errorf("the message says %q: %v", jargon, err)
		}
	}
}

func TestStepLimitCoversTheTopLevel(t *testing.T) {
	_, _, err := loadRunbook(t, "toplevel_loop.star", runtime.Options{MaxSteps: 10_000})
	checkErr(t, err, 1, "toplevel_loop.star:3:", "runbook exceeded 10000 execution steps; raise --max-steps", "in <toplevel>")
}

func TestTimeoutIsADeadline(t *testing.T) {
	rb := mustLoad(t, "loop.star", runtime.Options{MaxSteps: 1 << 62, Timeout: time.Millisecond})
	_, err := rb.Call(context.Background(), nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is(err, context.DeadlineExceeded) = false for %v", err)
	}
}

func TestCallerDeadlineIsATimeout(t *testing.T) {
	rb := mustLoad(t, "loop.star", runtime.Options{MaxSteps: 1 << 62})
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	_, err := rb.Call(ctx, nil)
	checkErr(t, err, 4, "the run's deadline passed")
}

func TestCancelStopsALoop(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var printed []string
	var names []string
	rb := mustLoad(t, "print_loop.star", runtime.Options{
		MaxSteps: 1 << 62,
		Print: func(thread *starlark.Thread, msg string) {
			printed = append(printed, msg)
			names = append(names, thread.Name)
			cancel()
		},
	})
	_, err := rb.Call(ctx, nil)
	checkErr(t, err, 130, "print_loop.star:", "interrupted", "in main")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("errors.Is(err, context.Canceled) = false for %v", err)
	}
	if len(printed) != 1 || printed[0] != "starting" || names[0] != "main" {
		t.Errorf("print got %q from threads %q, want [starting] from [main]", printed, names)
	}
}

func TestCanceledBeforeStart(t *testing.T) {
	rb := mustLoad(t, "noparams.star", runtime.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := rb.Call(ctx, nil)
	checkErr(t, err, 130, "interrupted")
}

// A builtin stopped by the memory watchdog (it cancels the run's context)
// reports context.Canceled; the run still fails as over its memory limit
// (exit 1), not as interrupted (130).
func TestMemoryLimitDuringABuiltinWait(t *testing.T) {
	holdAndWait := starlark.NewBuiltin("hold_and_wait", func(thread *starlark.Thread, _ *starlark.Builtin, _ starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		buf := make([]byte, 96<<20)
		for i := range buf {
			buf[i] = 1
		}
		ctx := builtins.Context(thread)
		<-ctx.Done()
		goruntime.KeepAlive(buf)
		return nil, fmt.Errorf("hold_and_wait: %w", ctx.Err())
	})
	rb := mustLoad(t, "memory_wait.star", runtime.Options{
		MaxMemory:   32 << 20,
		Predeclared: starlark.StringDict{"hold_and_wait": holdAndWait},
	})
	_, err := rb.Call(context.Background(), nil)
	checkErr(t, err, 1, "exceeded 32 MiB of memory")
}

func TestMemoryLimit(t *testing.T) {
	rb := mustLoad(t, "memory.star", runtime.Options{MaxSteps: 1 << 62, MaxMemory: 64 << 20})
	_, err := rb.Call(context.Background(), nil)
	checkErr(t, err, 1, "memory.star:", "runbook exceeded 64 MiB of memory; raise --max-memory", "in main")
}

// An operation that cannot be interrupted and keeps growing past the
// memory limit ([0] * 2**28 allocates 4 GiB and then fills it) would run
// into the system's OOM killer: the watchdog hands the run to Abort, which
// the command line uses to report and exit, instead of waiting for it.
func TestMemoryLimitAbortsAnUninterruptibleOperation(t *testing.T) {
	aborted := make(chan *runtime.Error, 1)
	hog := starlark.NewBuiltin("hold_and_wait", func(thread *starlark.Thread, _ *starlark.Builtin, _ starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		buf := make([]byte, 128<<20) // four times the limit
		for i := range buf {
			buf[i] = 1
		}
		// Deaf to the run's cancellation, as one step of Starlark is.
		select {
		case <-aborted:
		case <-time.After(time.Minute):
		}
		goruntime.KeepAlive(buf)
		return starlark.None, nil
	})
	rb := mustLoad(t, "memory_wait.star", runtime.Options{
		MaxMemory:   32 << 20,
		Predeclared: starlark.StringDict{"hold_and_wait": hog},
		Abort: func(err *runtime.Error) {
			checkErr(t, err, 1, "memory_wait.star: runbook exceeded 32 MiB of memory; raise --max-memory (stopped inside one operation that could not be interrupted)")
			close(aborted)
		},
	})
	goruntime.GC() // the garbage of other tests would hide the growth
	_, err := rb.Call(context.Background(), nil)
	select {
	case <-aborted:
	default:
		t.Fatalf("Abort was not called; the run ended with %v", err)
	}
	checkErr(t, err, 1, "exceeded 32 MiB of memory")
}
