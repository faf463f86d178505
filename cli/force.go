package cli

import (
	"context"
	"fmt"
	"io"
	"sync"

	"glrun/exitcode"
)

// emergency is the way out of a run that cannot stop in an orderly way: a
// second Ctrl-C while the run is inside a long operation, or a run over
// its memory limit inside one operation that cannot be interrupted. It
// prints the run's summary so far (what was sent, and the jobs still in
// flight in GreenLake, which go on without glrun) and ends the process.
//
// Main makes one and puts it in the command's context; commands that run
// a runbook register their summary while the runbook runs. Tests that call
// Execute have none, so nothing ends their process.
type emergency struct {
	mu sync.Mutex
	w  io.Writer
	// summary prints the run's report so far for exit code code and error
	// message msg; nil when no run is under way (or it is already
	// reporting by itself).
	summary func(code int, msg string)
	exit    func(code int)
}

// emergencyKey is the context key of the *emergency.
type emergencyKey struct{}

// withEmergency returns ctx carrying e.
func withEmergency(ctx context.Context, e *emergency) context.Context {
	return context.WithValue(ctx, emergencyKey{}, e)
}

// emergencyOf returns the *emergency of ctx, or nil.
func emergencyOf(ctx context.Context) *emergency {
	e, _ := ctx.Value(emergencyKey{}).(*emergency)
	return e
}

// begin registers the summary of the run that starts. It returns the func
// that unregisters it, to call as soon as the run returns (its own report
// follows). A nil e does nothing.
func (e *emergency) begin(summary func(code int, msg string)) (end func()) {
	if e == nil {
		return func() {}
	}
	e.mu.Lock()
	e.summary = summary
	e.mu.Unlock()
	return func() {
		e.mu.Lock()
		e.summary = nil
		e.mu.Unlock()
	}
}

// exitNow prints the run's summary, if a run is under way, then
// "glrun: msg", and ends the process with code. It does not return.
func (e *emergency) exitNow(code int, msg string) {
	e.mu.Lock() // held until the exit: nothing else reports meanwhile
	if e.summary != nil {
		e.summary(code, msg)
	}
	fmt.Fprintln(e.w, "glrun: "+msg)
	e.exit(code)
}

// interrupted is exitNow for a second interrupt.
func (e *emergency) interrupted() {
	e.exitNow(exitcode.Interrupted, "interrupted again: exiting now, without waiting for the runbook to stop")
}
