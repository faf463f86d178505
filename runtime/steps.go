package runtime

import (
	"context"
	"sync/atomic"

	"go.starlark.net/starlark"
)

// stepPool is the step budget of one run (Load's top level, or one Call),
// shared by all its threads: parallel.map's workers draw from the same
// budget as the thread that called it, so a run cannot multiply its limit
// by spreading its work over threads.
//
// Each thread leases steps in small chunks (go.starlark.net counts steps
// per thread and calls OnMaxSteps when a thread's lease runs out); the
// run fails when the pool is empty. Steps leased but not used when a
// thread ends are lost, at most one chunk per thread, so a run never
// takes more than its limit.
type stepPool struct {
	limit uint64
	chunk uint64
	left  atomic.Uint64
}

// maxStepChunk is the largest lease: small enough that the leftovers of
// parallel.map's workers stay negligible, large enough that leasing costs
// nothing measurable.
const maxStepChunk = 10_000

// newStepPool returns a budget of limit steps.
func newStepPool(limit uint64) *stepPool {
	p := &stepPool{limit: limit, chunk: min(maxStepChunk, limit/16+1)}
	p.left.Store(limit)
	return p
}

// stepsKey is the context key of the run's *stepPool.
type stepsKey struct{}

// withSteps returns ctx carrying a new step budget of limit steps for the
// threads made with it.
func withSteps(ctx context.Context, limit uint64) context.Context {
	return context.WithValue(ctx, stepsKey{}, newStepPool(limit))
}

// take removes up to n steps from the pool and returns how many it got.
func (p *stepPool) take(n uint64) uint64 {
	for {
		left := p.left.Load()
		got := min(n, left)
		if got == 0 || p.left.CompareAndSwap(left, left-got) {
			return got
		}
	}
}

// attach makes t draw its steps from the pool: it starts with one lease
// and takes another each time it runs out, failing with the step limit
// message when none is left.
func (p *stepPool) attach(t *starlark.Thread) {
	lease := func(t *starlark.Thread) bool {
		n := p.take(p.chunk)
		if n == 0 {
			return false
		}
		t.SetMaxExecutionSteps(t.ExecutionSteps() + n)
		return true
	}
	if !lease(t) {
		t.SetMaxExecutionSteps(1) // fails at its first step
	}
	t.OnMaxSteps = func(t *starlark.Thread) {
		if !lease(t) {
			t.Cancel(stepLimitMessage(p.limit))
		}
	}
}
