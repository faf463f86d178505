package builtins

import (
	"context"
	"fmt"
	"strings"
	"time"

	"glrun/glapi"
)

// waitKind is what differs between waiting for jobs and for async
// operations.
type waitKind struct {
	// finished reports whether obj is in a terminal state.
	finished func(obj glapi.Object) bool
	// fetch returns the current version of each of pending, in the same
	// order, with as few requests as it can.
	fetch func(ctx context.Context, pending []glapi.Object) ([]glapi.Object, error)
	// label names obj for people: "job <id> (<template> on <resource>)".
	label func(obj glapi.Object) string
	// state is obj's state for people: "RUNNING", "APPROVAL_PENDING
	// (awaiting approval in GreenLake)".
	state func(obj glapi.Object) string
}

// waitOptions are the arguments every wait takes.
type waitOptions struct {
	what    string // the builtin, for messages
	timeout time.Duration
	poll    time.Duration
}

// waitFor polls items until each is finished, the timeout passes or ctx is
// done, reporting progress on env. It returns the final version of every
// item, in the order given.
func waitFor(ctx context.Context, env *Env, kind waitKind, items []glapi.Object, opts waitOptions) ([]glapi.Object, error) {
	clk := clockOf(env)
	start := clk.Now()
	deadline := start.Add(opts.timeout)
	prog := newProgress(env, kind, start)
	defer prog.close()

	cur := append([]glapi.Object(nil), items...)
	back := newBackoff(opts.poll)
	for {
		pendingIdx := unfinished(kind, cur)
		if len(pendingIdx) == 0 {
			return cur, nil
		}
		pending := make([]glapi.Object, len(pendingIdx))
		for i, idx := range pendingIdx {
			pending[i] = cur[idx]
		}
		fresh, err := kind.fetch(ctx, pending)
		if err != nil {
			if ctx.Err() != nil {
				return cur, stoppedError(ctx, kind, cur, opts)
			}
			return cur, fmt.Errorf("%s: %w", opts.what, err)
		}
		for i, idx := range pendingIdx {
			cur[idx] = fresh[i]
		}
		now := clk.Now()
		prog.show(cur, now)
		if len(unfinished(kind, cur)) == 0 {
			return cur, nil
		}
		if !now.Before(deadline) {
			return cur, &WaitTimeoutError{What: opts.what, Pending: pendingLabels(kind, cur), Timeout: opts.timeout}
		}
		if err := clk.Sleep(ctx, back.interval(deadline.Sub(now))); err != nil {
			return cur, stoppedError(ctx, kind, cur, opts)
		}
	}
}

// unfinished returns the indexes of the items not yet finished.
func unfinished(kind waitKind, items []glapi.Object) []int {
	var out []int
	for i, it := range items {
		if !kind.finished(it) {
			out = append(out, i)
		}
	}
	return out
}

// pendingLabels describes every unfinished item with its last state.
func pendingLabels(kind waitKind, items []glapi.Object) []string {
	var out []string
	for _, i := range unfinished(kind, items) {
		out = append(out, kind.label(items[i])+": "+kind.state(items[i]))
	}
	return out
}

// stoppedError says the wait was cancelled (or hit the run's deadline) and
// what was still pending; it wraps ctx's error.
func stoppedError(ctx context.Context, kind waitKind, items []glapi.Object, opts waitOptions) error {
	err := ctx.Err()
	if err == nil {
		err = context.Canceled
	}
	return fmt.Errorf("%s: stopped while waiting for %s: %w",
		opts.what, strings.Join(pendingLabels(kind, items), "; "), err)
}
