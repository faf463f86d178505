package runtime

import (
	"context"
	"errors"
	"strings"

	"go.starlark.net/starlark"
)

// cancelledPrefix is how go.starlark.net introduces a cancellation reason.
const cancelledPrefix = "Starlark computation cancelled: "

// runError turns the error of a failed execution under ctx into an *Error:
// "file:line:col: message" (the innermost Starlark position) with the
// backtrace, classified by classify, then by context errors it wraps, then
// by the state of ctx.
func runError(ctx context.Context, err error, classify func(error) (int, bool)) *Error {
	var done *Error
	if errors.As(err, &done) {
		return done
	}
	msg, frames := describe(err)
	e := &Error{Kind: KindRuntime, Msg: msg, Err: err}
	if pos := position(frames); pos != "" {
		e.Msg = pos + ": " + msg
	}
	if len(frames) > 0 {
		e.Backtrace = strings.TrimRight(frames.String(), "\n")
	}
	switch {
	case errors.As(context.Cause(ctx), new(memoryExceeded)):
		// The watchdog cancels the run's context, so a builtin stopped by
		// it (a wait, a request) reports context.Canceled: the memory limit
		// is the real cause and a runbook failure, not an interruption.
		e.cause = context.Cause(ctx)
		if cause := e.cause.Error(); !strings.Contains(msg, cause) {
			e.Msg = strings.TrimSuffix(strings.TrimSuffix(e.Msg, msg), ": ")
			if e.Msg != "" {
				e.Msg += ": "
			}
			e.Msg += cause + " (stopped: " + msg + ")"
		}
	case errors.Is(err, context.DeadlineExceeded):
		e.Kind = KindTimeout
	case errors.Is(err, context.Canceled):
		e.Kind = KindCanceled
	case ctx.Err() != nil:
		e.cause = ctx.Err()
		e.Kind = KindCanceled
		if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
			e.Kind = KindTimeout
		}
	}
	if e.Kind == KindTimeout || e.Kind == KindCanceled {
		e.Msg = plainContextErrors(e.Msg, ctx, e.Kind)
	}
	if classify != nil {
		if code, ok := classify(err); ok {
			e.Code = code
		}
	}
	return e
}

// Go's words for a context's end, as errors built on ctx.Err() carry them.
const (
	goDeadlineExceeded = "context deadline exceeded"
	goCanceled         = "context canceled"
)

// plainContextErrors replaces Go's "context deadline exceeded" and "context
// canceled" in msg, the message of a run that timed out or was interrupted,
// with what happened in the operator's words: "the run's --timeout of 3s
// ran out", "the run's deadline passed", "interrupted".
func plainContextErrors(msg string, ctx context.Context, kind Kind) string {
	if !strings.Contains(msg, goDeadlineExceeded) && !strings.Contains(msg, goCanceled) {
		return msg
	}
	why := "interrupted"
	switch {
	case ctx.Err() != nil:
		why = cancelReason(ctx)
	case kind == KindTimeout:
		why = "timed out"
	}
	// A message that already says why ("the run's --timeout of 3s ran
	// out: context deadline exceeded") says it once.
	for _, jargon := range []string{": " + goDeadlineExceeded, ": " + goCanceled} {
		if strings.Contains(msg, why+jargon) {
			msg = strings.ReplaceAll(msg, why+jargon, why)
		}
	}
	msg = strings.ReplaceAll(msg, goDeadlineExceeded, why)
	return strings.ReplaceAll(msg, goCanceled, why)
}

// describe returns the message of err (cancellation reasons unwrapped) and
// the call stack that led to it. The stack joins the stacks of nested
// Starlark errors: a load's error contains the loaded file's frames; an
// error from a child thread (parallel.map) adds the child's frames after
// the parent's.
func describe(err error) (string, starlark.CallStack) {
	msg := strings.ReplaceAll(err.Error(), cancelledPrefix, "")
	var frames starlark.CallStack
	for cur := err; cur != nil; {
		var ee *starlark.EvalError
		if !errors.As(cur, &ee) {
			break
		}
		if isPrefix(frames, ee.CallStack) {
			frames = ee.CallStack
		} else {
			frames = append(append(starlark.CallStack{}, frames...), ee.CallStack...)
		}
		cur = ee.Unwrap()
	}
	return msg, frames
}

// isPrefix reports whether the frames of a start the frames of b.
func isPrefix(a, b starlark.CallStack) bool {
	if len(a) > len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Pos.String() != b[i].Pos.String() {
			return false
		}
	}
	return true
}

// position returns "file:line:col" of the innermost frame that is Starlark
// code (not a builtin), or "".
func position(frames starlark.CallStack) string {
	for i := len(frames) - 1; i >= 0; i-- {
		if p := frames[i].Pos; p.Line > 0 {
			return p.String()
		}
	}
	return ""
}
