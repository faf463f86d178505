package wait

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"glrun/glapi"
	"glrun/glapi/odata"
)

// JobsWithApprovals is Jobs (see there for batched) aware of change
// control: a job in APPROVAL_PENDING (not finished) has its approval
// request looked up after each poll, with one list request for all of
// them (operation/id in (...)), so that its state reads "awaiting approval
// (request R: 0 of 1 approvals)" in the progress display and in a
// timeout's message; and the Kind's Failure explains a job the request
// stopped: declined (by whom, with their remarks), expired or cancelled.
func JobsWithApprovals(jobs *glapi.JobsService, requests *glapi.ApprovalRequestsService, batched bool) Kind {
	k := Jobs(jobs, batched)
	a := &approvalTracker{requests: requests, byJob: map[string]glapi.Object{}}
	fetch := k.Fetch
	k.Fetch = func(ctx context.Context, pending []glapi.Object) ([]glapi.Object, error) {
		fresh, err := fetch(ctx, pending)
		if err != nil {
			return nil, err
		}
		if err := a.lookup(ctx, pending, fresh); err != nil && ctx.Err() != nil {
			return nil, err
		}
		// Any other error of the lookup leaves the states as the jobs say
		// them: the wait itself goes on.
		return fresh, nil
	}
	k.State = a.state
	k.Failure = a.failure
	return k
}

// approvalTracker keeps the approval request of each job that was seen
// waiting for one.
type approvalTracker struct {
	requests *glapi.ApprovalRequestsService
	mu       sync.Mutex
	byJob    map[string]glapi.Object // job id -> its latest approval request
	// off is set once the client may not read approval requests (403):
	// no more lookups are tried.
	off bool
}

// lookup fetches the requests of the jobs that wait for approval, and of
// those that were waiting (before, as last seen) and have just finished,
// to learn why.
func (a *approvalTracker) lookup(ctx context.Context, before, jobs []glapi.Object) error {
	var ids []string
	a.mu.Lock()
	if a.off {
		a.mu.Unlock()
		return nil
	}
	for i, j := range jobs {
		_, seen := a.byJob[j.ID()]
		wasWaiting := seen || (i < len(before) && before[i].String("state") == glapi.JobApprovalPending)
		if j.String("state") == glapi.JobApprovalPending || (wasWaiting && JobFinished(j)) ||
			(JobFinished(j) && j.String("resultCode") == glapi.ResultDeclined) {
			ids = append(ids, j.ID())
		}
	}
	a.mu.Unlock()
	for _, batch := range batchIDs(ids, maxIDFilterLen) {
		vals := make([]any, len(batch))
		for i, id := range batch {
			vals[i] = id
		}
		expr, err := odata.In("operation/id", vals)
		if err != nil {
			return fmt.Errorf("build approval request filter: %w", err)
		}
		got, err := a.requests.List(ctx, glapi.ListOptions{Filter: expr.String()})
		if err != nil {
			var apiErr *glapi.APIError
			if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden {
				a.mu.Lock()
				a.off = true
				a.mu.Unlock()
			}
			return fmt.Errorf("list approval requests: %w", err)
		}
		a.mu.Lock()
		for _, r := range got {
			jid := operationID(r)
			if prev, ok := a.byJob[jid]; !ok || r.String("createdAt") >= prev.String("createdAt") {
				a.byJob[jid] = r
			}
		}
		a.mu.Unlock()
	}
	return nil
}

func (a *approvalTracker) request(jobID string) glapi.Object {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.byJob[jobID]
}

// state is JobState, with the approval request of a job that waits for one.
func (a *approvalTracker) state(job glapi.Object) string {
	if job.String("state") == glapi.JobApprovalPending {
		if r := a.request(job.ID()); r != nil {
			return "awaiting approval (" + RequestProgress(r) + ")"
		}
	}
	return JobState(job)
}

// failure is JobFailure, with what the job's approval request says.
func (a *approvalTracker) failure(job glapi.Object) error {
	err := JobFailure(job)
	if err == nil {
		return nil
	}
	if r := a.request(job.ID()); r != nil {
		if jf, ok := err.(*JobFailedError); ok {
			jf.Approval = ApprovalOutcome(r)
		}
	}
	return err
}

// RequestProgress describes an approval request's progress: "request R:
// 0 of 1 approvals". The API shows one decision of a request (its latest,
// requestData.approvals), so a PENDING request with one APPROVED decision
// counts 1, and an APPROVED one counts its minimum.
func RequestProgress(r glapi.Object) string {
	need := intField(r, "minApprovers")
	if need < 1 {
		need = 1
	}
	got := 0
	switch {
	case r.String("approvalState") == glapi.ApprovalApproved:
		got = need
	default:
		got = countApprovals(r)
	}
	return fmt.Sprintf("request %s: %d of %d approvals", r.ID(), got, need)
}

// ApprovalOutcome says why a request stopped its job: "approval request R
// was DECLINED by bob@example.com: \"not during the freeze\"", "... EXPIRED
// before it was approved (0 of 1 approvals)", "... was CANCELLED by ...";
// "" for a request that did not stop it.
func ApprovalOutcome(r glapi.Object) string {
	id := r.ID()
	switch r.String("approvalState") {
	case glapi.ApprovalDeclined:
		s := "approval request " + id + " was DECLINED"
		by, remarks := latestDecision(r, glapi.ApprovalDeclined)
		if by != "" {
			s += " by " + by
		}
		if remarks != "" {
			s += fmt.Sprintf(": %q", remarks)
		}
		return s
	case glapi.ApprovalExpired:
		return "approval request " + id + " EXPIRED before it was approved (" +
			strings.TrimPrefix(RequestProgress(r), "request "+id+": ") + ")"
	case glapi.ApprovalCancelled:
		s := "approval request " + id + " was CANCELLED"
		if by := r.String("cancelledBy"); by != "" {
			s += " by " + by
		}
		if rm := r.String("requestRemarks"); rm != "" {
			s += fmt.Sprintf(": %q", rm)
		}
		return s
	}
	return ""
}

// decisions returns the decisions of a request: requestData.approvals, an
// object in the API's description (tolerated as a list too).
func decisions(r glapi.Object) []map[string]any {
	rd, _ := r["requestData"].(map[string]any)
	switch v := rd["approvals"].(type) {
	case map[string]any:
		return []map[string]any{v}
	case []any:
		var out []map[string]any
		for _, x := range v {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

func countApprovals(r glapi.Object) int {
	n := 0
	for _, d := range decisions(r) {
		if d["approvalState"] == glapi.ApprovalApproved {
			n++
		}
	}
	return n
}

// latestDecision returns the email and remarks of the last decision of
// state.
func latestDecision(r glapi.Object, state string) (by, remarks string) {
	for _, d := range decisions(r) {
		if d["approvalState"] != state {
			continue
		}
		if who, ok := d["approverId"].(map[string]any); ok {
			by, _ = who["email"].(string)
		}
		remarks, _ = d["remarks"].(string)
	}
	return by, remarks
}

// operationID returns a request's operation/id, the job it holds.
func operationID(r glapi.Object) string {
	if op, ok := r["operation"].(map[string]any); ok {
		id, _ := op["id"].(string)
		return id
	}
	return ""
}

// intField returns an integer field (json.Number or float64), 0 when absent.
func intField(o glapi.Object, key string) int {
	switch v := o[key].(type) {
	case interface{ Int64() (int64, error) }:
		n, _ := v.Int64()
		return int(n)
	case float64:
		return int(v)
	case int:
		return v
	}
	return 0
}
