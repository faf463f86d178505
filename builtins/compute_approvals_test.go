package builtins

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
	"glrun/plan"
)

// TestApprovalsArgumentErrors: bad arguments are refused before anything
// is sent, naming the function, the parameter, what it wants and what it got.
func TestApprovalsArgumentErrors(t *testing.T) {
	tests := []struct {
		call string
		want []string
	}{
		{`compute.approvals.policies.create("p", "Reboot", "a@example.com", "g")`,
			[]string{"compute.approvals.policies.create", `"actions"`, `"Power off"`, `got string "Reboot"`}},
		{`compute.approvals.policies.create("p", ["Reset", "power off"], "a@example.com", "g")`,
			[]string{`"actions[1]"`, `did you mean "Power off"?`}},
		{`compute.approvals.policies.create("p", "Reset", ["a@example.com", "bob"], "g")`,
			[]string{`"approvers[1]"`, "email address", `got string "bob"`}},
		{`compute.approvals.policies.create("p", "Reset", "a@example.com", [])`,
			[]string{`"groups"`, "at least one"}},
		{`compute.approvals.policies.create("p", "Reset", "a@example.com", [3])`,
			[]string{`"groups[0]"`, "got int 3"}},
		{`compute.approvals.policies.create("p", "Reset", "a@example.com", "g", min_approvers = 2)`,
			[]string{`"min_approvers"`, "1 to 1 (the number of approvers)"}},
		{`compute.approvals.policies.create("", "Reset", "a@example.com", "g")`,
			[]string{`"name"`, "a policy name"}},
		{`compute.approvals.policies.update("p")`,
			[]string{"compute.approvals.policies.update", "nothing to update"}},
		{`compute.approvals.policies.update("p", actions = "Reset")`,
			[]string{"actions= and approvers= go together"}},
		{`compute.approvals.requests.approve()`,
			[]string{"compute.approvals.requests.approve", `"request"`, "approval request id string", "got nothing"}},
		{`compute.approvals.requests.decline("r", remarks = 3)`,
			[]string{"compute.approvals.requests.decline", `"remarks"`, "got int 3"}},
		{`compute.schedules.create("s", "reboot", "x", "2026-01-01T00:00:00Z")`,
			[]string{"compute.schedules.create", `"template"`, `got string "reboot"`}},
		{`compute.schedules.create("s", "restart", "x", "tomorrow")`,
			[]string{`"start_at"`, "RFC 3339", `got string "tomorrow"`}},
		{`compute.schedules.create("s", "restart", "x", "2026-01-01T00:00:00Z", interval = "P1X")`,
			[]string{`"interval"`, "ISO 8601", `got string "P1X"`}},
		{`compute.schedules.create("s", "restart", "x", "2026-01-01T00:00:00Z", idempotency_key = "")`,
			[]string{`"idempotency_key"`, "a UUID"}},
		{`compute.schedules.update("s")`, []string{"compute.schedules.update", "nothing to update"}},
		{`compute.schedules.update("s", interval = "P1D")`, []string{"interval= needs start_at="}},
		{`compute.schedules.history("s", limit = 0)`, []string{"compute.schedules.history", `"limit"`, "got int 0"}},
	}
	for _, tc := range tests {
		_, err := execCompute(context.Background(), nil, tc.call)
		if err == nil {
			t.Errorf("%s: no error", tc.call)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s:\n  error %q\n  lacks %q", tc.call, err, w)
			}
		}
		if strings.Contains(err.Error(), "no GreenLake client") {
			t.Errorf("%s: the arguments passed the checks: %v", tc.call, err)
		}
	}
}

// cabClient is a second API client of the change tests, the approver.
var cabClient = sim.Client{ID: "8d2e3f40-0000-4000-8000-0000000000cb", Secret: "cab-secret-fedcba9876543210fedc", Email: "cab@example.com"}

// changeFixture is newSimFixture with the approver client, and an Env for it.
func changeFixture(t *testing.T, mode glapi.Mode) (requester, approver *simFixture) {
	t.Helper()
	clk := clock.NewVirtual(testEpoch)
	s := sim.New(sim.Options{Clock: clk, Seed: 1, Clients: []sim.Client{cabClient}})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	mk := func(id, secret string, m glapi.Mode) *simFixture {
		c, err := glapi.New(glapi.Config{BaseURL: srv.URL, ClientID: id, ClientSecret: glapi.NewSecret(secret), Clock: clk, Mode: m})
		if err != nil {
			t.Fatal(err)
		}
		return &simFixture{sim: s, clk: clk, env: &Env{Client: c, Clock: clk}}
	}
	return mk(sim.DemoClientID, sim.DemoClientSecret, mode), mk(cabClient.ID, cabClient.Secret, nil)
}

