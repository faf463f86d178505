package glapi_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
)

// changeStart is the virtual time of the change-control tests.
var changeStart = simStart

// approver is a second API client of the simulator, named in policies.
var approver = sim.Client{ID: "6a7b0c1d-0000-4000-8000-00000000000a", Secret: "approver-secret-0123456789abcdef", Email: "cab@example.com"}

// changeEnv is a simulator with the approver client, and a client for the
// demo client (the requester) and one for the approver.
type changeEnv struct {
	sim       *sim.Sim
	clk       *clock.Virtual
	requester *glapi.Client
	approver  *glapi.Client
}

func newChangeEnv(t *testing.T) *changeEnv {
	t.Helper()
	env := newSimEnv(t, sim.Options{Clients: []sim.Client{approver}})
	asApprover := env.client(t, func(cfg *glapi.Config) {
		cfg.ClientID, cfg.ClientSecret = approver.ID, glapi.NewSecret(approver.Secret)
	})
	return &changeEnv{sim: env.sim, clk: env.clk, requester: env.c, approver: asApprover}
}

// mutations returns the non-GET requests the simulator has seen.
func (e *changeEnv) mutations() []string {
	var out []string
	for _, r := range e.sim.Requests() {
		if r.Method != http.MethodGet && r.Path != "/as/token.oauth2" {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

func (e *changeEnv) group(t *testing.T, name string) string {
	t.Helper()
	g, ok := e.sim.GroupByName(name)
	if !ok {
		t.Fatalf("no group %s", name)
	}
	return g.ID()
}

func resetPolicy(group string) glapi.ApprovalPolicy {
	return glapi.ApprovalPolicy{
		Name: "prod-web CAB",
		PolicyData: &glapi.PolicyData{
			Approvables: []glapi.Approvable{{ApprovableName: "Reset", Approvers: []glapi.Approver{{Email: approver.Email}}}},
			Resources:   []glapi.PolicyResource{{ResourceID: group, ResourceType: glapi.ResourceGroup}},
		},
	}
}

func TestApprovalPoliciesCRUD(t *testing.T) {
	ctx := context.Background()
	e := newChangeEnv(t)
	p, err := e.requester.ApprovalPolicies.Create(ctx, resetPolicy(e.group(t, "prod-web")))
	if err != nil {
		t.Fatal(err)
	}
	if p.String("type") != glapi.TypeApprovalPolicy || p.String("name") != "prod-web CAB" {
		t.Errorf("created: %v", p)
	}
	got, err := e.requester.ApprovalPolicies.Get(ctx, p.ID())
	if err != nil || got.ID() != p.ID() {
		t.Fatalf("get: %v %v", got, err)
	}
	l, err := e.requester.ApprovalPolicies.List(ctx, glapi.ListOptions{Filter: "name eq 'prod-web CAB'"})
	if err != nil || len(l) != 1 {
		t.Fatalf("list: %v %v", l, err)
	}
	up, err := e.requester.ApprovalPolicies.Update(ctx, p.ID(), glapi.ApprovalPolicy{Description: "needs CAB"})
	if err != nil || up.String("description") != "needs CAB" {
		t.Fatalf("update: %v %v", up, err)
	}
	if err := e.requester.ApprovalPolicies.Delete(ctx, p.ID()); err != nil {
		t.Fatal(err)
	}
	_, err = e.requester.ApprovalPolicies.Get(ctx, p.ID())
	var apiErr *glapi.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		t.Errorf("get deleted: %v", err)
	}
	want := []string{
		"POST " + glapi.CollectionApprovalPolicies,
		"PATCH " + glapi.CollectionApprovalPolicies + "/" + p.ID(),
		"DELETE " + glapi.CollectionApprovalPolicies + "/" + p.ID(),
	}
	if got := e.mutations(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("mutations:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestBadPoliciesAreRefusedBeforeSending(t *testing.T) {
	ctx := context.Background()
	e := newChangeEnv(t)
	grp := e.group(t, "prod-web")
	edit := func(f func(*glapi.ApprovalPolicy)) glapi.ApprovalPolicy {
		p := resetPolicy(grp)
		f(&p)
		return p
	}
	cases := []struct {
		name string
		p    glapi.ApprovalPolicy
		want string
	}{
		{"no name", edit(func(p *glapi.ApprovalPolicy) { p.Name = "" }), "name is required"},
		{"no policyData", edit(func(p *glapi.ApprovalPolicy) { p.PolicyData = nil }), "policyData is required"},
		{"unknown action", edit(func(p *glapi.ApprovalPolicy) { p.PolicyData.Approvables[0].ApprovableName = "Reboot" }),
			`policyData.approvables[0].approvableName: unknown action "Reboot"`},
		{"wrong case", edit(func(p *glapi.ApprovalPolicy) { p.PolicyData.Approvables[0].ApprovableName = "power off" }),
			`did you mean "Power off"?`},
		{"no approvers", edit(func(p *glapi.ApprovalPolicy) { p.PolicyData.Approvables[0].Approvers = nil }),
			"policyData.approvables[0].approvers: at least one approver"},
		{"minimum above approvers", edit(func(p *glapi.ApprovalPolicy) { p.PolicyData.Approvables[0].MinApprovers = 2 }),
			"policyData.approvables[0].minApprovers: want 1 to 1"},
		{"server resource", edit(func(p *glapi.ApprovalPolicy) { p.PolicyData.Resources[0].ResourceType = glapi.ResourceServer }),
			"policyData.resources[0].resourceType"},
		{"unknown group", edit(func(p *glapi.ApprovalPolicy) { p.PolicyData.Resources[0].ResourceID = "no-such-group" }),
			"policyData.resources[0].resourceId: group no-such-group not found"},
	}
	for _, c := range cases {
		_, err := e.requester.ApprovalPolicies.Create(ctx, c.p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
	if got := e.mutations(); len(got) != 0 {
		t.Errorf("bad policies sent %v", got)
	}
}

// TestApprovalRequestLifeCycle: a job on a covered server raises a request;
// the requester cannot approve it; the approver can, and the job runs.
func TestApprovalRequestLifeCycle(t *testing.T) {
	ctx := context.Background()
	e := newChangeEnv(t)
	if _, err := e.requester.ApprovalPolicies.Create(ctx, resetPolicy(e.group(t, "prod-web"))); err != nil {
		t.Fatal(err)
	}
	srv, _ := e.sim.ServerByName("prod-web-01")
	tmpl, _ := glapi.LookupTemplate("restart")
	job, err := e.requester.Jobs.Create(ctx, glapi.JobCreate{JobTemplate: tmpl.ID, ResourceID: srv.ID(), ResourceType: tmpl.ResourceType})
	if err != nil {
		t.Fatal(err)
	}
	if job.String("state") != glapi.JobApprovalPending {
		t.Fatalf("job: %s", job.String("state"))
	}
	req, err := e.requester.ApprovalRequests.ForJob(ctx, job.ID())
	if err != nil || req == nil {
		t.Fatalf("request of the job: %v %v", req, err)
	}
	if got, err := e.requester.ApprovalRequests.Get(ctx, req.ID()); err != nil || got.String("approvalState") != glapi.ApprovalPending {
		t.Fatalf("get: %v %v", got, err)
	}
	pending, err := e.approver.ApprovalRequests.List(ctx, glapi.ListOptions{Filter: "approvalState eq 'PENDING'"})
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending requests: %v %v", pending, err)
	}
	_, err = e.requester.ApprovalRequests.Approve(ctx, req.ID(), "self")
	var apiErr *glapi.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden {
		t.Fatalf("self-approval: %v, want 403", err)
	}
	ans, err := e.approver.ApprovalRequests.Approve(ctx, req.ID(), "CHG0042 approved")
	if err != nil || ans.String("approvalState") != glapi.ApprovalApproved || ans.String("remarks") != "CHG0042 approved" {
		t.Fatalf("approve: %v %v", ans, err)
	}
	e.clk.Advance(time.Hour)
	done, err := e.requester.Jobs.Get(ctx, job.ID())
	if err != nil || done.String("state") != glapi.JobComplete {
		t.Fatalf("approved job: %v %v", done["state"], err)
	}
}

func TestDeclineAndCancelRequests(t *testing.T) {
	ctx := context.Background()
	e := newChangeEnv(t)
	if _, err := e.requester.ApprovalPolicies.Create(ctx, resetPolicy(e.group(t, "prod-web"))); err != nil {
		t.Fatal(err)
	}
	tmpl, _ := glapi.LookupTemplate("restart")
	newJob := func(server string) glapi.Object {
		srv, _ := e.sim.ServerByName(server)
		j, err := e.requester.Jobs.Create(ctx, glapi.JobCreate{JobTemplate: tmpl.ID, ResourceID: srv.ID(), ResourceType: tmpl.ResourceType})
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	j1, j2 := newJob("prod-web-01"), newJob("prod-web-02")
	r1, _ := e.requester.ApprovalRequests.ForJob(ctx, j1.ID())
	r2, _ := e.requester.ApprovalRequests.ForJob(ctx, j2.ID())
	if _, err := e.approver.ApprovalRequests.Decline(ctx, r1.ID(), "freeze until Monday"); err != nil {
		t.Fatal(err)
	}
	got, _ := e.requester.Jobs.Get(ctx, j1.ID())
	if got.String("state") != glapi.JobError || got.String("resultCode") != glapi.ResultDeclined {
		t.Errorf("declined job: %s/%s", got.String("state"), got.String("resultCode"))
	}
	if _, err := e.approver.ApprovalRequests.Cancel(ctx, r2.ID(), ""); err == nil {
		t.Errorf("cancel by the approver: want 403")
	}
	c, err := e.requester.ApprovalRequests.Cancel(ctx, r2.ID(), "not needed")
	if err != nil || c.String("approvalState") != glapi.ApprovalCancelled {
		t.Fatalf("cancel: %v %v", c, err)
	}
	for _, r := range e.sim.Requests() {
		if r.Method == http.MethodPatch && r.Path == glapi.CollectionApprovalRequests+"/"+r2.ID() && r.Status == http.StatusOK {
			return
		}
	}
	t.Errorf("no successful PATCH %s/%s in the request log", glapi.CollectionApprovalRequests, r2.ID())
}
