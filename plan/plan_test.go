package plan_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
	"glrun/plan"
)

var epoch = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// newClient returns a client for a fresh simulator whose requests go
// through mode.
func newClient(t *testing.T, mode glapi.Mode) (*glapi.Client, *sim.Sim) {
	t.Helper()
	c, s, _ := platformClient(t, mode)
	return c, s
}

// mutationsSent counts the changes the simulator received.
func mutationsSent(s *sim.Sim) int {
	n := 0
	for _, e := range s.Requests() {
		if e.Method != "GET" && e.Path != "/as/token.oauth2" {
			n++
		}
	}
	return n
}

// Planned jobs show up in lists exactly once, however the list is paged,
// and the total counts them; a filter selects them like real ones.
func TestDryRunListsPlannedObjectsOncePerList(t *testing.T) {
	ctx := context.Background()
	dr := plan.NewDryRun(clock.NewVirtual(epoch))
	c, s := newClient(t, dr)
	srv := s.Servers()[0]
	var planned []string
	for range 3 {
		j, err := c.Jobs.Create(ctx, glapi.JobCreate{JobTemplate: mustTemplate(t, "restart").ID, ResourceID: srv.ID(), ResourceType: glapi.ResourceServer})
		if err != nil {
			t.Fatal(err)
		}
		planned = append(planned, j.ID())
	}
	if mutationsSent(s) != 0 {
		t.Fatalf("a dry run sent a change")
	}
	real := len(s.Jobs())
	for _, size := range []int{0, 1, 4, 7} {
		all, err := c.Jobs.List(ctx, glapi.ListOptions{PageSize: size})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, j := range all {
			seen[j.ID()]++
		}
		if len(all) != real+3 || len(seen) != real+3 {
			t.Errorf("page size %d: %d jobs (%d distinct), want %d", size, len(all), len(seen), real+3)
		}
		for _, id := range planned {
			if seen[id] != 1 {
				t.Errorf("page size %d: planned job %s listed %d times", size, id, seen[id])
			}
		}
	}
	some, err := c.Jobs.List(ctx, glapi.ListOptions{Filter: "id in ('" + planned[0] + "', '" + planned[2] + "')"})
	if err != nil {
		t.Fatal(err)
	}
	if len(some) != 2 || some[0].String("state") != "COMPLETE" || some[0].String("resultCode") != "SUCCESS" {
		t.Errorf("filtered planned jobs: %v", some)
	}
	if got := len(dr.Mutations()); got != 3 {
		t.Errorf("%d mutations recorded, want 3", got)
	}
}

// A deleted object is hidden from lists and reads as 404.
func TestDryRunHidesDeletedObjects(t *testing.T) {
	ctx := context.Background()
	dr := plan.NewDryRun(nil)
	c, s := newClient(t, dr)
	u, err := c.Users.Find(ctx, "john.smith@example.com")
	if err != nil || u == nil {
		t.Fatalf("find: %v %v", u, err)
	}
	if err := c.Users.Delete(ctx, u.ID()); err != nil {
		t.Fatal(err)
	}
	if again, err := c.Users.Find(ctx, "john.smith@example.com"); err != nil || again != nil {
		t.Errorf("after a planned delete, find = %v, %v; want nothing", again, err)
	}
	var apiErr *glapi.APIError
	if _, err := c.Users.Get(ctx, u.ID()); !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Errorf("GET of a deleted user: %v, want 404", err)
	}
	all, err := c.Users.List(ctx, glapi.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(s.Users())-1 {
		t.Errorf("%d users listed, want %d", len(all), len(s.Users())-1)
	}
	if mutationsSent(s) != 0 {
		t.Errorf("a dry run sent a change")
	}
	m := dr.Mutations()
	if len(m) != 1 || m[0].Action != plan.ActionDelete || !strings.Contains(m[0].Description, "john.smith@example.com") {
		t.Errorf("mutations: %+v", m)
	}
}

