package plan_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
	"glrun/plan"
)

// A planned schedule creation reads like a schedule, and applying the plan
// twice creates it once: the apply sends an Idempotency-Key derived from
// the plan and the change.
func TestAppliedScheduleCreationIsIdempotentPerPlan(t *testing.T) {
	ctx := context.Background()
	dr := plan.NewDryRun(clock.NewVirtual(epoch))
	c, s := newClient(t, dr)
	tmpl := mustTemplate(t, "restart")
	sc := glapi.ScheduleCreate{
		Name:      "restart",
		Schedule:  glapi.ScheduleWhen{StartAt: epoch.Add(time.Hour), Interval: "P7D"},
		Operation: glapi.JobOperation(glapi.JobCreate{JobTemplate: tmpl.ID, ResourceID: s.Servers()[0].ID(), ResourceType: glapi.ResourceServer}),
	}
	planned, err := c.Schedules.Create(ctx, sc, glapi.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if planned.String("type") != glapi.TypeSchedule || planned.String("nextStartAt") == "" ||
		!strings.HasPrefix(planned.String("resourceUri"), glapi.CollectionSchedules+"/") {
		t.Errorf("planned schedule: %v", planned)
	}
	if mutationsSent(s) != 0 {
		t.Fatalf("a dry run sent a change")
	}
	p := &plan.Plan{Format: plan.FormatVersion, Created: epoch, Runbook: plan.Runbook{SHA256: strings.Repeat("b", 64)},
		Mutations: dr.Mutations()}

	// The same plan applied twice, against one workspace.
	ap := plan.NewApply(p)
	ap.Arm()
	c1, s1 := newClient(t, ap)
	first, err := c1.Schedules.Create(ctx, sc, glapi.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	again := plan.NewApply(p)
	again.Arm()
	c2 := clientOf(t, s1, again)
	second, err := c2.Schedules.Create(ctx, sc, glapi.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if first.ID() != second.ID() {
		t.Errorf("applying the plan twice made two schedules: %s, %s", first.ID(), second.ID())
	}
	if l, _ := c1.Schedules.List(ctx, glapi.ListOptions{}); len(l) != 1 {
		t.Errorf("schedules after two applies: %d, want 1", len(l))
	}
}

// clientOf returns a client of the running simulator s whose requests go
// through mode.
func clientOf(t *testing.T, s *sim.Sim, mode glapi.Mode) *glapi.Client {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := glapi.New(glapi.Config{
		BaseURL: srv.URL, ClientID: sim.DemoClientID, ClientSecret: glapi.NewSecret(sim.DemoClientSecret),
		Mode: mode, Clock: clock.NewVirtual(epoch), RetryMax: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Change-control mutations are described for people in a plan.
func TestChangeControlMutationsAreDescribed(t *testing.T) {
	ctx := context.Background()
	dr := plan.NewDryRun(clock.NewVirtual(epoch))
	c, s := newClient(t, dr)
	grp, _ := s.GroupByName("prod-web")
	if _, err := c.Groups.Get(ctx, grp.ID()); err != nil { // seen, so named
		t.Fatal(err)
	}
	tmpl := mustTemplate(t, "restart")
	srv := s.Servers()[0]
	if _, err := c.Servers.Get(ctx, srv.ID()); err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error {
			_, err := c.ApprovalPolicies.Create(ctx, glapi.ApprovalPolicy{Name: "cab", PolicyData: &glapi.PolicyData{
				Approvables: []glapi.Approvable{{ApprovableName: "Reset", Approvers: []glapi.Approver{{Email: "cab@example.com"}}}},
				Resources:   []glapi.PolicyResource{{ResourceID: grp.ID(), ResourceType: glapi.ResourceGroup}},
			}})
			return err
		},
		func() error { _, err := c.ApprovalRequests.Approve(ctx, "r1", "CHG1"); return err },
		func() error { _, err := c.ApprovalRequests.Decline(ctx, "r2", "freeze"); return err },
		func() error { _, err := c.ApprovalRequests.Cancel(ctx, "r3", ""); return err },
		func() error {
			_, err := c.Schedules.Create(ctx, glapi.ScheduleCreate{Name: "weekly",
				Schedule:  glapi.ScheduleWhen{StartAt: epoch.Add(time.Hour), Interval: "P7D"},
				Operation: glapi.JobOperation(glapi.JobCreate{JobTemplate: tmpl.ID, ResourceID: srv.ID(), ResourceType: glapi.ResourceServer}),
			}, glapi.CreateOptions{})
			return err
		},
		func() error { return c.Schedules.Delete(ctx, "s1") },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	want := []string{
		"create approval policy 'cab': Reset needs 1 of cab@example.com on group prod-web",
		`approve approval request r1: "CHG1"`,
		`decline approval request r2 (its job ends in ERROR): "freeze"`,
		"cancel approval request r3 (its job does not run)",
		"schedule 'weekly': restart server " + srv.String("name"),
		"delete schedule s1 (its future runs do not happen)",
	}
	m := dr.Mutations()
	if len(m) != len(want) {
		t.Fatalf("mutations: %d, want %d", len(m), len(want))
	}
	for i, w := range want {
		if !strings.Contains(m[i].Description, w) {
			t.Errorf("mutation %d: %q lacks %q", i+1, m[i].Description, w)
		}
	}
	if !strings.Contains(m[4].Description, "then every P7D") {
		t.Errorf("schedule description: %q", m[4].Description)
	}
}

// A dry run answers change-control updates and decisions plausibly: the
// object as seen with the change, the decision as sent.
func TestDryRunAnswersChangeControlUpdates(t *testing.T) {
	ctx := context.Background()
	dr := plan.NewDryRun(clock.NewVirtual(epoch))
	c, s := newClient(t, dr)
	grp, _ := s.GroupByName("prod-web")
	p, err := c.ApprovalPolicies.Create(ctx, glapi.ApprovalPolicy{Name: "cab", PolicyData: &glapi.PolicyData{
		Approvables: []glapi.Approvable{{ApprovableName: "Reset", Approvers: []glapi.Approver{{Email: "cab@example.com"}}}},
		Resources:   []glapi.PolicyResource{{ResourceID: grp.ID(), ResourceType: glapi.ResourceGroup}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	up, err := c.ApprovalPolicies.Update(ctx, p.ID(), glapi.ApprovalPolicy{Description: "CAB"})
	if err != nil || up.ID() != p.ID() || up.String("description") != "CAB" || up.String("name") != "cab" {
		t.Errorf("planned update: %v %v", up, err)
	}
	ans, err := c.ApprovalRequests.Decline(ctx, "r1", "freeze")
	if err != nil || ans.String("approvalState") != glapi.ApprovalDeclined || ans.String("remarks") != "freeze" {
		t.Errorf("planned decline: %v %v", ans, err)
	}
	if mutationsSent(s) != 0 {
		t.Errorf("a dry run sent a change")
	}
}
