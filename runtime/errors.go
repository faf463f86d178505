package runtime

import (
	"strings"

	"glrun/exitcode"
)

// Kind says what went wrong, and so which exit code a failure maps to.
type Kind string

// The kinds of errors the runtime reports.
const (
	// KindSyntax: the runbook or a file it loads does not parse or resolve,
	// or a load() is refused or circular. Nothing ran. Exit 2.
	KindSyntax Kind = "syntax"
	// KindUsage: the parameters given do not fit main, or main is missing.
	// Nothing ran. Exit 2.
	KindUsage Kind = "usage"
	// KindRuntime: the runbook failed while running (a Starlark error,
	// fail(), a builtin's error, the step limit). Exit 1, unless
	// Options.Classify decided otherwise.
	KindRuntime Kind = "runtime"
	// KindTimeout: the run's deadline passed. Exit 4.
	KindTimeout Kind = "timeout"
	// KindCanceled: the run was interrupted (context canceled). Exit 130.
	KindCanceled Kind = "canceled"
)

// Error is the one error type the runtime returns.
type Error struct {
	// Kind classifies the failure.
	Kind Kind
	// Msg is the one-line message, prefixed by "file:line:col: " when a
	// position is known (file relative to the runbook root).
	Msg string
	// Backtrace is the Starlark call stack ("Traceback (most recent call
	// last): ..."), empty when nothing was running.
	Backtrace string
	// Err is the underlying error (a *starlark.EvalError, a syntax error,
	// a context error ...); errors.Is and errors.As see through it.
	Err error
	// Code is the exit code; ExitCode derives it from Kind when 0.
	Code int

	// cause is the context error of a timed-out or interrupted run, so that
	// errors.Is(err, context.DeadlineExceeded) holds even when the Starlark
	// error does not wrap it.
	cause error
}

// Error returns the message followed, on the next lines, by the backtrace.
func (e *Error) Error() string {
	if e.Backtrace == "" {
		return e.Msg
	}
	return e.Msg + "\n" + strings.TrimRight(e.Backtrace, "\n")
}

// Unwrap returns the underlying error and, for a timed-out or interrupted
// run, the context's error.
func (e *Error) Unwrap() []error {
	var errs []error
	for _, err := range []error{e.Err, e.cause} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// ExitCode returns the process exit code for this error: 2 for syntax and
// usage errors, 1 for runbook failures, 4 for timeouts, 130 for
// interruptions, or the code Options.Classify chose.
func (e *Error) ExitCode() int {
	if e.Code != 0 {
		return e.Code
	}
	switch e.Kind {
	case KindSyntax, KindUsage:
		return exitcode.Usage
	case KindTimeout:
		return exitcode.Timeout
	case KindCanceled:
		return exitcode.Interrupted
	default:
		return exitcode.Failed
	}
}