// TestApprovalFlowFromRunbooks: a policy created by a runbook holds a
// restart; the approver's runbook approves it by its job; the wait ends
// COMPLETE. A declined one fails the wait with who and why.
func TestApprovalFlowFromRunbooks(t *testing.T) {
	req, cab := changeFixture(t, nil)
	grp, _ := req.sim.GroupByName("prod-web")
	req.mustRun(t, fmt.Sprintf(`
p = compute.approvals.policies.create("prod-web CAB", actions = ["Reset", "Power off"],
    approvers = ["%s"], groups = "%s", description = "CAB")
result = p`, cabClient.Email, grp.ID()))
	job := req.mustRun(t, fmt.Sprintf(`result = compute.jobs.create("restart", "%s")`, req.serverID(t, "prod-web-01")))
	if st := field(t, job, "state"); st != glapi.JobApprovalPending {
		t.Fatalf("job state %s", st)
	}
	jobID := field(t, job, "id")
	pending := cab.mustRun(t, `result = compute.approvals.requests.list(filter = "approvalState eq 'PENDING'")`)
	if fmt.Sprint(pending) == "[]" {
		t.Fatalf("no pending request")
	}
	ans := cab.mustRun(t, fmt.Sprintf(`
job = compute.jobs.get("%s")
result = compute.approvals.requests.approve(job, remarks = "CHG0042")`, jobID))
	if field(t, ans, "approvalState") != glapi.ApprovalApproved {
		t.Errorf("approve answer: %v", ans)
	}
	done := req.mustRun(t, fmt.Sprintf(`result = compute.jobs.wait("%s", timeout = "1h")`, jobID))
	if field(t, done, "state") != glapi.JobComplete {
		t.Errorf("approved job: %v", done)
	}

	job2 := req.mustRun(t, fmt.Sprintf(`result = compute.jobs.create("power_off", "%s")`, req.serverID(t, "prod-web-02")))
	cab.mustRun(t, fmt.Sprintf(`
r = compute.approvals.requests.list(filter = "operation/id eq '%s'")[0]
compute.approvals.requests.decline(r, remarks = "freeze")`, field(t, job2, "id")))
	_, err := req.run(t, fmt.Sprintf(`compute.jobs.wait("%s", timeout = "1h")`, field(t, job2, "id")))
	wantErr(t, err, "compute.jobs.wait", "was DECLINED (not run)", "by cab@example.com", `"freeze"`)
}

// TestApprovalWritesInADryRunSendNothing: in a dry run, creating,
// updating and deleting a policy, and approving or cancelling, are
// planned, not sent; the planned policy reads like one.
func TestApprovalWritesInADryRunSendNothing(t *testing.T) {
	dry := plan.NewDryRun(nil)
	f, _ := changeFixture(t, dry)
	grp, _ := f.sim.GroupByName("prod-web")
	v := f.mustRun(t, fmt.Sprintf(`
p = compute.approvals.policies.create("prod-web CAB", "Reset", "cab@example.com", "%s")
compute.approvals.policies.update(p, description = "x")
compute.approvals.requests.approve("2f0c3b9e-7a1d-4e2b-9c8f-31d4a6b2e7c0", remarks = "ok")
compute.approvals.requests.cancel("2f0c3b9e-7a1d-4e2b-9c8f-31d4a6b2e7c0")
compute.approvals.policies.delete(p)
result = p`, grp.ID()))
	if field(t, v, "type") != glapi.TypeApprovalPolicy || field(t, v, "state") != "ACTIVE" || field(t, v, "name") != "prod-web CAB" {
		t.Errorf("planned policy: %v", v)
	}
	for _, r := range f.sim.Requests() {
		if r.Method != http.MethodGet && r.Path != "/as/token.oauth2" {
			t.Errorf("a dry run sent %s %s", r.Method, r.Path)
		}
	}
	if n := len(dry.Mutations()); n != 5 {
		t.Errorf("planned mutations: %d, want 5", n)
	}
}

// TestWaitTimeoutNamesThePendingApproval: a runbook's wait for a job held
// for approval times out naming the request and its progress.
func TestWaitTimeoutNamesThePendingApproval(t *testing.T) {
	req, _ := changeFixture(t, nil)
	grp, _ := req.sim.GroupByName("prod-web")
	_, err := req.run(t, fmt.Sprintf(`
compute.approvals.policies.create("cab", "Reset", "%s", "%s")
job = compute.jobs.create("restart", "%s")
compute.jobs.wait(job, timeout = "10m")`, cabClient.Email, grp.ID(), req.serverID(t, "prod-web-03")))
	wantErr(t, err, "compute.jobs.wait: timed out after 10m0s", ": awaiting approval (request ", ": 0 of 1 approvals)")
}
