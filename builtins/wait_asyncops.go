package builtins

import (
	"context"
	"fmt"

	"glrun/glapi"
)

// Async operation states (docs/api.md, "Async-operation states").
const (
	opSucceeded = "SUCCEEDED"
	opFailed    = "FAILED"
	opCancelled = "CANCELLED"
	opTimedOut  = "TIMEDOUT"
	opPaused    = "PAUSED"
)

// opFinished reports whether an async operation is in a terminal state.
func opFinished(op glapi.Object) bool {
	switch op.String("state") {
	case opSucceeded, opFailed, opCancelled:
		return true
	}
	return false
}

// opLabel names an async operation for people.
func opLabel(op glapi.Object) string {
	if src := op.String("sourceResourceUri"); src != "" {
		return fmt.Sprintf("async operation %s (%s)", op.ID(), src)
	}
	return "async operation " + op.ID()
}

// opState is an operation's state for people, explaining the states that
// are not terminal but need attention.
func opState(op glapi.Object) string {
	st := op.String("state")
	switch st {
	case "":
		return "UNKNOWN"
	case opTimedOut:
		return st + " (no update within its timeout; it may still finish)"
	case opPaused:
		return st + " (paused by the system; it needs input in GreenLake)"
	}
	return st
}

// opWaitKind polls async operations with one GET each per poll.
func opWaitKind(ops *glapi.AsyncOpsService) waitKind {
	return waitKind{
		finished: opFinished,
		label:    opLabel,
		state:    opState,
		fetch: func(ctx context.Context, pending []glapi.Object) ([]glapi.Object, error) {
			out := make([]glapi.Object, len(pending))
			for i, p := range pending {
				o, err := ops.Get(ctx, p.ID())
				if err != nil {
					return nil, fmt.Errorf("get async operation %s: %w", p.ID(), err)
				}
				out[i] = o
			}
			return out, nil
		},
	}
}

// opFailure returns the error a finished operation stands for (FAILED or
// CANCELLED), or nil when it SUCCEEDED.
func opFailure(op glapi.Object) error {
	st := op.String("state")
	if st != opFailed && st != opCancelled {
		return nil
	}
	e := &AsyncOpFailedError{ID: op.ID(), Source: op.String("sourceResourceUri"), State: st, Details: op["error"]}
	if recs, ok := op["recommendations"].([]any); ok {
		for _, r := range recs {
			if s, ok := r.(string); ok {
				e.Recommendations = append(e.Recommendations, s)
			}
		}
	}
	return e
}
