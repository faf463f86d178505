package wait

import (
	"context"
	"fmt"

	"glrun/glapi"
)

// AsyncOps returns the Kind of a wait for async operations: one GET each
// per poll.
func AsyncOps(ops *glapi.AsyncOpsService) Kind {
	return Kind{
		Finished: OpFinished,
		Label:    OpLabel,
		State:    OpState,
		Failure:  OpFailure,
		Fetch: func(ctx context.Context, pending []glapi.Object) ([]glapi.Object, error) {
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

// OpFinished reports whether an async operation is in a terminal state
// (see glapi.OpFinished).
func OpFinished(op glapi.Object) bool { return glapi.OpFinished(op.String("state")) }

// OpLabel names an async operation for people.
func OpLabel(op glapi.Object) string {
	if src := op.String("sourceResourceUri"); src != "" {
		return fmt.Sprintf("async operation %s (%s)", op.ID(), src)
	}
	return "async operation " + op.ID()
}

// OpState is an operation's state for people, explaining the states that
// are not terminal but need attention.
func OpState(op glapi.Object) string {
	st := op.String("state")
	switch st {
	case "":
		return "UNKNOWN"
	case glapi.OpTimedOut:
		return st + " (no update within its timeout; it may still finish)"
	case glapi.OpPaused:
		return st + " (paused by the system; it needs input in GreenLake)"
	}
	return st
}

// OpFailure returns the *OpFailedError a finished operation stands for
// (FAILED or CANCELLED), or nil when it SUCCEEDED.
func OpFailure(op glapi.Object) error {
	st := op.String("state")
	if !glapi.OpFailedState(st) {
		return nil
	}
	e := &OpFailedError{ID: op.ID(), Source: op.String("sourceResourceUri"), State: st, Details: op["error"]}
	if recs, ok := op["recommendations"].([]any); ok {
		for _, r := range recs {
			if s, ok := r.(string); ok {
				e.Recommendations = append(e.Recommendations, s)
			}
		}
	}
	return e
}