// An apply sends nothing at all until its target was checked (Arm).
func TestApplySendsNothingBeforeArm(t *testing.T) {
	p := &plan.Plan{Format: plan.FormatVersion}
	ap := plan.NewApply(p)
	c, s := newClient(t, ap)
	if _, err := c.Servers.List(context.Background(), glapi.ListOptions{}); !errors.Is(err, plan.ErrNotArmed) {
		t.Errorf("before Arm: %v, want ErrNotArmed", err)
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests reached the API before Arm", n)
	}
	ap.Arm()
	if _, err := c.Servers.List(context.Background(), glapi.ListOptions{}); err != nil {
		t.Errorf("after Arm: %v", err)
	}
	// A change in an empty plan is refused, and everything after it too.
	_, err := c.Jobs.Create(context.Background(), glapi.JobCreate{JobTemplate: mustTemplate(t, "restart").ID, ResourceID: s.Servers()[0].ID(), ResourceType: glapi.ResourceServer})
	var drift *plan.DriftError
	if !errors.As(err, &drift) || drift.Want != nil {
		t.Fatalf("a change beyond the plan: %v, want a DriftError", err)
	}
	if _, err := c.Servers.List(context.Background(), glapi.ListOptions{}); !errors.As(err, &drift) {
		t.Errorf("a read after the drift: %v, want the drift", err)
	}
	if mutationsSent(s) != 0 {
		t.Errorf("the unplanned change was sent")
	}
}

// A bad plan file is refused naming the field.
func TestParseNamesTheBadField(t *testing.T) {
	good := `{"format":2,"glrun":"dev","created":"2026-01-02T03:04:05Z",
	  "runbook":{"path":"rb.star","sha256":"` + strings.Repeat("a", 64) + `","files":[{"name":"rb.star","sha256":"` + strings.Repeat("a", 64) + `"}]},
	  "params":{},"target":{"kind":"simulator"},"mutations":[%s]}`
	good0 := strings.Replace(good, "%s", "", 1)
	mut := `{"seq":%d,"action":"create","method":"POST","path":"/x","description":"POST /x","collection":"/x"}`
	tests := []struct {
		name, text, want string
	}{
		{"not JSON", "plan", "not a glrun plan"},
		{"unknown field", `{"format":2,"extra":true}`, `unknown field "extra"`},
		{"other format", strings.Replace(good0, `"format":2`, `"format":7`, 1), "field format: want 2, got 7"},
		{"older format", strings.Replace(good0, `"format":2`, `"format":1`, 1), "made by an older glrun"},
		{"no files", strings.Replace(good0, `"files":[{"name":"rb.star","sha256":"`+strings.Repeat("a", 64)+`"}]`, `"files":[]`, 1), "field runbook.files"},
		{"bad kind", strings.Replace(good0, `"simulator"`, `"mars"`, 1), "field target.kind"},
		{"seq out of order", strings.Replace(good, "%s", strings.Replace(mut, "%d", "2", 1), 1), "field mutations[0].seq: want 1, got 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := plan.Parse([]byte(tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one with %q", err, tt.want)
			}
		})
	}
	if _, err := plan.Parse([]byte(strings.Replace(good, "%s", strings.Replace(mut, "%d", "1", 1), 1))); err != nil {
		t.Errorf("a good plan: %v", err)
	}
}

