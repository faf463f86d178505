package cli

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/exitcode"
	"glrun/glapi"
	"glrun/glapi/sim"
)

// A firmware update scheduled into a window is planned (its operation and
// window shown), applied exactly, retried under faults, and exists once; a
// second apply of the same plan is refused by the preflight (the runbook now
// finds the schedule and plans nothing); the schedule fires on the
// simulated clock and creates the group's firmware job.
func TestScheduleFirmwarePlannedAppliedOnceAndFired(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	vc := clock.NewVirtual(start)
	s := sim.New(sim.Options{Clock: vc, TokenClock: clock.NewVirtual(start)})
	const at = "2026-11-27T02:00:00Z"
	path, _ := makePlanFile(t, s, "../runbooks/schedule_firmware.star", "group=lab", "at="+at)
	p := readPlan(t, path)
	if len(p.Mutations) != 1 || p.Mutations[0].Path != glapi.CollectionSchedules {
		t.Fatalf("planned %+v, want one schedule creation", p.Mutations)
	}
	show := glrunTool(t, "", "show", path)
	for _, want := range []string{"schedule 'firmware lab to ", "via job template Group Firmware Update", "once at " + at} {
		if !strings.Contains(show.stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, show.stdout)
		}
	}

	// Seed 1 loses an answer to the schedule creation: the client sends it again.
	s.SetFaults(sim.Faults{Rates: map[string]float64{"reset-after": 0.2, "503": 0.1}, Seed: 1})
	a := glrunSim(t, s, "apply", "--sim", path)
	s.SetFaults(sim.Faults{})
	if a.code != 0 {
		t.Fatalf("apply: exit %d\n%s", a.code, a.stderr)
	}
	posts := 0
	for _, e := range a.requests {
		if e.Method == "POST" && e.Path == glapi.CollectionSchedules {
			posts++
		}
	}
	if posts < 2 {
		t.Errorf("the schedule creation was sent %d time(s); the faults should have made the client retry it", posts)
	}

	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c := apiClient(t, srv.URL, sim.DemoClientID, sim.DemoClientSecret)
	ctx := context.Background()
	schedules := func() []glapi.Object {
		t.Helper()
		l, err := c.Schedules.List(ctx, glapi.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	if l := schedules(); len(l) != 1 {
		t.Fatalf("%d schedules after an apply retried under faults, want 1: %v", len(l), l)
	}

	again := glrunSim(t, s, "apply", "--sim", path)
	if again.code != exitcode.Drift || len(again.mutations()) != 0 || !strings.Contains(again.stderr, "apply refused by the preflight") {
		t.Errorf("second apply: exit %d, %d changes sent, want 3 and none:\n%s", again.code, len(again.mutations()), again.stderr)
	}
	if l := schedules(); len(l) != 1 {
		t.Fatalf("%d schedules after a second apply, want 1", len(l))
	}

	lab, _ := s.GroupByName("lab")
	jobsOnLab := func() int {
		n := 0
		for _, j := range s.Jobs() {
			if r, _ := j["resource"].(map[string]any); r["id"] == lab.String("id") && j.String("jobTemplate") == templateID(t, "group_firmware_update") {
				n++
			}
		}
		return n
	}
	if n := jobsOnLab(); n != 0 {
		t.Fatalf("%d firmware jobs on lab before the window", n)
	}
	vc.Advance(48 * time.Hour)
	schedules() // the simulator fires what is due when asked
	if n := jobsOnLab(); n != 1 {
		t.Errorf("%d firmware jobs on lab after the window, want 1 (the schedule fired once)", n)
	}
}

// A schedule's job, held for approval when the schedule runs, is approved by
// 'glrun approve' of the plan that created the schedule (the plan marks it),
// and the approver leaves everything else alone.
func TestScheduledJobUnderPolicyIsApprovedByItsPlan(t *testing.T) {
	t.Parallel()
	now := time.Now().UTC().Truncate(time.Second)
	vc := clock.NewVirtual(now)
	s := sim.New(sim.Options{Clock: vc, TokenClock: clock.NewVirtual(now), Clients: []sim.Client{
		{ID: requesterID, Secret: requesterSecret, Email: requesterEmail},
		{ID: approverID, Secret: approverSecret, Email: approverEmail},
	}})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	admin := apiClient(t, srv.URL, sim.DemoClientID, sim.DemoClientSecret)
	lab, _ := s.GroupByName("lab")
	if _, err := admin.ApprovalPolicies.Create(ctx, glapi.ApprovalPolicy{Name: "lab firmware", PolicyData: &glapi.PolicyData{
		Approvables: []glapi.Approvable{{ApprovableName: "Update firmware", Approvers: []glapi.Approver{{Email: approverEmail}}}},
		Resources:   []glapi.PolicyResource{{ResourceID: lab.String("id"), ResourceType: glapi.ResourceGroup}},
	}}); err != nil {
		t.Fatal(err)
	}
	req := getenvOf(credsEnv(t, requesterID, requesterSecret))
	appr := getenvOf(credsEnv(t, approverID, approverSecret))
	planPath := t.TempDir() + "/fw.plan.json"
	at := now.Add(48 * time.Hour).Format(time.RFC3339)
	if r := glrunEnv(t, nil, req, "plan", "--base-url", srv.URL, "../runbooks/schedule_firmware.star", "group=lab", "at="+at, "--out", planPath); r.code != 0 {
		t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
	}
	show := glrunTool(t, "", "show", planPath)
	if want := "needs approval when the schedule runs: policy lab firmware, 1 of " + approverEmail; !strings.Contains(show.stdout, want) {
		t.Errorf("show lacks %q:\n%s", want, show.stdout)
	}
	if r := glrunEnv(t, nil, req, "apply", "--base-url", srv.URL, planPath); r.code != 0 {
		t.Fatalf("apply: exit %d\n%s", r.code, r.stderr)
	}
	// Nothing to approve before the window; approving does not wait for it.
	if r := glrunEnv(t, nil, appr, "approve", "--base-url", srv.URL, "--wait", "1m", planPath); r.code != 0 || !strings.Contains(r.stdout, "No pending approval request of the plan") {
		t.Errorf("approve before the window: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	vc.Advance(49 * time.Hour)
	if _, err := admin.Schedules.List(ctx, glapi.ListOptions{}); err != nil { // the simulator fires what is due when asked
		t.Fatal(err)
	}
	r := glrunEnv(t, nil, appr, "approve", "--base-url", srv.URL, "-o", "json", planPath)
	if r.code != 0 || !strings.Contains(r.stdout, `"state": "APPROVED"`) {
		t.Fatalf("approve after the window: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var fw glapi.Object
	for _, j := range s.Jobs() {
		if j.String("jobTemplate") == templateID(t, "group_firmware_update") {
			fw = j
		}
	}
	if fw == nil || fw.String("state") == glapi.JobApprovalPending {
		t.Errorf("the scheduled firmware job: %v, want it created and no longer awaiting approval", fw)
	}
}
