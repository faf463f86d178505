package runtime

import (
	"context"
	"fmt"
	"runtime/metrics"
	"time"
)

// DefaultMaxMemory is the heap size used when Options.MaxMemory is 0.
// Half a GiB holds a listing of a hundred thousand jobs several times over,
// yet a runaway s = s + s loop reaches it within a few seconds: the last
// doublings before a larger limit cost far more time in page faults than
// all the steps before them.
const DefaultMaxMemory uint64 = 512 << 20

// heapMetric is the live-plus-unswept heap size, cheap to read without
// stopping the world.
const heapMetric = "/memory/classes/heap/objects:bytes"

// memoryPoll is how often the memory watchdog looks at the heap.
const memoryPoll = 5 * time.Millisecond

// memoryExceeded is the cause of a run stopped by the memory watchdog.
type memoryExceeded struct{ limit uint64 }

// Error says what the limit was and how to raise it.
func (m memoryExceeded) Error() string {
	return fmt.Sprintf("runbook exceeded %d MiB of memory; raise --max-memory", m.limit>>20)
}

// watchMemory cancels ctx (through cancel) when the heap grows by more
// than limit over what it was when the watch began, which the step limit
// cannot prevent (s = s + s doubles a string per step). Measuring growth,
// not the whole heap, keeps what the process held before the run (an
// in-process simulator, other work of a test binary) from counting against
// the runbook. It returns a func that stops the watchdog. go.starlark.net
// itself refuses single repeats ("x" * n) of 1 GiB or more.
func watchMemory(ctx context.Context, limit uint64, cancel context.CancelCauseFunc) (stop func()) {
	done := make(chan struct{})
	sample := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(sample)
	var base uint64
	if sample[0].Value.Kind() == metrics.KindUint64 {
		base = sample[0].Value.Uint64()
	}
	go func() {
		ticker := time.NewTicker(memoryPoll)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-ticker.C:
				metrics.Read(sample)
				if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > base+limit {
					cancel(memoryExceeded{limit})
					return
				}
			}
		}
	}()
	return func() { close(done) }
}
