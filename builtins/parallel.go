package builtins

import (
	"context"
	"fmt"
	"sync"

	"go.starlark.net/starlark"

	"glrun/glapi"
)

// threadFactoryKey is the thread-local key under which the runtime keeps a
// func(context.Context, string) *starlark.Thread making child threads with
// the run's step limit, print handler and cancellation (runtime.ThreadFactoryKey).
const threadFactoryKey = "glrun.newThread"

// workerKey is the thread-local key marking the threads parallel.map runs
// fn on.
const workerKey = "glrun.parallelWorker"

// maxWorkers is the most threads parallel.map runs at once. Maps do not
// nest, so it is the most threads a run has.
const maxWorkers = 64

// parallelMap is parallel.map(fn, items, workers=4): it runs fn over items
// on up to workers Starlark threads and returns the results in input
// order. fn and items are frozen first, since they are shared between
// threads. The first error cancels the rest and is reported with the
// item's index and value.
func parallelMap(thread *starlark.Thread, _ *Env, a *Args) (starlark.Value, error) {
	var f CallableArg
	items := ListArg{What: "a list or tuple of items"}
	workers := IntArg{Min: 1, Max: maxWorkers}
	if err := a.Unpack("fn", &f, "items", &items, "workers", &workers); err != nil {
		return nil, err
	}
	if thread.Local(workerKey) != nil {
		// Each nested map would multiply the threads (64 x 64 x ...), and
		// a function could recurse through parallel.map, which Starlark's
		// own recursion ban does not see across threads.
		return nil, fmt.Errorf("parallel.map: called inside parallel.map (nested maps and recursion through parallel.map are refused): map once over all the items")
	}
	f.Value.Freeze()
	for _, it := range items.Items {
		it.Freeze()
	}
	results, err := runParallel(thread, f.Value, items.Items, min(workers.Value, len(items.Items)))
	if err != nil {
		return nil, err
	}
	return starlark.NewList(results), nil
}

// itemError is the first failure of parallel.map.
type itemError struct {
	index int
	item  starlark.Value
	err   error
}

func (e *itemError) Error() string {
	return fmt.Sprintf("parallel.map: item %d (%s): %v", e.index, Describe(e.item), e.err)
}

func (e *itemError) Unwrap() error { return e.err }

func runParallel(parent *starlark.Thread, f starlark.Callable, items []starlark.Value, workers int) ([]starlark.Value, error) {
	// The workers' requests are marked as one batch: a plan records that
	// their changes are concurrent, and its apply matches them by content.
	ctx, cancel := context.WithCancel(glapi.WithBatch(Context(parent), &glapi.Batch{}))
	defer cancel()
	results := make([]starlark.Value, len(items))
	next := make(chan int)
	var (
		mu    sync.Mutex
		first *itemError
		wg    sync.WaitGroup
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			child := childThread(parent, ctx, fmt.Sprintf("%s/parallel.map#%d", parent.Name, w))
			child.SetLocal(workerKey, true)
			for i := range next {
				v, err := starlark.Call(child, f, starlark.Tuple{items[i]}, nil)
				if err != nil {
					mu.Lock()
					if first == nil {
						first = &itemError{index: i, item: items[i], err: err}
						cancel()
					}
					mu.Unlock()
					continue
				}
				results[i] = v
			}
		}()
	}
feed:
	for i := range items {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first != nil {
		return nil, first
	}
	if err := Context(parent).Err(); err != nil {
		return nil, fmt.Errorf("parallel.map: %w", err)
	}
	return results, nil
}

// childThread makes the thread a worker runs on: from the runtime's
// factory when the parent has one (its steps then count against the run's
// one budget), else a thread with the parent's print handler that is
// cancelled with ctx.
func childThread(parent *starlark.Thread, ctx context.Context, name string) *starlark.Thread {
	if newThread, ok := parent.Local(threadFactoryKey).(func(context.Context, string) *starlark.Thread); ok {
		return newThread(ctx, name)
	}
	t := &starlark.Thread{Name: name, Print: parent.Print}
	SetContext(t, ctx)
	context.AfterFunc(ctx, func() { t.Cancel(context.Cause(ctx).Error()) })
	return t
}
