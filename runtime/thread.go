package runtime

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.starlark.net/starlark"
)

// ThreadFactoryKey is the thread-local key (thread.Local) under which every
// thread made by the runtime holds a func(ctx context.Context, name string)
// *starlark.Thread. Builtins that run Starlark callbacks on other goroutines
// (parallel.map) call it to make child threads with the same step limit,
// print handler and cancellation; they cannot import this package, so they
// look the factory up by this key:
//
//	f, _ := thread.Local("glrun.newThread").(func(context.Context, string) *starlark.Thread)
const ThreadFactoryKey = "glrun.newThread"

// ContextKey is the thread-local key (thread.Local) under which every thread
// made by the runtime holds the run's context.Context. Builtins that send
// requests or wait read it (through Context, or by this key when they cannot
// import this package), so cancellation and deadlines reach them.
const ContextKey = "glrun.context"

// Context returns the context held by a thread made by the runtime, or
// context.Background() for any other thread.
func Context(thread *starlark.Thread) context.Context {
	if ctx, ok := thread.Local(ContextKey).(context.Context); ok {
		return ctx
	}
	return context.Background()
}

// sandbox holds what every thread of a runbook shares.
type sandbox struct {
	maxSteps    uint64
	allocBudget uint64
	print       func(*starlark.Thread, string)
}

// newThread makes a thread named name whose steps are drawn from the step
// budget of the run ctx belongs to (see withSteps; a new budget when it
// belongs to none), whose print() goes to the print handler, which carries
// ctx for the builtins (under ContextKey), the child-thread factory and the
// allocation budget, and which is cancelled as soon as ctx is done.
func (s *sandbox) newThread(ctx context.Context, name string) *starlark.Thread {
	t := &starlark.Thread{Name: name, Print: s.print}
	pool, ok := ctx.Value(stepsKey{}).(*stepPool)
	if !ok {
		pool = newStepPool(s.maxSteps)
	}
	pool.attach(t)
	t.SetLocal(ContextKey, ctx)
	t.SetLocal(ThreadFactoryKey, s.factory())
	t.SetLocal(AllocBudgetKey, s.allocBudget)
	context.AfterFunc(ctx, func() { t.Cancel(cancelReason(ctx)) })
	return t
}

// factory returns the child-thread factory stored under ThreadFactoryKey.
func (s *sandbox) factory() func(context.Context, string) *starlark.Thread {
	return func(ctx context.Context, name string) *starlark.Thread {
		return s.newThread(ctx, name)
	}
}

// NewChildThread makes a thread for running Starlark on behalf of parent (a
// thread made by the runtime), with the same sandbox, carrying ctx. It
// returns nil when parent was not made by the runtime. Go code that can
// import this package may use it instead of looking up ThreadFactoryKey.
func NewChildThread(ctx context.Context, parent *starlark.Thread, name string) *starlark.Thread {
	f, ok := parent.Local(ThreadFactoryKey).(func(context.Context, string) *starlark.Thread)
	if !ok {
		return nil
	}
	return f(ctx, name)
}

// stepLimitMessage is the error a runbook gets when it runs too long.
func stepLimitMessage(limit uint64) string {
	return fmt.Sprintf("runbook exceeded %d execution steps; raise --max-steps", limit)
}

// cancelReason says why ctx ended, for the thread's cancellation message.
func cancelReason(ctx context.Context) string {
	var t timeoutCause
	var m memoryExceeded
	switch cause := context.Cause(ctx); {
	case errors.As(cause, &t):
		return t.Error()
	case errors.As(cause, &m):
		return m.Error()
	case errors.Is(cause, context.DeadlineExceeded):
		return "the run's deadline passed"
	default:
		return "interrupted"
	}
}

// timeoutCause is the cause of a context ended by Options.Timeout.
type timeoutCause struct{ d time.Duration }

// Error says how long the run was allowed.
func (t timeoutCause) Error() string { return fmt.Sprintf("the run's --timeout of %s ran out", t.d) }

// Is makes errors.Is(t, context.DeadlineExceeded) true.
func (t timeoutCause) Is(target error) bool { return target == context.DeadlineExceeded }
