package wait

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"glrun/glapi"
)

// TimeoutError is returned by a wait (For; the builtins compute.jobs.wait,
// wait_all, compute.async_ops.wait) whose timeout passed before everything it waited
// for had finished. The CLI maps it to exit code 4. It matches
// errors.Is(err, context.DeadlineExceeded), so code that classifies
// deadlines sees it as one.
type TimeoutError struct {
	// What names the wait, such as "compute.jobs.wait_all".
	What string
	// Pending holds one entry per job or operation still unfinished: its id
	// and its last known state, such as "job 1f2e... (Server Restart on
	// P06760-B21+2M212504P8): RUNNING".
	Pending []string
	// Timeout is the timeout that passed.
	Timeout time.Duration
	// Unfinished is the last version of each item still unfinished, in
	// the order Pending names them.
	Unfinished []glapi.Object
}

// Error names the wait, the timeout and everything still pending.
func (e *TimeoutError) Error() string {
	return fmt.Sprintf("%s: timed out after %s with %d still pending: %s (raise timeout= to wait longer)",
		e.What, e.Timeout, len(e.Pending), strings.Join(e.Pending, "; "))
}

// Unwrap returns context.DeadlineExceeded.
func (e *TimeoutError) Unwrap() error { return context.DeadlineExceeded }

// JobFailedError is what a job that ended in ERROR, or finished with
// resultCode FAILURE or DECLINED, stands for (see JobFailure). A runbook
// that waited for it fails (exit 1) unless it asked to handle it
// (fail_on_error=False).
type JobFailedError struct {
	// ID is the job's id.
	ID string
	// Template is the job template's name (or its UUID when unknown).
	Template string
	// Resource is the id of the server or group the job ran on.
	Resource string
	// ResourceName, when known, is the name of that server or group.
	ResourceName string
	// State is the job's final state (COMPLETE or ERROR).
	State string
	// ResultCode is the job's resultCode (SUCCESS, FAILURE, DECLINED or "").
	ResultCode string
	// Status is the job's status message.
	Status string
	// StatusDetails is the job's statusDetails, as decoded JSON.
	StatusDetails any
	// Approval says how the job's approval request stopped it, such as
	// "approval request R was DECLINED by bob@example.com: \"freeze\"";
	// "" when there was none or it is unknown (see JobsWithApprovals).
	Approval string
}

// Error names the job, its template and resource, its state and result
// code, and its status and statusDetails.
func (e *JobFailedError) Error() string {
	var b strings.Builder
	on := e.Resource
	if e.ResourceName != "" {
		on = e.ResourceName + " (" + e.Resource + ")"
	}
	fmt.Fprintf(&b, "job %s (%s on %s) ", e.ID, e.Template, on)
	switch {
	case e.ResultCode == glapi.ResultDeclined && e.Approval != "":
		b.WriteString("was DECLINED (not run)")
	case e.ResultCode == glapi.ResultDeclined:
		b.WriteString("was DECLINED (not run; it may have been rejected by the approvers)")
	case e.State == glapi.JobError:
		b.WriteString("ended in ERROR")
	default:
		fmt.Fprintf(&b, "ended %s with resultCode %s", e.State, e.ResultCode)
	}
	if e.Approval != "" {
		b.WriteString(": " + e.Approval)
	}
	fmt.Fprintf(&b, ": status %q", e.Status)
	if e.StatusDetails != nil {
		if js, err := json.Marshal(e.StatusDetails); err == nil && string(js) != "{}" {
			fmt.Fprintf(&b, ", statusDetails %s", js)
		}
	}
	return b.String()
}

// OpFailedError is what an async operation that ended FAILED or
// CANCELLED stands for (see OpFailure). A runbook that waited for it fails
// (exit 1) unless it asked to handle it (fail_on_error=False).
type OpFailedError struct {
	// ID is the operation's id.
	ID string
	// Source is the operation's sourceResourceUri.
	Source string
	// State is FAILED or CANCELLED.
	State string
	// Details is the operation's error field, as decoded JSON (may be nil).
	Details any
	// Recommendations are the operation's recommendations, if any.
	Recommendations []string
}

// Error names the operation, its source, its state, its error and the
// recommendations GreenLake gave.
func (e *OpFailedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "async operation %s", e.ID)
	if e.Source != "" {
		fmt.Fprintf(&b, " (%s)", e.Source)
	}
	fmt.Fprintf(&b, " ended %s", e.State)
	if e.Details != nil {
		if js, err := json.Marshal(e.Details); err == nil {
			fmt.Fprintf(&b, ": error %s", js)
		}
	}
	if len(e.Recommendations) > 0 {
		fmt.Fprintf(&b, "; recommendations: %s", strings.Join(e.Recommendations, " "))
	}
	return b.String()
}
