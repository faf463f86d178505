package plan_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
	"glrun/plan"
)

// platformClient is newClient with the virtual clock exposed.
func platformClient(t *testing.T, mode glapi.Mode) (*glapi.Client, *sim.Sim, *clock.Virtual) {
	t.Helper()
	vc := clock.NewVirtual(epoch)
	s := sim.New(sim.Options{Clock: vc, TokenClock: vc})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := glapi.New(glapi.Config{
		BaseURL: srv.URL, ClientID: sim.DemoClientID, ClientSecret: glapi.NewSecret(sim.DemoClientSecret),
		Mode: mode, Clock: vc, RetryMax: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, s, vc
}

// onboard adds a shipped server, assigns it to Compute Ops Management and
// subscribes it, as a runbook does: find, write, wait (advancing the
// virtual clock past the operations), find again. It returns the server
// Compute Ops Management lists for it, or nil.
func onboard(t *testing.T, c *glapi.Client, vc *clock.Virtual, serial, part string) glapi.Object {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	waitOps := func(ops []glapi.Operation, get func(context.Context, string) (glapi.Object, error)) {
		t.Helper()
		vc.Advance(15 * time.Second)
		for _, op := range ops {
			o, err := get(ctx, op.ID)
			must(err)
			if o.String("status") != glapi.OpSucceeded {
				t.Fatalf("operation %s: %v", op.ID, o)
			}
		}
	}
	ops, err := c.Devices.Add(ctx, []glapi.DeviceAdd{{Type: glapi.DeviceCompute, SerialNumber: serial, PartNumber: part}}, glapi.WriteOptions{})
	must(err)
	waitOps(ops, c.Devices.Operation)
	d, err := c.Devices.FindBySerial(ctx, serial)
	must(err)
	if d == nil {
		t.Fatalf("device %s not found after adding it", serial)
	}
	app, ok, err := c.ServiceCatalog.Application(ctx, sim.DemoComputeOpsManagement, c.Region())
	must(err)
	if !ok {
		t.Fatal("Compute Ops Management is not provisioned")
	}
	ops, err = c.Devices.Assign(ctx, []string{d.ID()}, app, c.Region(), glapi.WriteOptions{})
	must(err)
	waitOps(ops, c.Devices.Operation)
	sub, err := c.Subscriptions.FindByKey(ctx, sim.DemoSubscriptionKeys[0])
	must(err)
	ops, err = c.Devices.Subscribe(ctx, []string{d.ID()}, sub.ID(), glapi.WriteOptions{})
	must(err)
	waitOps(ops, c.Devices.Operation)
	vc.Advance(6 * time.Minute)
	servers, err := c.Servers.List(ctx, glapi.ListOptions{Filter: "hardware/serialNumber eq '" + serial + "'"})
	must(err)
	if len(servers) != 1 {
		return nil
	}
	return servers[0]
}

// A plan of onboarding carries the platform's verdict on each device
// write, changes nothing, and predicts the server's arrival in Compute Ops
// Management; applying it on the same workspace learns the ids of what
// the plan made (the device, the server) and sends exactly the plan.
func TestPlanOfOnboardingCarriesVerdictsAndApplies(t *testing.T) {
	dr := plan.NewDryRun(clock.NewVirtual(epoch))
	c, s, vc := platformClient(t, dr)
	devicesBefore, auditBefore := len(s.Devices()), len(s.AuditLogs())
	srv := onboard(t, c, vc, sim.DemoShipped[0].Serial, sim.DemoShipped[0].PartNumber)
	if srv == nil || !strings.HasPrefix(srv.ID(), "plan-server-") {
		t.Fatalf("the plan does not predict the server in Compute Ops Management: %v", srv)
	}
	if len(s.Devices()) != devicesBefore || len(s.AuditLogs()) != auditBefore {
		t.Errorf("the plan changed the workspace")
	}
	muts := dr.Mutations()
	if len(muts) != 3 {
		t.Fatalf("want 3 changes (add, assign, subscribe), got %d: %+v", len(muts), muts)
	}
	for i, m := range muts {
		if m.Verdict == nil {
			t.Errorf("change #%d (%s) has no verdict", i+1, m.Description)
		}
	}
	if v := muts[0].Verdict; v.Outcome != plan.VerdictAccepted || v.Status != 202 {
		t.Errorf("add: verdict %+v, want accepted 202", v)
	}
	// The assignment and subscription name the planned device: the API
	// cannot check them.
	if v := muts[1].Verdict; v.Outcome != plan.VerdictUnchecked || !strings.Contains(v.Message, "plan-device-0001") {
		t.Errorf("assign: verdict %+v, want unchecked naming plan-device-0001", v)
	}
	if len(muts[0].Makes) != 1 || muts[0].Makes[0].Value != sim.DemoShipped[0].Serial {
		t.Errorf("add: makes %+v, want the device", muts[0].Makes)
	}
	if len(muts[2].Makes) != 1 || muts[2].Makes[0].Collection != glapi.CollectionServers {
		t.Errorf("subscribe: makes %+v, want the server", muts[2].Makes)
	}
	for _, want := range []string{"add compute " + sim.DemoShipped[0].Serial, "assign device " + sim.DemoShipped[0].Serial + " to Compute Ops Management in us-west",
		"subscribe device " + sim.DemoShipped[0].Serial + " with " + sim.DemoSubscriptionKeys[0]} {
		found := false
		for _, m := range muts {
			found = found || strings.HasPrefix(m.Description, want)
		}
		if !found {
			t.Errorf("no change described as %q", want)
		}
	}

	p := &plan.Plan{Format: plan.FormatVersion, Mutations: muts}
	ap := plan.NewApply(p)
	ap.Arm()
	c2, s2, vc2 := platformClient(t, ap)
	real := onboard(t, c2, vc2, sim.DemoShipped[0].Serial, sim.DemoShipped[0].PartNumber)
	if err := ap.Finish(); err != nil {
		t.Fatalf("apply: %v", err)
	}
	if real == nil {
		t.Fatal("after the apply, Compute Ops Management does not list the server")
	}
	ids := ap.IDs()
	if ids["plan-device-0001"] == "" || ids[muts[2].Makes[0].ID] != real.ID() {
		t.Errorf("apply learned %v; want the device's and the server's (%s) real ids", ids, real.ID())
	}
	if len(s2.Devices()) != devicesBefore+1 {
		t.Errorf("after the apply: %d devices, want %d", len(s2.Devices()), devicesBefore+1)
	}
}

// A device write the platform refuses fails the plan with the API's
// message, which names the field; nothing is changed.
func TestPlanRefusedByThePlatform(t *testing.T) {
	dr := plan.NewDryRun(clock.NewVirtual(epoch))
	c, s, _ := platformClient(t, dr)
	ctx := context.Background()
	d, err := c.Devices.FindBySerial(ctx, sim.DemoUnassigned[0].Serial)
	if err != nil || d == nil {
		t.Fatalf("find: %v %v", d, err)
	}
	auditBefore := len(s.AuditLogs())
	_, err = c.Devices.Assign(ctx, []string{d.ID()}, "00000000-0000-4000-8000-000000000000", "us-west", glapi.WriteOptions{})
	var apiErr *glapi.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || !strings.Contains(err.Error(), "not provisioned") {
		t.Fatalf("assign to an unknown application: %v, want the API's 400", err)
	}
	muts := dr.Mutations()
	if len(muts) != 1 || muts[0].Verdict == nil || muts[0].Verdict.Outcome != plan.VerdictRefused ||
		!strings.Contains(muts[0].Verdict.Message, "application") {
		t.Fatalf("want one refused change naming the field application, got %+v", muts)
	}
	if len(s.AuditLogs()) != auditBefore {
		t.Error("the refused change was made")
	}
}

// A plan without verdicts parses; a verdict survives the file and shows in
// the rendering.
func TestVerdictInPlanFile(t *testing.T) {
	old := `{"format": 2, "glrun": "dev", "created": "2026-01-01T00:00:00Z",
"runbook": {"path": "r.star", "sha256": "x", "files": [{"name": "r.star", "sha256": "` + strings.Repeat("a", 64) + `"}]},
"params": {}, "target": {"kind": "simulator"},
"mutations": [{"seq": 1, "action": "create", "method": "POST", "path": "/devices/v1/devices", "body": {"compute": [{"serialNumber": "CZ2401ONB1", "partNumber": ""}]}, "description": "add compute CZ2401ONB1 () to the workspace", "collection": "/devices/v1/devices"}]}`
	p, err := plan.Parse([]byte(old))
	if err != nil {
		t.Fatalf("a plan without verdicts: %v", err)
	}
	p.Mutations[0].Verdict = &plan.Verdict{Outcome: plan.VerdictRefused, Status: 400, Message: "compute[0].partNumber: must not be blank"}
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	p2, err := plan.Parse(b)
	if err != nil || p2.Mutations[0].Verdict == nil || p2.Mutations[0].Verdict.Message != p.Mutations[0].Verdict.Message {
		t.Fatalf("round trip: %v %+v", err, p2)
	}
	var out strings.Builder
	if err := plan.Render(&out, p2, plan.RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "platform: the platform REFUSES it (dry-run answered 400): compute[0].partNumber: must not be blank") {
		t.Errorf("render:\n%s", out.String())
	}
}
