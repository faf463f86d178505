// Package builtins holds the Starlark modules a runbook sees: compute,
// identity, workspaces, odata and the helpers (log, fail, chunks, sleep,
// parallel, json, time). They reach GreenLake only through a
// *glapi.Client; waits are glapi/wait's, drawn by package progress.
//
// Each builtin is declared once, in the registry (registry.go and the
// *_decl.go files): its Doc (name, parameters with their defaults,
// summary, example) is both its documentation and the source of its
// argument binding (NewBuiltin, Args). The recurring kinds of argument
// (ids, filters, durations, templates, jobs...) are ArgKinds, which
// report a wrong value as an *ArgError:
//
//	compute.jobs.create: parameter "template": want a job template alias (...) or a template UUID, got int 3
package builtins

import (
	"context"
	"log/slog"
	"sync"

	"go.starlark.net/starlark"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/wait"
	"glrun/progress"
)

// Env is what the builtins need from the outside world.
type Env struct {
	// Client reaches GreenLake; every request goes through it.
	Client *glapi.Client
	// Clock is used for every wait (polling, sleep).
	Clock clock.Clock
	// Durations is the run's record of how long jobs took by template,
	// shared by its waits: a job wait polls around the expected end of the
	// jobs it waits for (see wait.Options.Durations). nil: waits poll on
	// their backoff alone.
	Durations *wait.Durations
	// Log receives the runbook's log.info/warn/error and the waits' state
	// changes.
	Log *slog.Logger
	// Progress, when not nil, is the terminal display on which waits draw a
	// live bar per job or operation (shared by the waits of parallel.map);
	// Log should then write through it (it is an io.Writer) so that log
	// lines appear above the bars. When nil, waits log one line per state
	// change instead.
	Progress *progress.Display
	// Mode is how the run treats GreenLake: ModeLive (the default, also
	// when empty), ModePlan (a dry run or plan: mutations are recorded, not
	// sent) or ModeTest (glrun test, against its simulator). runbook_mode()
	// returns it, and log lines made while planning are marked planned.
	Mode string

	// names are the names of the servers and groups the run has seen, for
	// job labels (see resourceNamesOf).
	namesOnce sync.Once
	names     *resourceNames
}

// Run modes (Env.Mode), as runbook_mode() returns them.
const (
	// ModeLive: requests, mutations included, go to GreenLake (or to the
	// simulator of glrun run --sim).
	ModeLive = "live"
	// ModePlan: a dry run (glrun run --dry-run, glrun plan): reads are
	// sent, mutations are recorded and answered as GreenLake would.
	ModePlan = "plan"
	// ModeTest: glrun test, against the test's simulator or cassette.
	ModeTest = "test"
)

// mode returns env's mode, ModeLive when unset.
func (env *Env) mode() string {
	if env == nil || env.Mode == "" {
		return ModeLive
	}
	return env.Mode
}

// threadContextKey is the thread-local key under which the run's context is
// kept: runtime.ContextKey, where the runtime puts it on every thread it makes.
const threadContextKey = "glrun.context"

// SetContext attaches ctx to thread; builtins that send requests or wait use
// it, so cancellation and deadlines reach them.
func SetContext(thread *starlark.Thread, ctx context.Context) {
	thread.SetLocal(threadContextKey, ctx)
}

// Context returns the context attached to thread by SetContext, or
// context.Background().
func Context(thread *starlark.Thread) context.Context {
	if ctx, ok := thread.Local(threadContextKey).(context.Context); ok {
		return ctx
	}
	return context.Background()
}
