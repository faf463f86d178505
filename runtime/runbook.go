package runtime

import (
	"context"
	"fmt"
	"sync"

	"go.starlark.net/starlark"
)

// Runbook is a loaded runbook: compiled, its top level (and everything it
// loads) executed, ready to Call. Its methods may be called from several
// goroutines.
type Runbook struct {
	path    string
	opts    Options
	graph   *graph
	sandbox *sandbox
	globals starlark.StringDict
	// predeclared is Options.Predeclared over the size guards (see
	// sizeGuards).
	predeclared starlark.StringDict

	// mu guards modules, the cache of executed loaded files.
	mu      sync.Mutex
	modules map[string]*module
}

// module is the outcome of executing a loaded file's top level.
type module struct {
	globals starlark.StringDict
	err     error
	done    bool
}

// Load reads, parses and resolves the runbook at path and every file it
// loads (refusing loads outside the root and load cycles), then executes
// their top levels under the sandbox. Errors are *Error: KindSyntax (exit
// 2) when something does not compile, else as for Call.
func Load(ctx context.Context, path string, opts Options) (*Runbook, error) {
	g, err := compileGraph(path, opts.Root, opts.Predeclared.Has)
	if err != nil {
		return nil, err
	}
	predeclared := sizeGuards()
	for name, v := range opts.Predeclared {
		predeclared[name] = v
	}
	rb := &Runbook{
		path:        path,
		opts:        opts,
		graph:       g,
		predeclared: predeclared,
		sandbox: &sandbox{
			maxSteps:    opts.maxSteps(),
			allocBudget: allocBudget(opts.maxMemory()),
			print:       opts.printer(),
		},
		modules: map[string]*module{},
	}
	_, err = rb.run(ctx, "load "+g.entry.name, func(t *starlark.Thread) (starlark.Value, error) {
		globals, err := rb.exec(t, g.entry)
		rb.globals = globals
		return starlark.None, err
	})
	if err != nil {
		return nil, err
	}
	return rb, nil
}

// Path returns the path the runbook was loaded from, as given to Load.
func (rb *Runbook) Path() string { return rb.path }

// Name returns the runbook's file name relative to its root, as error
// messages show it.
func (rb *Runbook) Name() string { return rb.graph.entry.name }

// Globals returns the runbook's (frozen) top-level names, e.g. for a test
// framework looking for test_* functions.
func (rb *Runbook) Globals() starlark.StringDict { return rb.globals }

// NewThread makes a thread of this runbook's sandbox (step limit, print
// handler, builtins context, child-thread factory, cancelled when ctx is
// done), for callers that run Starlark themselves.
func (rb *Runbook) NewThread(ctx context.Context, name string) *starlark.Thread {
	return rb.sandbox.newThread(ctx, name)
}

// Exec calls fn(args, kwargs) on a new thread named name under the
// sandbox: with the step limit, Options.Timeout and ctx's cancellation.
// A failure is an *Error with file:line:col, backtrace and exit code.
func (rb *Runbook) Exec(ctx context.Context, name string, fn starlark.Callable, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	return rb.run(ctx, name, func(t *starlark.Thread) (starlark.Value, error) {
		v, err := starlark.Call(t, fn, args, kwargs)
		if err == nil && !fits(t, 0, v) {
			// Printing it, after the run and its limits, would not end.
			return nil, tooLong(t, name+" returned a value too large to report")
		}
		return v, err
	})
}

// run executes body on a new sandboxed thread, bounded by Options.Timeout
// and ctx, and converts its error.
func (rb *Runbook) run(ctx context.Context, name string, body func(*starlark.Thread) (starlark.Value, error)) (starlark.Value, error) {
	ctx, cancelCause := context.WithCancelCause(ctx)
	defer cancelCause(nil)
	if rb.opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, rb.opts.Timeout, timeoutCause{rb.opts.Timeout})
		defer cancel()
	}
	var abort func()
	if rb.opts.Abort != nil {
		abort = func() {
			limit := memoryExceeded{rb.opts.maxMemory()}
			rb.opts.Abort(&Error{
				Kind: KindRuntime,
				Msg:  fmt.Sprintf("%s: %s (stopped inside one operation that could not be interrupted)", rb.graph.entry.name, limit.Error()),
				Err:  limit,
			})
		}
	}
	defer watchMemory(ctx, rb.opts.maxMemory(), cancelCause, abort)()
	if ctx.Err() != nil {
		return nil, runError(ctx, fmt.Errorf("%s: %s", rb.graph.entry.name, cancelReason(ctx)), rb.opts.Classify)
	}
	ctx = withSteps(ctx, rb.sandbox.maxSteps)
	thread := rb.sandbox.newThread(ctx, name)
	thread.Load = rb.load
	v, err := body(thread)
	if err != nil {
		return nil, runError(ctx, err, rb.opts.Classify)
	}
	return v, nil
}

// load implements load() for threads of this runbook: it executes each
// loaded file once, on the loading thread (so the step limit and
// cancellation cover it and backtraces go through both files), and caches
// the result.
func (rb *Runbook) load(t *starlark.Thread, name string) (starlark.StringDict, error) {
	from := t.CallFrame(0).Pos.Filename()
	u, ok := rb.graph.units[from]
	if !ok {
		return nil, fmt.Errorf("load(%q) from unknown file %s", name, from)
	}
	target, ok := u.loads[name]
	if !ok {
		return nil, fmt.Errorf("load(%q) was not resolved", name)
	}
	rb.mu.Lock()
	m, ok := rb.modules[target]
	if !ok {
		m = &module{}
		rb.modules[target] = m
	}
	rb.mu.Unlock()
	if !ok {
		m.globals, m.err = rb.exec(t, rb.graph.units[target])
		rb.mu.Lock()
		m.done = true
		rb.mu.Unlock()
		return m.globals, m.err
	}
	rb.mu.Lock()
	done := m.done
	rb.mu.Unlock()
	if !done {
		// compileGraph excludes cycles; this guards the invariant.
		return nil, fmt.Errorf("circular load of %s", target)
	}
	return m.globals, m.err
}

// exec runs the top level of u on t and freezes its globals.
func (rb *Runbook) exec(t *starlark.Thread, u *unit) (starlark.StringDict, error) {
	globals, err := u.prog.Init(t, rb.predeclared)
	globals.Freeze()
	return globals, err
}
