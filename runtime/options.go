package runtime

import (
	"fmt"
	"os"
	"time"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"glrun/clock"
)

// Clock is the one source of time for everything that waits; see package
// glrun/clock.
type Clock = clock.Clock

// DefaultMaxSteps is the step limit used when Options.MaxSteps is 0. One
// hundred million steps is a few seconds of pure computation: far more than
// a runbook that drives APIs needs (its time goes into waits, which cost no
// steps), yet small enough that a runaway loop fails quickly.
const DefaultMaxSteps uint64 = 100_000_000

// Options configures Load and everything a Runbook runs.
type Options struct {
	// Predeclared are the modules and functions a runbook sees (besides the
	// Starlark universe). The runtime does not build them: package session
	// passes the builtins (builtins.Predeclared), tests pass fakes.
	Predeclared starlark.StringDict

	// Root confines load(): no loaded file may lie outside it. Empty means
	// the directory of the runbook.
	Root string

	// MaxSteps caps the Starlark execution steps of each run (the top
	// level with everything it loads; each Call), counted over all the
	// threads of the run (parallel.map's workers draw from the budget of
	// the thread that called it). 0 means DefaultMaxSteps.
	MaxSteps uint64

	// Timeout bounds each execution: the top level run by Load, and each
	// Call. 0 means no limit other than the caller's context.
	Timeout time.Duration

	// MaxMemory caps the process heap while a runbook runs, in bytes: past
	// it the run fails (exit 1). 0 means DefaultMaxMemory. The heap is
	// checked every few milliseconds, so a runbook can overshoot briefly.
	// One operation may build at most a quarter of it (AllocBudgetKey).
	MaxMemory uint64

	// Abort, when set, is called by the memory watchdog, on its own
	// goroutine, when a run over its memory limit cannot be stopped: it is
	// inside one operation that cannot be interrupted and still growing
	// (see watchMemory). The run will not return in time; Abort should
	// report err and end the process (exit 1) before the system kills it.
	// Nil: the watchdog only cancels the run.
	Abort func(err *Error)

	// Print receives the output of print(). Nil prints to standard error.
	Print func(thread *starlark.Thread, msg string)

	// Classify, when set, is asked first to map a failed run's error to an
	// exit code (e.g. a builtin's own timeout error type to 4, an apply
	// drift to 3). It returns ok=false to leave the error to the defaults.
	Classify func(err error) (exitCode int, ok bool)
}

// fileOptions are the Starlark dialect of runbooks: while loops, top-level
// control flow and set() are allowed; recursion stays off; top-level names
// cannot be reassigned.
func fileOptions() *syntax.FileOptions {
	return &syntax.FileOptions{
		Set:             true,
		While:           true,
		TopLevelControl: true,
		GlobalReassign:  false,
		Recursion:       false,
	}
}

// maxSteps returns the effective step limit.
func (o Options) maxSteps() uint64 {
	if o.MaxSteps == 0 {
		return DefaultMaxSteps
	}
	return o.MaxSteps
}

// maxMemory returns the effective heap limit.
func (o Options) maxMemory() uint64 {
	if o.MaxMemory == 0 {
		return DefaultMaxMemory
	}
	return o.MaxMemory
}

// printer returns the effective print handler.
func (o Options) printer() func(*starlark.Thread, string) {
	if o.Print != nil {
		return o.Print
	}
	return func(_ *starlark.Thread, msg string) { fmt.Fprintln(os.Stderr, msg) }
}
