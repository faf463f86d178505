// Package wait polls Compute Ops Management jobs and async operations until
// they finish: with a backoff from a first interval, a timeout that names
// what is still pending, one filtered list request per batch of jobs per
// poll, polls around the expected end of each job when the run has seen
// jobs of its template finish (see Durations), and a Reporter to show
// progress. It needs only a *glapi.Client's services and a clock; the
// runbook builtins compute.jobs.wait, wait_all and compute.async_ops.wait
// are bindings of it.
package wait

import (
	"context"
	"fmt"
	"strings"
	"time"

	"glrun/clock"
	"glrun/glapi"
)

// Kind is what differs between waiting for jobs and for async operations.
type Kind struct {
	// Finished reports whether obj is in a terminal state.
	Finished func(obj glapi.Object) bool
	// Fetch returns the current version of each of pending, in the same
	// order, with as few requests as it can.
	Fetch func(ctx context.Context, pending []glapi.Object) ([]glapi.Object, error)
	// Label names obj for people: "job <id> (<template> on <resource>)".
	Label func(obj glapi.Object) string
	// State is obj's state for people: "RUNNING", "APPROVAL_PENDING
	// (awaiting approval in GreenLake)".
	State func(obj glapi.Object) string
	// Failure returns the error a finished obj stands for (such as a
	// *JobFailedError), or nil when it ended well.
	Failure func(obj glapi.Object) error
	// Timing, when not nil, reads obj's timing from its record (see
	// JobTiming), for a wait with Options.Durations to poll around the
	// expected ends; nil polls on the backoff alone.
	Timing func(obj glapi.Object) Timing
}

// Reporter shows a wait's progress (see package progress).
type Reporter interface {
	// Show is called after every poll with every item waited for.
	Show(items []glapi.Object, now time.Time)
	// Close ends the display.
	Close()
}

// Options are the settings of one wait.
type Options struct {
	// What names the wait in its errors, such as "compute.jobs.wait".
	What string
	// Timeout is how long to wait before failing with a *TimeoutError.
	Timeout time.Duration
	// Poll is the first polling interval; it backs off from there (see
	// Backoff).
	Poll time.Duration
	// Durations, when not nil (and the Kind has a Timing), is the run's
	// record of how long jobs took by template: the wait adds the jobs it
	// sees finish, and when a pending job's expected end (its start plus
	// its template's median duration, plus a 2% margin) comes before the
	// backoff's next interval is over, it polls just after that end
	// instead (never sooner than MinAdaptiveSleep); once the end has passed
	// with the job still pending, the backoff restarts from Poll. nil polls
	// on the backoff alone.
	Durations *Durations
	// Clock is used to tell the time and to sleep between polls; nil means
	// the wall clock.
	Clock clock.Clock
	// Report, when not nil, makes the Reporter that shows the wait's
	// progress; start is when the wait started.
	Report func(kind Kind, start time.Time) Reporter
}

// For polls items until each is finished, the timeout passes or ctx is
// done, reporting progress. It returns the last version of every item, in
// the order given. A timeout is a *TimeoutError; a cancelled ctx an error
// wrapping ctx's error that names what was still pending.
func For(ctx context.Context, kind Kind, items []glapi.Object, opts Options) ([]glapi.Object, error) {
	clk := opts.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	start := clk.Now()
	deadline := start.Add(opts.Timeout)
	var report Reporter = nopReporter{}
	if opts.Report != nil {
		report = opts.Report(kind, start)
	}
	defer report.Close()

	cur := append([]glapi.Object(nil), items...)
	back := NewBackoff(opts.Poll)
	adapt := newAdapter(kind, opts)
	for {
		pendingIdx := unfinished(kind, cur)
		if len(pendingIdx) == 0 {
			return cur, nil
		}
		pending := make([]glapi.Object, len(pendingIdx))
		for i, idx := range pendingIdx {
			pending[i] = cur[idx]
		}
		fresh, err := kind.Fetch(ctx, pending)
		if err != nil {
			if ctx.Err() != nil {
				return cur, stoppedError(ctx, kind, cur, opts)
			}
			return cur, fmt.Errorf("%s: %w", opts.What, err)
		}
		for i, idx := range pendingIdx {
			cur[idx] = fresh[i]
		}
		adapt.observe(kind, pending, fresh)
		now := clk.Now()
		report.Show(cur, now)
		if len(unfinished(kind, cur)) == 0 {
			return cur, nil
		}
		if !now.Before(deadline) {
			return cur, &TimeoutError{What: opts.What, Pending: pendingLabels(kind, cur), Timeout: opts.Timeout,
				Unfinished: pendingItems(kind, cur)}
		}
		if err := clk.Sleep(ctx, adapt.sleep(back, pendingItems(kind, cur), now, deadline.Sub(now))); err != nil {
			return cur, stoppedError(ctx, kind, cur, opts)
		}
	}
}

// nopReporter shows nothing.
type nopReporter struct{}

func (nopReporter) Show([]glapi.Object, time.Time) {}
func (nopReporter) Close()                         {}

// unfinished returns the indexes of the items not yet finished.
func unfinished(kind Kind, items []glapi.Object) []int {
	var out []int
	for i, it := range items {
		if !kind.Finished(it) {
			out = append(out, i)
		}
	}
	return out
}

// pendingLabels describes every unfinished item with its last state.
func pendingLabels(kind Kind, items []glapi.Object) []string {
	var out []string
	for _, i := range unfinished(kind, items) {
		out = append(out, kind.Label(items[i])+": "+kind.State(items[i]))
	}
	return out
}

// pendingItems returns every unfinished item.
func pendingItems(kind Kind, items []glapi.Object) []glapi.Object {
	var out []glapi.Object
	for _, i := range unfinished(kind, items) {
		out = append(out, items[i])
	}
	return out
}

// stoppedError says the wait was cancelled (or hit the run's deadline) and
// what was still pending; it wraps ctx's error.
func stoppedError(ctx context.Context, kind Kind, items []glapi.Object, opts Options) error {
	err := ctx.Err()
	if err == nil {
		err = context.Canceled
	}
	return fmt.Errorf("%s: stopped while waiting for %s: %w",
		opts.What, strings.Join(pendingLabels(kind, items), "; "), err)
}
