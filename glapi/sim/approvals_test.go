package sim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"glrun/glapi"
)

// Two more API clients: an approver and a second approver.
var (
	approverA = Client{ID: "0a0a0a0a-1111-4111-8111-000000000001", Secret: "a-secret-aaaaaaaaaaaaaaaaaaaaaaaa", Email: "alice@example.com"}
	approverB = Client{ID: "0b0b0b0b-2222-4222-8222-000000000002", Secret: "b-secret-bbbbbbbbbbbbbbbbbbbbbbbb", Email: "bob@example.com"}
)

// schema is the part of an OpenAPI schema the tests check an answer
// against: required properties, enums and consts (by dotted path; "[]"
// stands for every item of a list).
type schema struct {
	required []string
	enums    map[string][]string
	consts   map[string]any
}

// The answer schemas of the change-control endpoints, as the COM
// description gives them.
var (
	approvalStates     = []string{"APPROVED", "CANCELLED", "DECLINED", "EXPIRED", "PENDING", "OTHER"}
	userApprovalStates = []string{"APPROVED", "DECLINED"}
	policySchema       = schema{
		required: []string{"id", "type", "createdAt", "updatedAt", "generation"},
		enums:    map[string][]string{"state": {"ACTIVE", "INACTIVE"}},
		consts:   map[string]any{"type": "compute-ops-mgmt/approval-policy"},
	}
	requestSchema = schema{
		required: []string{"id", "type", "createdAt", "updatedAt", "generation"},
		enums: map[string][]string{
			"approvalState":                       approvalStates,
			"requestData.approvals.approvalState": userApprovalStates,
		},
		consts: map[string]any{"type": "compute-ops-mgmt/approval-request", "policy.type": "compute-ops-mgmt/approval-policy"},
	}
	decisionSchema = schema{enums: map[string][]string{"approvalState": userApprovalStates}}
	scheduleSchema = schema{
		required: []string{"id", "type", "name", "schedule", "operation", "schedule.startAt",
			"operation.type", "operation.method", "operation.uri"},
		enums:  map[string][]string{"operation.method": {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"}},
		consts: map[string]any{"type": "compute-ops-mgmt/schedule"},
	}
	historySchema = schema{
		required: []string{"operationType", "type", "id", "resourceUri", "scheduleId", "scheduleUri", "startedAt",
			"succeeded", "summary", "debugId", "durationInSec", "generation", "createdAt", "updatedAt", "status", "headers"},
		consts: map[string]any{"type": "compute-ops-mgmt/schedule/history", "generation": float64(1)},
	}
	collectionSchema = schema{required: []string{"count", "offset", "items", "total"}}
)

// lookup returns the values at a dotted path of o ("[]" expands a list).
func lookup(v any, path string) []any {
	if path == "" {
		return []any{v}
	}
	head, rest, _ := strings.Cut(path, ".")
	if head == "[]" {
		l, _ := v.([]any)
		var out []any
		for _, it := range l {
			out = append(out, lookup(it, rest)...)
		}
		return out
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	x, ok := m[head]
	if !ok {
		return nil
	}
	return lookup(x, rest)
}

// checkSchema asserts that o has sc's required properties and that its
// enums and consts hold.
func checkSchema(t *testing.T, what string, o map[string]any, sc schema) {
	t.Helper()
	for _, p := range sc.required {
		if len(lookup(o, p)) == 0 {
			t.Errorf("%s: required property %s is missing: %v", what, p, o)
		}
	}
	for p, allowed := range sc.enums {
		for _, v := range lookup(o, p) {
			s, _ := v.(string)
			if !containsStr(allowed, s) {
				t.Errorf("%s: %s = %v is not one of %v", what, p, v, allowed)
			}
		}
	}
	for p, want := range sc.consts {
		for _, v := range lookup(o, p) {
			if v != want {
				t.Errorf("%s: %s = %v, want %v", what, p, v, want)
			}
		}
	}
}

// changeHarness is a harness with two approver clients and a policy on
// group prod-web that requires approver A (and B when min is 2) for
// "Reset".
func changeHarness(t *testing.T, minApprovers int, opts Options) (*harness, string) {
	t.Helper()
	opts.Clients = []Client{approverA, approverB}
	h := newHarness(t, opts)
	body := map[string]any{
		"name": "prod-web change control",
		"policyData": map[string]any{
			"approvables": []any{map[string]any{
				"approvableName": "Reset",
				"approvers":      []any{map[string]any{"email": approverA.Email}, map[string]any{"email": approverB.Email}},
				"minApprovers":   minApprovers,
			}},
			"resources": []any{map[string]any{"resourceId": h.groupID("prod-web"), "resourceType": "compute-ops-mgmt/group"}},
		},
	}
	r := h.do(http.MethodPost, "/compute-ops-mgmt/v1beta2/approval-policies", body)
	if r.status != http.StatusCreated {
		t.Fatalf("create policy: %d %v", r.status, r.body)
	}
	checkSchema(t, "created policy", r.body, policySchema)
	if loc := r.header.Get("Location"); loc != r.body["resourceUri"] {
		t.Errorf("Location %q, want the policy's resourceUri %v", loc, r.body["resourceUri"])
	}
	return h, r.body["id"].(string)
}

// as makes the harness's next requests as client c.
func (h *harness) as(c Client) { h.token = h.getToken(c.ID, c.Secret) }

// restart creates a restart job on the server and returns it.
func (h *harness) restart(server string) map[string]any {
	h.t.Helper()
	r := h.do(http.MethodPost, "/compute-ops-mgmt/v1/jobs", map[string]any{
		"jobTemplate": templateByAlias("restart").ID, "resourceId": h.serverID(server), "resourceType": "compute-ops-mgmt/server",
	})
	if r.status != http.StatusCreated {
		h.t.Fatalf("create job: %d %v", r.status, r.body)
	}
	return r.body
}

// requestFor returns the approval request of job id.
func (h *harness) requestFor(jobID string) map[string]any {
	h.t.Helper()
	r := h.get("/compute-ops-mgmt/v1beta2/approval-requests?filter="+q("operation/id eq '"+jobID+"'"), http.StatusOK)
	checkSchema(h.t, "request list", r.body, collectionSchema)
	items := r.items()
	if len(items) != 1 {
		h.t.Fatalf("approval requests of job %s: %v", jobID, items)
	}
	req := items[0].(map[string]any)
	checkSchema(h.t, "approval request", req, requestSchema)
	return req
}

func (h *harness) decide(reqID, state, remarks string) result {
	h.t.Helper()
	return h.do(http.MethodPost, "/compute-ops-mgmt/v1beta2/approval-requests/"+reqID+"/approve",
		map[string]any{"approvalState": state, "remarks": remarks})
}

func TestCoveredJobWaitsForApprovalThenRuns(t *testing.T) {
	h, policyID := changeHarness(t, 1, Options{})
	job := h.restart("prod-web-01")
	if job["state"] != glapi.JobApprovalPending {
		t.Fatalf("job on a covered server: state %v, want APPROVAL_PENDING", job["state"])
	}
	req := h.requestFor(job["id"].(string))
	if req["approvalState"] != "PENDING" || req["approvableName"] != "Reset" {
		t.Errorf("request: %v", req)
	}
	if got := lookup(req, "policy.id"); len(got) != 1 || got[0] != policyID {
		t.Errorf("request policy: %v, want %s", got, policyID)
	}
	if got := lookup(req, "requester.email"); len(got) != 1 || got[0] != DemoClientEmail {
		t.Errorf("requester: %v", got)
	}
	// Time passes: the job does not start while it waits.
	h.clk.Advance(10 * time.Minute)
	if st := h.job(job["id"].(string))["state"]; st != glapi.JobApprovalPending {
		t.Fatalf("after 10m unapproved: state %v", st)
	}
	h.as(approverA)
	r := h.decide(req["id"].(string), "APPROVED", "CHG0042")
	if r.status != http.StatusOK {
		t.Fatalf("approve: %d %v", r.status, r.body)
	}
	checkSchema(t, "approve answer", r.body, decisionSchema)
	req = h.requestFor(job["id"].(string))
	if req["approvalState"] != "APPROVED" {
		t.Errorf("after approval: %v", req["approvalState"])
	}
	if got := lookup(req, "requestData.approvals.approverId.email"); len(got) != 1 || got[0] != approverA.Email {
		t.Errorf("approvals: %v", req["requestData"])
	}
	if st := h.job(job["id"].(string))["state"]; st != glapi.JobPending {
		t.Errorf("just approved: state %v, want PENDING", st)
	}
	h.clk.Advance(pendingDelay + time.Second)
	if st := h.job(job["id"].(string))["state"]; st != glapi.JobRunning {
		t.Errorf("approved and started: state %v, want RUNNING", st)
	}
	h.clk.Advance(time.Hour)
	done := h.job(job["id"].(string))
	if done["state"] != glapi.JobComplete || done["resultCode"] != glapi.ResultSuccess {
		t.Errorf("approved job: %v/%v, want COMPLETE/SUCCESS", done["state"], done["resultCode"])
	}
}

func TestUncoveredJobsNeedNoApproval(t *testing.T) {
	h, _ := changeHarness(t, 1, Options{})
	// Another action on a covered server, and the action on a server of no covered group.
	r := h.do(http.MethodPost, "/compute-ops-mgmt/v1/jobs", map[string]any{
		"jobTemplate": templateByAlias("power_on").ID, "resourceId": h.serverID("prod-web-01"), "resourceType": "compute-ops-mgmt/server",
	})
	if r.body["state"] != glapi.JobPending {
		t.Errorf("power on (not in the policy): %v", r.body["state"])
	}
	var other string
	for _, s := range h.sim.Servers() {
		if !strings.HasPrefix(s.String("name"), "prod-web") {
			other = s.String("name")
			break
		}
	}
	if job := h.restart(other); job["state"] != glapi.JobPending {
		t.Errorf("restart of %s (no policy): %v", other, job["state"])
	}
}

func TestMinimumApproversAreCounted(t *testing.T) {
	h, _ := changeHarness(t, 2, Options{})
	job := h.restart("prod-web-02")
	req := h.requestFor(job["id"].(string))
	h.as(approverA)
	if r := h.decide(req["id"].(string), "APPROVED", ""); r.status != http.StatusOK {
		t.Fatalf("first approval: %d %v", r.status, r.body)
	}
	if r := h.decide(req["id"].(string), "APPROVED", ""); r.status != http.StatusConflict {
		t.Errorf("the same approver twice: %d, want 409", r.status)
	}
	if st := h.job(job["id"].(string))["state"]; st != glapi.JobApprovalPending {
		t.Errorf("1 of 2 approvals: state %v", st)
	}
	h.as(approverB)
	if r := h.decide(req["id"].(string), "APPROVED", ""); r.status != http.StatusOK {
		t.Fatalf("second approval: %d %v", r.status, r.body)
	}
	if st := h.job(job["id"].(string))["state"]; st != glapi.JobPending {
		t.Errorf("2 of 2 approvals: state %v, want PENDING", st)
	}
}

func TestDeclinedJobEndsInErrorWithWhoAndRemarks(t *testing.T) {
	h, _ := changeHarness(t, 2, Options{})
	job := h.restart("prod-web-01")
	req := h.requestFor(job["id"].(string))
	h.as(approverB)
	if r := h.decide(req["id"].(string), "DECLINED", "not during the freeze"); r.status != http.StatusOK {
		t.Fatalf("decline: %d %v", r.status, r.body)
	}
	got := h.job(job["id"].(string))
	if got["state"] != glapi.JobError || got["resultCode"] != glapi.ResultDeclined {
		t.Fatalf("declined job: %v/%v, want ERROR/DECLINED", got["state"], got["resultCode"])
	}
	msg := fmt.Sprint(got["statusDetails"])
	for _, want := range []string{approverB.Email, "not during the freeze"} {
		if !strings.Contains(msg, want) {
			t.Errorf("statusDetails %s lacks %q", msg, want)
		}
	}
	req = h.requestFor(job["id"].(string))
	if req["approvalState"] != "DECLINED" {
		t.Errorf("request: %v", req["approvalState"])
	}
	h.as(approverA)
	if r := h.decide(req["id"].(string), "APPROVED", ""); r.status != http.StatusConflict {
		t.Errorf("approving a declined request: %d, want 409", r.status)
	} else {
		checkError(t, "approve declined", r, http.StatusConflict)
	}
}

func TestRequestsExpire(t *testing.T) {
	h, _ := changeHarness(t, 1, Options{ApprovalExpiry: 2 * time.Hour})
	job := h.restart("prod-web-01")
	h.clk.Advance(2*time.Hour + time.Second)
	got := h.job(job["id"].(string))
	if got["state"] != glapi.JobError {
		t.Errorf("job of an expired request: %v", got["state"])
	}
	if !strings.Contains(fmt.Sprint(got["statusDetails"]), "expired") {
		t.Errorf("statusDetails: %v", got["statusDetails"])
	}
	if req := h.requestFor(job["id"].(string)); req["approvalState"] != "EXPIRED" {
		t.Errorf("request: %v", req["approvalState"])
	}
}

func TestOnlyNamedApproversOtherThanTheRequesterMayDecide(t *testing.T) {
	outsider := Client{ID: "0c0c0c0c-3333-4333-8333-000000000003", Secret: "c-secret", Email: "carol@example.com"}
	h, _ := changeHarness(t, 1, Options{})
	h.sim.clients[outsider.ID] = outsider
	// The requester is approver A: the simulator refuses self-approval.
	h.as(approverA)
	job := h.restart("prod-web-01")
	req := h.requestFor(job["id"].(string))
	cases := []struct {
		who  Client
		want string
	}{
		{outsider, "not an approver"},
		{approverA, "requester"},
		{Client{ID: DemoClientID, Secret: DemoClientSecret}, "not an approver"},
	}
	for _, c := range cases {
		h.as(c.who)
		r := h.decide(req["id"].(string), "APPROVED", "")
		checkError(t, "approval by "+c.who.ID, r, http.StatusForbidden)
		if msg, _ := r.body["message"].(string); !strings.Contains(msg, c.want) {
			t.Errorf("403 for %s: %q lacks %q", c.who.Email, msg, c.want)
		}
	}
	if st := h.job(job["id"].(string))["state"]; st != glapi.JobApprovalPending {
		t.Errorf("after refused approvals: %v", st)
	}
	h.as(approverB)
	if r := h.decide(req["id"].(string), "APPROVED", ""); r.status != http.StatusOK {
		t.Errorf("approval by B: %d %v", r.status, r.body)
	}
}

func TestRequesterCancels(t *testing.T) {
	h, _ := changeHarness(t, 1, Options{})
	job := h.restart("prod-web-01")
	req := h.requestFor(job["id"].(string))
	path := "/compute-ops-mgmt/v1beta2/approval-requests/" + req["id"].(string)
	h.as(approverA)
	checkError(t, "cancel by another", h.do(http.MethodPatch, path, map[string]any{"approvalState": "CANCELLED"}), http.StatusForbidden)
	h.token = h.getToken(DemoClientID, DemoClientSecret)
	r := h.do(http.MethodPatch, path, map[string]any{"approvalState": "CANCELLED", "requestRemarks": "wrong server"})
	if r.status != http.StatusOK {
		t.Fatalf("cancel: %d %v", r.status, r.body)
	}
	checkSchema(t, "cancelled request", r.body, requestSchema)
	if r.body["approvalState"] != "CANCELLED" || r.body["cancelledBy"] != DemoClientEmail {
		t.Errorf("cancelled: %v", r.body)
	}
	if st := h.job(job["id"].(string))["state"]; st != glapi.JobError {
		t.Errorf("job of a cancelled request: %v", st)
	}
}

func TestPolicyValidationAndCRUD(t *testing.T) {
	h, id := changeHarness(t, 1, Options{})
	grp := h.groupID("prod-web")
	bad := []struct {
		name string
		body map[string]any
	}{
		{"no name", map[string]any{"policyData": map[string]any{}}},
		{"unknown action", policy("x", "Reboot", grp)},
		{"unknown group", policy("y", "Reset", "no-such-group")},
	}
	for _, c := range bad {
		checkError(t, c.name, h.do(http.MethodPost, "/compute-ops-mgmt/v1beta2/approval-policies", c.body), http.StatusBadRequest)
	}
	checkError(t, "same name", h.do(http.MethodPost, "/compute-ops-mgmt/v1beta2/approval-policies",
		policy("prod-web change control", "Reset", grp)), http.StatusConflict)

	path := "/compute-ops-mgmt/v1beta2/approval-policies/" + id
	r := h.do(http.MethodPatch, path, map[string]any{"description": "CAB approval"})
	if r.status != http.StatusOK || r.body["description"] != "CAB approval" {
		t.Fatalf("patch: %d %v", r.status, r.body)
	}
	checkSchema(t, "patched policy", r.body, policySchema)
	list := h.get("/compute-ops-mgmt/v1beta2/approval-policies", http.StatusOK)
	checkSchema(t, "policy list", list.body, collectionSchema)
	if len(list.items()) != 1 {
		t.Errorf("policies: %v", list.items())
	}
	if r := h.do(http.MethodDelete, path, nil); r.status != http.StatusNoContent {
		t.Errorf("delete: %d", r.status)
	}
	checkError(t, "get deleted", h.get(path, http.StatusNotFound), http.StatusNotFound)
	if job := h.restart("prod-web-01"); job["state"] != glapi.JobPending {
		t.Errorf("after the policy is deleted: %v", job["state"])
	}
}

func policy(name, action, group string) map[string]any {
	return map[string]any{
		"name": name,
		"policyData": map[string]any{
			"approvables": []any{map[string]any{"approvableName": action, "approvers": []any{map[string]any{"email": "a@example.com"}}}},
			"resources":   []any{map[string]any{"resourceId": group, "resourceType": "compute-ops-mgmt/group"}},
		},
	}
}

func TestParseClient(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Client
		err  string
	}{
		{"id1:s3cret:ops@example.com", Client{ID: "id1", Secret: "s3cret", Email: "ops@example.com"}, ""},
		{"id2:a:b:c:cab@example.com", Client{ID: "id2", Secret: "a:b:c", Email: "cab@example.com"}, ""},
		{"id3:s3cret", Client{}, "want ID:SECRET:EMAIL, got 2 part(s)"},
		{"id4::ops@example.com", Client{}, "the secret of client id4 is empty"},
		{":s3cret:ops@example.com", Client{}, "the client id is empty"},
		{"id5:s3cret:nobody", Client{}, `"nobody" is not an email address`},
	} {
		got, err := ParseClient(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || strings.Contains(err.Error(), "s3cret") {
				t.Errorf("ParseClient(%q) = %v, want an error with %q and without the secret", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseClient(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

// TestEachClientHasItsOwnIdentity: tokens carry the client they were
// issued to; a client not configured gets no token.
func TestEachClientHasItsOwnIdentity(t *testing.T) {
	h := newHarness(t, Options{Clients: []Client{approverA}})
	h.as(approverA)
	job := h.restart("prod-web-01")
	if job["state"] != glapi.JobPending {
		t.Fatalf("no policy: %v", job["state"])
	}
	if got := h.sim.callerOf(&http.Request{Header: http.Header{"Authorization": {"Bearer " + h.token}}}); got != approverA.ID {
		t.Errorf("token of A belongs to %q", got)
	}
	form := "grant_type=client_credentials&client_id=" + approverB.ID + "&client_secret=" + approverB.Secret
	resp, err := http.Post(h.srv.URL+tokenPath, "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("token for an unconfigured client: %d, want 401", resp.StatusCode)
	}
}

func TestPoliciesFilterByTheirGroups(t *testing.T) {
	h, id := changeHarness(t, 1, Options{})
	grp := h.groupID("prod-web")
	for _, c := range []struct {
		filter string
		want   int
	}{
		{"policyData/resources/id eq '" + grp + "'", 1},
		{"policyData/resources/id eq 'other'", 0},
		{"policyData/resources/type eq 'compute-ops-mgmt/group' and name eq 'prod-web change control'", 1},
		{"contains(name, 'nothing')", 0},
	} {
		r := h.get("/compute-ops-mgmt/v1beta2/approval-policies?filter="+q(c.filter), http.StatusOK)
		if got := ids(r.items()); len(got) != c.want || (c.want == 1 && got[0] != id) {
			t.Errorf("%s: %v", c.filter, got)
		}
	}
	checkError(t, "unknown property", h.do(http.MethodGet, "/compute-ops-mgmt/v1beta2/approval-policies?filter="+q("nme eq 'x'"), nil), http.StatusBadRequest)
}

func TestJobEndedByHandLeavesNothingToApprove(t *testing.T) {
	h, _ := changeHarness(t, 1, Options{})
	job := h.restart("prod-web-01")
	if r := h.do(http.MethodPatch, "/compute-ops-mgmt/v1/jobs/"+job["id"].(string), map[string]any{"state": "ERROR"}); r.status != http.StatusOK {
		t.Fatalf("patch job: %d %v", r.status, r.body)
	}
	req := h.requestFor(job["id"].(string))
	if req["approvalState"] != "OTHER" {
		t.Errorf("request of a job ended by hand: %v", req["approvalState"])
	}
	h.as(approverA)
	checkError(t, "approve it", h.decide(req["id"].(string), "APPROVED", ""), http.StatusConflict)
	if st := h.job(job["id"].(string))["state"]; st != glapi.JobError {
		t.Errorf("job: %v", st)
	}
}
