package wait

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"glrun/glapi"
)

// PlatformOps returns the Kind of a wait for the async operations of the
// platform's device and subscription writes (/devices/v1/async-operations,
// /subscriptions/v1/async-operations): one GET each per poll through get,
// which is given the operation as last known. label names an operation
// for people. Their state is the "status" field (INITIALIZED, RUNNING,
// SUCCEEDED, FAILED, TIMEDOUT, PAUSED), what Compute Ops Management's
// operations name "state". A fetched operation keeps the fields of the
// one it replaces that the answer lacks (such as the Location its write
// gave).
func PlatformOps(label func(op glapi.Object) string, get func(ctx context.Context, op glapi.Object) (glapi.Object, error)) Kind {
	return Kind{
		Finished: PlatformOpFinished,
		Label:    label,
		State:    func(op glapi.Object) string { return OpState(glapi.Object{"state": op.String("status")}) },
		Fetch: func(ctx context.Context, pending []glapi.Object) ([]glapi.Object, error) {
			out := make([]glapi.Object, len(pending))
			for i, p := range pending {
				o, err := get(ctx, p)
				if err != nil {
					return nil, fmt.Errorf("get %s: %w", label(p), err)
				}
				for k, v := range p {
					if _, ok := o[k]; !ok {
						o[k] = v
					}
				}
				out[i] = o
			}
			return out, nil
		},
	}
}

// PlatformOpFinished reports whether a platform operation will not change
// any more (SUCCEEDED or FAILED; TIMEDOUT and PAUSED may still move).
func PlatformOpFinished(op glapi.Object) bool {
	st := op.String("status")
	return st == glapi.OpSucceeded || st == glapi.OpFailed
}

// PlatformOpFailure returns the error a finished platform operation stands
// for: FAILED, or SUCCEEDED with some items failed (the result's
// failedDevicesSerial, failedDevices, failedSubscriptionKeys) — the API
// answers SUCCEEDED when only part of a batch failed. It is nil when
// every item succeeded.
func PlatformOpFailure(what string, op glapi.Object) error {
	st := op.String("status")
	failed := FailedItems(op)
	if st != glapi.OpFailed && len(failed) == 0 {
		return nil
	}
	e := &OpFailedError{ID: op.ID(), State: st, Details: op["result"]}
	if st != glapi.OpFailed {
		e.State = st + " with failures"
	}
	if len(failed) > 0 {
		e.Recommendations = []string{"failed: " + strings.Join(failed, ", ") + "."}
	}
	return fmt.Errorf("%s: %w", what, e)
}

// FailedItems returns what failed in a platform operation's result: the
// serial numbers, device ids (with their serial numbers) and subscription
// keys of the breakdown.
func FailedItems(op glapi.Object) []string {
	res, ok := op["result"].(map[string]any)
	if !ok {
		return nil
	}
	var out []string
	str := func(v any) string {
		switch v := v.(type) {
		case string:
			return v
		case map[string]any:
			id, _ := v["id"].(string)
			sn, _ := v["serialNumber"].(string)
			key, _ := v["key"].(string)
			s := strings.TrimSpace(strings.Join([]string{sn, key}, " "))
			if s == "" {
				s = id
			}
			if msgs, ok := v["messages"].([]any); ok && len(msgs) > 0 {
				b, _ := json.Marshal(msgs)
				s += " " + string(b)
			}
			return s
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	for _, k := range []string{"failedDevicesSerial", "failedDevices", "failedSubscriptionKeys"} {
		if l, ok := res[k].([]any); ok {
			for _, v := range l {
				out = append(out, str(v))
			}
		}
	}
	return out
}
