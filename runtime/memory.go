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

// abortGrace is how long a run over its memory limit has to stop after
// it was cancelled before the watchdog gives up on it (see watchMemory).
const abortGrace = 2 * time.Second

// watchMemory cancels ctx (through cancel) when the heap grows by more
// than limit over what it was when the watch began, which the step limit
// cannot prevent (s = s + s doubles a string per step). Measuring growth,
// not the whole heap, keeps what the process held before the run (an
// in-process simulator, other work of a test binary) from counting against
// the runbook.
//
// A cancelled thread stops at its next step; one step that cannot be
// interrupted (the repr of shared lists, gigabytes out of kilobytes,
// written into a log line) would go on until the system kills the process.
// So once it has cancelled, the watchdog calls abort (when not nil) if the
// heap grows past twice the limit or the run has not stopped within
// abortGrace: the caller then reports and ends the process. The watchdog
// cannot help with a single copy of gigabytes (while one runs, the Go
// runtime may wait to stop the world, and then no other goroutine runs,
// the watchdog included): that is
// why the operations that can make one are size-checked before they start
// (see guardSizes and boundedUniverse).
//
// It returns a func that stops the watchdog, to call when the run is over.
func watchMemory(ctx context.Context, limit uint64, cancel context.CancelCauseFunc, abort func()) (stop func()) {
	done := make(chan struct{})
	sample := []metrics.Sample{{Name: heapMetric}}
	heap := func() uint64 {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			return sample[0].Value.Uint64()
		}
		return 0
	}
	base := heap()
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
				// Garbage of before the run, swept since, lowers the base.
				h := heap()
				base = min(base, h)
				if h > base+limit {
					cancel(memoryExceeded{limit})
					if abort != nil {
						watchStuck(done, heap, base+2*limit, abort)
					}
					return
				}
			}
		}
	}()
	return func() { close(done) }
}

// watchStuck calls abort when the heap goes past ceiling, or when done is
// still open after abortGrace.
func watchStuck(done <-chan struct{}, heap func() uint64, ceiling uint64, abort func()) {
	ticker := time.NewTicker(memoryPoll)
	defer ticker.Stop()
	grace := time.NewTimer(abortGrace)
	defer grace.Stop()
	for {
		select {
		case <-done:
			return
		case <-grace.C:
			abort()
			return
		case <-ticker.C:
			if heap() > ceiling {
				abort()
				return
			}
		}
	}
}
