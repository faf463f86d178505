package glapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"glrun/glapi"
	"glrun/glapi/sim"
)

// groupID returns the id of the demo group named name.
func groupID(t *testing.T, e *simEnv, name string) string {
	t.Helper()
	gs, err := e.c.Groups.List(context.Background(), glapi.ListOptions{Filter: "name eq '" + name + "'"})
	if err != nil || len(gs) != 1 {
		t.Fatalf("group %s: %v %v", name, gs, err)
	}
	return gs[0].ID()
}

// A server added to a group (POST /groups/{id}/devices, an async
// operation) is listed among its devices; adding it again changes nothing;
// a server of another group is not moved (the operation fails, as a move
// needs the device's eTag).
func TestGroupsAddDevices(t *testing.T) {
	ctx := context.Background()
	e := newSimEnv(t, sim.Options{})
	lab, web := groupID(t, e, "lab"), groupID(t, e, "prod-web")
	webMembers, err := e.c.Groups.Devices(ctx, web)
	if err != nil || len(webMembers) == 0 {
		t.Fatalf("prod-web devices: %v %v", webMembers, err)
	}
	labBefore, err := e.c.Groups.Devices(ctx, lab)
	if err != nil {
		t.Fatal(err)
	}
	onboarded := onboardOne(t, e)

	tests := []struct {
		name      string
		server    string
		wantState string
		wantLab   int // members of lab after
	}{
		{"a new server joins", onboarded, glapi.OpSucceeded, len(labBefore) + 1},
		{"adding it again changes nothing", onboarded, glapi.OpSucceeded, len(labBefore) + 1},
		{"a server of another group is not moved", webMembers[0].String("deviceId"), glapi.OpFailed, len(labBefore) + 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := e.c.Groups.AddDevices(ctx, lab, []string{tc.server})
			if err != nil {
				t.Fatal(err)
			}
			op, err := e.c.AsyncOps.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if op.String("state") != tc.wantState {
				t.Errorf("operation %v, want state %s", op, tc.wantState)
			}
			members, err := e.c.Groups.Devices(ctx, lab)
			if err != nil {
				t.Fatal(err)
			}
			if len(members) != tc.wantLab {
				t.Errorf("lab has %d devices, want %d", len(members), tc.wantLab)
			}
		})
	}
	_, err = e.c.Groups.AddDevices(ctx, lab, []string{"no-such-server"})
	var apiErr *glapi.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown server: %v, want a 400", err)
	}
	if _, err := e.c.Groups.AddDevices(ctx, lab, nil); err == nil {
		t.Error("no servers: want an error before sending")
	}
}

// onboardOne brings a shipped server into COM and returns its server id.
func onboardOne(t *testing.T, e *simEnv) string {
	t.Helper()
	ctx := context.Background()
	d := sim.DemoShipped[0]
	ops, err := e.c.Devices.Add(ctx, []glapi.DeviceAdd{{Type: glapi.DeviceCompute, SerialNumber: d.Serial, PartNumber: d.PartNumber}}, glapi.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitOp(t, e, e.c.Devices.Operation, ops[0].ID)
	dev, err := e.c.Devices.FindBySerial(ctx, d.Serial)
	if err != nil || dev == nil {
		t.Fatalf("find %s: %v", d.Serial, err)
	}
	app, _, err := e.c.ServiceCatalog.Application(ctx, sim.DemoComputeOpsManagement, e.c.Region())
	if err != nil {
		t.Fatal(err)
	}
	ops, err = e.c.Devices.Assign(ctx, []string{dev.ID()}, app, e.c.Region(), glapi.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitOp(t, e, e.c.Devices.Operation, ops[0].ID)
	sub, err := e.c.Subscriptions.FindByKey(ctx, sim.DemoSubscriptionKeys[0])
	if err != nil {
		t.Fatal(err)
	}
	ops, err = e.c.Devices.Subscribe(ctx, []string{dev.ID()}, sub.ID(), glapi.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitOp(t, e, e.c.Devices.Operation, ops[0].ID)
	e.clk.Advance(6 * time.Minute)
	srvs, err := e.c.Servers.List(ctx, glapi.ListOptions{Filter: "hardware/serialNumber eq '" + d.Serial + "'"})
	if err != nil || len(srvs) != 1 {
		t.Fatalf("the server is not in COM: %v %v", srvs, err)
	}
	return srvs[0].ID()
}

// The client's region is the configured one, else the default.
func TestClientRegion(t *testing.T) {
	for _, tc := range []struct{ region, want string }{{"", glapi.DefaultRegion}, {"eu-central", "eu-central"}} {
		e := newSimEnv(t, sim.Options{}, func(c *glapi.Config) { c.Region = tc.region })
		if got := e.c.Region(); got != tc.want {
			t.Errorf("Region() with %q configured: %q, want %q", tc.region, got, tc.want)
		}
	}
}
