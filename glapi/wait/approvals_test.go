package wait_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
	"glrun/glapi/wait"
)

var cab = sim.Client{ID: "7c1d2e3f-0000-4000-8000-0000000000cb", Secret: "cab-secret-0123456789abcdef0123", Email: "cab@example.com"}

// approvalSetup is a simulator whose group prod-web needs cab's approval to
// reset a server, a restart job on prod-web-01 waiting for it, and clients
// for the requester and for cab.
func approvalSetup(t *testing.T, expiry time.Duration) (clk *clock.Virtual, requester, approver *glapi.Client, job glapi.Object) {
	t.Helper()
	ctx := context.Background()
	clk = clock.NewVirtual(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	s := sim.New(sim.Options{Clock: clk, Clients: []sim.Client{cab}, ApprovalExpiry: expiry})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	mk := func(id, secret string) *glapi.Client {
		c, err := glapi.New(glapi.Config{BaseURL: srv.URL, ClientID: id, ClientSecret: glapi.NewSecret(secret), Clock: clk})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	requester, approver = mk(sim.DemoClientID, sim.DemoClientSecret), mk(cab.ID, cab.Secret)
	grp, _ := s.GroupByName("prod-web")
	_, err := requester.ApprovalPolicies.Create(ctx, glapi.ApprovalPolicy{Name: "cab", PolicyData: &glapi.PolicyData{
		Approvables: []glapi.Approvable{{ApprovableName: "Reset", Approvers: []glapi.Approver{{Email: cab.Email}}}},
		Resources:   []glapi.PolicyResource{{ResourceID: grp.ID(), ResourceType: glapi.ResourceGroup}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	srvObj, _ := s.ServerByName("prod-web-01")
	tmpl, _ := glapi.LookupTemplate("restart")
	job, err = requester.Jobs.Create(ctx, glapi.JobCreate{JobTemplate: tmpl.ID, ResourceID: srvObj.ID(), ResourceType: tmpl.ResourceType})
	if err != nil {
		t.Fatal(err)
	}
	return clk, requester, approver, job
}

// showFunc is a Reporter that calls a function on every poll.
type showFunc func(items []glapi.Object)

func (f showFunc) Show(items []glapi.Object, _ time.Time) { f(items) }
func (showFunc) Close()                                   {}

func TestWaitShowsTheApprovalAndGoesOnOnceApproved(t *testing.T) {
	ctx := context.Background()
	clk, requester, approver, job := approvalSetup(t, 0)
	kind := wait.JobsWithApprovals(requester.Jobs, requester.ApprovalRequests, false)
	var states []string
	report := func(k wait.Kind, _ time.Time) wait.Reporter {
		return showFunc(func(items []glapi.Object) {
			st := k.State(items[0])
			states = append(states, st)
			if len(states) == 2 {
				req, err := approver.ApprovalRequests.ForJob(ctx, items[0].ID())
				if err != nil || req == nil {
					t.Errorf("request: %v %v", req, err)
					return
				}
				if _, err := approver.ApprovalRequests.Approve(ctx, req.ID(), "ok"); err != nil {
					t.Errorf("approve: %v", err)
				}
			}
		})
	}
	done, err := wait.For(ctx, kind, []glapi.Object{job},
		wait.Options{What: "test", Timeout: time.Hour, Poll: 5 * time.Second, Clock: clk, Report: report})
	if err != nil {
		t.Fatal(err)
	}
	if err := kind.Failure(done[0]); err != nil {
		t.Errorf("approved job failed: %v", err)
	}
	if !strings.HasPrefix(states[0], "awaiting approval (request ") || !strings.HasSuffix(states[0], ": 0 of 1 approvals)") {
		t.Errorf("state while waiting: %q", states[0])
	}
	if last := states[len(states)-1]; last != "COMPLETE/SUCCESS" {
		t.Errorf("last state: %q", last)
	}
}

func TestWaitForADeclinedJobSaysWhoDeclinedAndWhy(t *testing.T) {
	ctx := context.Background()
	clk, requester, approver, job := approvalSetup(t, 0)
	req, _ := approver.ApprovalRequests.ForJob(ctx, job.ID())
	if _, err := approver.ApprovalRequests.Decline(ctx, req.ID(), "change freeze until Monday"); err != nil {
		t.Fatal(err)
	}
	kind := wait.JobsWithApprovals(requester.Jobs, requester.ApprovalRequests, true)
	done, err := wait.For(ctx, kind, []glapi.Object{job}, wait.Options{What: "test", Timeout: time.Hour, Poll: 5 * time.Second, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	ferr := kind.Failure(done[0])
	var jf *wait.JobFailedError
	if !errors.As(ferr, &jf) || jf.ResultCode != glapi.ResultDeclined {
		t.Fatalf("failure: %v", ferr)
	}
	for _, want := range []string{"was DECLINED (not run)", "approval request " + req.ID() + " was DECLINED by cab@example.com", `"change freeze until Monday"`} {
		if !strings.Contains(ferr.Error(), want) {
			t.Errorf("failure %q lacks %q", ferr, want)
		}
	}
}

func TestWaitForAnExpiredRequestSaysSo(t *testing.T) {
	ctx := context.Background()
	clk, requester, _, job := approvalSetup(t, 30*time.Minute)
	kind := wait.JobsWithApprovals(requester.Jobs, requester.ApprovalRequests, false)
	done, err := wait.For(ctx, kind, []glapi.Object{job}, wait.Options{What: "test", Timeout: time.Hour, Poll: 5 * time.Second, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	ferr := kind.Failure(done[0])
	if ferr == nil || !strings.Contains(ferr.Error(), "EXPIRED before it was approved (0 of 1 approvals)") {
		t.Errorf("failure: %v", ferr)
	}
}

func TestWaitForACancelledRequestSaysSo(t *testing.T) {
	ctx := context.Background()
	clk, requester, _, job := approvalSetup(t, 0)
	req, _ := requester.ApprovalRequests.ForJob(ctx, job.ID())
	if _, err := requester.ApprovalRequests.Cancel(ctx, req.ID(), "wrong server"); err != nil {
		t.Fatal(err)
	}
	kind := wait.JobsWithApprovals(requester.Jobs, requester.ApprovalRequests, false)
	// A job seen APPROVAL_PENDING first, then ERROR.
	done, err := wait.For(ctx, kind, []glapi.Object{job}, wait.Options{What: "test", Timeout: time.Hour, Poll: 5 * time.Second, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	ferr := kind.Failure(done[0])
	if ferr == nil || !strings.Contains(ferr.Error(), `was CANCELLED by automation@example.com: "wrong server"`) {
		t.Errorf("failure: %v", ferr)
	}
}

func TestWaitTimeoutNamesThePendingRequest(t *testing.T) {
	ctx := context.Background()
	clk, requester, _, job := approvalSetup(t, 0)
	kind := wait.JobsWithApprovals(requester.Jobs, requester.ApprovalRequests, true)
	_, err := wait.For(ctx, kind, []glapi.Object{job}, wait.Options{What: "compute.jobs.wait", Timeout: 10 * time.Minute, Poll: 5 * time.Second, Clock: clk})
	var te *wait.TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a timeout", err)
	}
	req, _ := requester.ApprovalRequests.ForJob(ctx, job.ID())
	if want := "awaiting approval (request " + req.ID() + ": 0 of 1 approvals)"; !strings.Contains(err.Error(), want) {
		t.Errorf("timeout %q lacks %q", err, want)
	}
}

// forbidRequests answers 403 to reads of approval requests, counting them.
type forbidRequests struct{ n *int }

func (f forbidRequests) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	if strings.HasPrefix(req.URL.Path, glapi.CollectionApprovalRequests) {
		*f.n++
		body := `{"httpStatusCode":403,"errorCode":"HPE-GL-COMPUTE_OPS-0403001","message":"Forbidden","debugId":"d"}`
		return &http.Response{StatusCode: http.StatusForbidden, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
	}
	return next.RoundTrip(req)
}

// TestWaitGoesOnWhenApprovalsCannotBeRead: a client that may not read
// approval requests still waits; the state is the job's own, and the
// lookup is not tried again after the 403.
func TestWaitGoesOnWhenApprovalsCannotBeRead(t *testing.T) {
	ctx := context.Background()
	clk, requester, _, job := approvalSetup(t, 0)
	srvURL := requester.BaseURLs().Compute
	n := 0
	c, err := glapi.New(glapi.Config{BaseURL: srvURL, ClientID: sim.DemoClientID, ClientSecret: glapi.NewSecret(sim.DemoClientSecret),
		Clock: clk, Mode: forbidRequests{&n}})
	if err != nil {
		t.Fatal(err)
	}
	kind := wait.JobsWithApprovals(c.Jobs, c.ApprovalRequests, false)
	_, err = wait.For(ctx, kind, []glapi.Object{job}, wait.Options{What: "w", Timeout: 5 * time.Minute, Poll: 5 * time.Second, Clock: clk})
	var te *wait.TimeoutError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "APPROVAL_PENDING (awaiting approval in GreenLake)") {
		t.Fatalf("err = %v, want a timeout with the plain state", err)
	}
	if n != 1 {
		t.Errorf("approval lookups after a 403: %d, want 1", n)
	}
}