// The checks an apply makes before sending anything name what differs.
func TestChecksNameWhatDiffers(t *testing.T) {
	p := &plan.Plan{
		Params:  map[string]string{"group": "lab"},
		Target:  plan.Target{Kind: plan.KindGreenLake, Region: "eu-central", Compute: "https://eu-central.api.greenlake.hpe.com"},
		Runbook: plan.Runbook{Files: []plan.File{{Name: "a.star", SHA256: "1111"}, {Name: "lib/b.star", SHA256: "2222"}}},
	}
	if err := p.CheckParams(map[string]string{"group": "lab"}); err != nil {
		t.Errorf("same params: %v", err)
	}
	for _, tt := range []struct {
		err  error
		want []string
	}{
		{p.CheckParams(map[string]string{"group": "prod"}), []string{"parameters differ", "lab", "prod"}},
		{p.CheckTarget(plan.Target{Kind: plan.KindGreenLake, Region: "us-west", Compute: "https://us-west.api.greenlake.hpe.com"}), []string{"target differ", "eu-central", "us-west"}},
		{p.CheckFiles([]plan.File{{Name: "a.star", SHA256: "1111"}, {Name: "lib/b.star", SHA256: "3333"}, {Name: "lib/c.star", SHA256: "4444"}}),
			[]string{"lib/b.star: changed", "lib/c.star: newly loaded", "nothing was sent"}},
		{p.CheckFiles([]plan.File{{Name: "a.star", SHA256: "1111"}}), []string{"lib/b.star: no longer loaded"}},
	} {
		var re *plan.RefusedError
		if !errors.As(tt.err, &re) {
			t.Errorf("got %v, want a RefusedError", tt.err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(tt.err.Error(), w) {
				t.Errorf("error lacks %q:\n%v", w, tt.err)
			}
		}
	}
}

// Render marks creates +, updates ~ and deletes -, coloured only when
// asked (a terminal).
func TestRenderMarksAndColours(t *testing.T) {
	p := &plan.Plan{
		Glrun: "test", Created: epoch, Target: plan.Target{Kind: plan.KindSimulator},
		Runbook: plan.Runbook{Path: "rb.star", SHA256: strings.Repeat("b", 64), Files: []plan.File{{Name: "rb.star"}}},
		Mutations: []plan.Mutation{
			{Seq: 1, Action: plan.ActionCreate, Method: "POST", Path: "/identity/v1/users", Description: "invite user a@example.com", Collection: "/identity/v1/users", Creates: "plan-user-0001"},
			{Seq: 2, Action: plan.ActionUpdate, Method: "PUT", Path: "/identity/v1/users/plan-user-0001", Description: "update the preferences of user plan-user-0001: language=de", Collection: "/identity/v1/users", Pending: []string{"plan-user-0001"}},
			{Seq: 3, Action: plan.ActionDelete, Method: "DELETE", Path: "/workspaces/v1/credentials/c1", Description: "delete API credential c1", Collection: "/workspaces/v1/credentials"},
		},
	}
	var plain, colour bytes.Buffer
	if err := plan.Render(&plain, p, plan.RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := plan.Render(&colour, p, plan.RenderOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"+ #1   invite user a@example.com", "~ #2   update the preferences", "- #3   delete API credential c1",
		"known after apply", "Plan: 1 to create, 1 to update, 1 to delete.", "not in a git repository"} {
		if !strings.Contains(plain.String(), w) {
			t.Errorf("plain rendering lacks %q:\n%s", w, plain.String())
		}
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Errorf("plain rendering has colour escapes")
	}
	for _, w := range []string{"\x1b[32m+\x1b[0m", "\x1b[33m~\x1b[0m", "\x1b[31m-\x1b[0m"} {
		if !strings.Contains(colour.String(), w) {
			t.Errorf("coloured rendering lacks %q", w)
		}
	}
}

func mustTemplate(t *testing.T, alias string) glapi.JobTemplate {
	t.Helper()
	tmpl, err := glapi.LookupTemplate(alias)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// lostGateway answers the first job creation 502 without sending it, as a
// gateway that could not reach the API would.
type lostGateway struct {
	next http.RoundTripper
	done bool
}

func (g *lostGateway) RoundTrip(req *http.Request) (*http.Response, error) {
	if !g.done && req.Method == http.MethodPost && req.URL.Path == glapi.CollectionJobs {
		g.done = true
		return &http.Response{StatusCode: http.StatusBadGateway, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
	}
	return g.next.RoundTrip(req)
}

// A planned job creation whose outcome was unknown, checked and found not
// to have taken effect, is sent once more by glapi: the apply takes it as
// the same planned change, not as drift.
func TestApplyAllowsTheResendOfAnUnknownOutcome(t *testing.T) {
	ctx := context.Background()
	runbook := func(c *glapi.Client, server string) error {
		if _, err := c.Jobs.CreateChecked(ctx, glapi.JobCreate{JobTemplate: mustTemplate(t, "restart").ID, ResourceID: server, ResourceType: glapi.ResourceServer}); err != nil {
			return err
		}
		_, err := c.Users.InviteChecked(ctx, "new.operator@example.com", false)
		return err
	}
	dry := plan.NewDryRun(clock.NewVirtual(epoch))
	c, s := newClient(t, dry)
	server := s.Servers()[0].ID()
	if err := runbook(c, server); err != nil {
		t.Fatal(err)
	}
	p := &plan.Plan{Format: plan.FormatVersion, Mutations: dry.Mutations()}

	ap := plan.NewApply(p)
	ap.Arm()
	vc := clock.NewVirtual(epoch)
	s = sim.New(sim.Options{Clock: vc, TokenClock: vc})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := glapi.New(glapi.Config{
		BaseURL: srv.URL, ClientID: sim.DemoClientID, ClientSecret: glapi.NewSecret(sim.DemoClientSecret),
		Mode: ap, Clock: vc, RetryMax: -1, Transport: &lostGateway{next: http.DefaultTransport},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := runbook(c, server); err != nil {
		t.Fatalf("apply: %v", err)
	}
	if err := ap.Finish(); err != nil {
		t.Fatalf("finish: %v", err)
	}
	if n := mutationsSent(s); n != 2 {
		t.Errorf("%d changes reached the API, want 2 (the job once, the invitation)", n)
	}
}
