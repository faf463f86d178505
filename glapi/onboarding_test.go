package glapi_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"glrun/glapi"
	"glrun/glapi/sim"
)

// waitOp polls a device or subscription operation until it ends, moving
// the clock by its suggested interval, and returns its last state.
func waitOp(t *testing.T, e *simEnv, get func(context.Context, string) (glapi.Object, error), id string) glapi.Object {
	t.Helper()
	for i := 0; i < 100; i++ {
		op, err := get(context.Background(), id)
		if err != nil {
			t.Fatalf("polling %s: %v", id, err)
		}
		if st := op.String("status"); st == glapi.OpSucceeded || st == glapi.OpFailed || st == glapi.OpTimedOut {
			return op
		}
		e.clk.Advance(5 * time.Second)
	}
	t.Fatalf("operation %s never ended", id)
	return nil
}

// TestOnboardAServerEndToEnd walks the onboarding chain: add the shipped
// servers (7, so two requests of at most 5), find the COM application of
// the region and a subscription, assign and subscribe, and see the server
// in COM's servers once the simulator says it connected.
func TestOnboardAServerEndToEnd(t *testing.T) {
	e := newSimEnv(t, sim.Options{})
	ctx := context.Background()
	var adds []glapi.DeviceAdd
	for _, d := range sim.DemoShipped {
		adds = append(adds, glapi.DeviceAdd{Type: glapi.DeviceCompute, SerialNumber: d.Serial, PartNumber: d.PartNumber})
	}
	n := len(e.sim.Requests())
	ops, err := e.c.Devices.Add(ctx, adds, glapi.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if posts := e.requests(n); len(posts) != 2 || len(ops) != 2 {
		t.Fatalf("adding 7 devices sent %q and returned %d operations, want 2 POSTs", posts, len(ops))
	}
	for _, op := range ops {
		if op.ID == "" || !strings.HasPrefix(op.Location, glapi.CollectionDeviceOperations+"/") {
			t.Errorf("operation %+v: want an id and a Location under %s", op, glapi.CollectionDeviceOperations)
		}
		if first, _ := e.c.Devices.Operation(ctx, op.ID); first.String("status") != glapi.OpInitialized {
			t.Errorf("a new operation is %q, want INITIALIZED", first.String("status"))
		}
	}
	e.clk.Advance(3 * time.Second)
	if op, _ := e.c.Devices.Operation(ctx, ops[0].ID); op.String("status") != glapi.OpRunning {
		t.Errorf("after 3s the operation is %q, want RUNNING", op.String("status"))
	}
	for _, op := range ops {
		if done := waitOp(t, e, e.c.Devices.Operation, op.ID); done.String("status") != glapi.OpSucceeded || done["result"] != glapi.OpSucceeded {
			t.Errorf("add operation ended %v", done)
		}
	}
	dev, err := e.c.Devices.FindBySerial(ctx, sim.DemoShipped[0].Serial)
	if err != nil || dev == nil {
		t.Fatalf("FindBySerial: %v, %v", dev, err)
	}
	app, ok, err := e.c.ServiceCatalog.Application(ctx, sim.DemoComputeOpsManagement, "us-west")
	if err != nil || !ok || app != e.sim.ComputeOpsManagementID() {
		t.Fatalf("Application: %q %v %v", app, ok, err)
	}
	sub, err := e.c.Subscriptions.FindByKey(ctx, sim.DemoSubscriptionKeys[0])
	if err != nil || sub == nil {
		t.Fatalf("FindByKey: %v %v", sub, err)
	}
	assign, err := e.c.Devices.Assign(ctx, []string{dev.ID()}, app, "us-west", glapi.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitOp(t, e, e.c.Devices.Operation, assign[0].ID)
	subscribe, err := e.c.Devices.Subscribe(ctx, []string{dev.ID()}, sub.ID(), glapi.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitOp(t, e, e.c.Devices.Operation, subscribe[0].ID)
	inCOM := func() int {
		l, err := e.c.Servers.List(ctx, glapi.ListOptions{Filter: "hardware/serialNumber eq '" + sim.DemoShipped[0].Serial + "'"})
		if err != nil {
			t.Fatal(err)
		}
		return len(l)
	}
	if inCOM() != 0 {
		t.Fatal("the server is in COM at once")
	}
	e.clk.Advance(5 * time.Minute)
	if inCOM() != 1 {
		t.Fatal("the server is not in COM 5 minutes after assignment and subscription")
	}
	got, _ := e.c.Devices.Get(ctx, dev.ID())
	if got.String("assignedState") != "ASSIGNED_TO_SERVICE" || got.String("region") != "us-west" {
		t.Errorf("device after onboarding: %v", got)
	}
	logs, err := e.c.Audit.Logs(ctx, glapi.ListOptions{Filter: "category eq 'Device Management'"})
	if err != nil || len(logs) < len(sim.DemoShipped)+1 {
		t.Errorf("audit entries of the device changes: %d, %v", len(logs), err)
	}
	acts, err := e.c.Audit.Activities(ctx, glapi.ListOptions{Filter: "key eq 'SERVER_ASSIGNED'"})
	if err != nil || len(acts) != 1 {
		t.Errorf("COM activities of the new server: %v, %v", acts, err)
	}
}

// TestListsReadEveryPage: each new list, asked one or two items a page,
// returns every item and asks for the pages the API's own way.
func TestListsReadEveryPage(t *testing.T) {
	e := newSimEnv(t, sim.Options{})
	ctx := context.Background()
	for _, name := range []string{"a-team", "b-team"} {
		if _, err := e.c.SCIMGroups.Create(ctx, name, ""); err != nil {
			t.Fatal(err)
		}
	}
	page := glapi.ListOptions{PageSize: 2}
	for _, tc := range []struct {
		what     string
		list     func() ([]glapi.Object, error)
		want     int
		pageWord string // how the second page is asked for
	}{
		{"devices", func() ([]glapi.Object, error) { return e.c.Devices.List(ctx, page) }, len(sim.DemoUnassigned), "offset=2"},
		{"role assignments", func() ([]glapi.Object, error) { return e.c.Authorization.RoleAssignments(ctx, page) }, 4, "offset=2"},
		{"provisions", func() ([]glapi.Object, error) { return e.c.ServiceCatalog.Provisions(ctx, page) }, 3, "offset=2"},
		{"SCIM groups", func() ([]glapi.Object, error) { return e.c.SCIMGroups.List(ctx, page) }, 3, "startIndex=3"},
		{"audit logs", func() ([]glapi.Object, error) { return e.c.Audit.Logs(ctx, page) }, 2, ""},
		{"subscriptions", func() ([]glapi.Object, error) {
			return e.c.Subscriptions.List(ctx, glapi.ListOptions{PageSize: 1})
		}, 2, "offset=1"},
	} {
		n := len(e.sim.Requests())
		got, err := tc.list()
		if err != nil {
			t.Errorf("%s: %v", tc.what, err)
			continue
		}
		if len(got) != tc.want {
			t.Errorf("%s: %d items, want %d", tc.what, len(got), tc.want)
		}
		if tc.pageWord != "" && !strings.Contains(strings.Join(e.requests(n), " "), tc.pageWord) {
			t.Errorf("%s: no request asked %s: %q", tc.what, tc.pageWord, e.requests(n))
		}
	}
}

// TestDevicePatchSplitsAt25 tags 30 devices: two PATCHes of 25 and 5 ids.
func TestDevicePatchSplitsAt25(t *testing.T) {
	e := newSimEnv(t, sim.Options{})
	ids := e.sim.AddDevices(30)
	v := "lab"
	n := len(e.sim.Requests())
	ops, err := e.c.Devices.Tag(context.Background(), ids, map[string]*string{"env": &v}, glapi.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	reqs := e.requests(n)
	if len(reqs) != 2 || len(ops) != 2 {
		t.Fatalf("tagging 30 devices sent %q", reqs)
	}
	for i, want := range []int{25, 5} {
		u, _ := url.Parse(strings.TrimPrefix(reqs[i], "PATCH "))
		if got := len(u.Query()["id"]); got != want || u.Path != glapi.CollectionDevicesUpdate {
			t.Errorf("request %d: %d ids on %s, want %d on %s", i, got, u.Path, want, glapi.CollectionDevicesUpdate)
		}
	}
}

// TestDryRunChangesNothing: every write with DryRun sends dry-run=true,
// starts no operation and changes no device, subscription or audit log.
func TestDryRunChangesNothing(t *testing.T) {
	e := newSimEnv(t, sim.Options{})
	ctx := context.Background()
	dry := glapi.WriteOptions{DryRun: true}
	dev := e.sim.Devices()[0].ID()
	before, audit := e.sim.Devices(), len(e.sim.AuditLogs())
	n := len(e.sim.Requests())
	var all []glapi.Operation
	for _, w := range []func() ([]glapi.Operation, error){
		func() ([]glapi.Operation, error) {
			return e.c.Devices.Add(ctx, []glapi.DeviceAdd{{Type: glapi.DeviceCompute, SerialNumber: sim.DemoShipped[0].Serial, PartNumber: sim.DemoShipped[0].PartNumber}}, dry)
		},
		func() ([]glapi.Operation, error) {
			return e.c.Devices.Assign(ctx, []string{dev}, e.sim.ComputeOpsManagementID(), "us-west", dry)
		},
		func() ([]glapi.Operation, error) { return e.c.Devices.Archive(ctx, []string{dev}, true, dry) },
		func() ([]glapi.Operation, error) {
			return e.c.Subscriptions.Add(ctx, []string{sim.DemoSubscriptionKeys[2]}, dry)
		},
	} {
		ops, err := w()
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ops...)
	}
	for _, op := range all {
		if !op.DryRun || op.ID != "" || op.Location != "" {
			t.Errorf("dry-run operation %+v: want DryRun and no id", op)
		}
	}
	reqs := e.requests(n)
	for _, r := range reqs {
		if !strings.Contains(r, "dry-run=true") {
			t.Errorf("a dry-run write was sent without dry-run=true: %s", r)
		}
	}
	e.clk.Advance(time.Hour)
	after := e.sim.Devices()
	if len(after) != len(before) || after[0].String("assignedState") != "UNASSIGNED" || after[0]["archived"] != false {
		t.Errorf("dry runs changed the devices: %v", after)
	}
	if got, _ := e.c.Subscriptions.FindByKey(ctx, sim.DemoSubscriptionKeys[2]); got != nil {
		t.Error("a dry run added a subscription key")
	}
	if len(e.sim.AuditLogs()) != audit {
		t.Error("dry runs wrote audit entries")
	}
}

// TestPlatform429IsHonoured: a simulator with lower limits than the
// client's answers 429; the client waits out the hint (the devices' reset
// time, the authorization seconds, or its own backoff for subscriptions,
// which send none) and the request then succeeds.
func TestPlatform429IsHonoured(t *testing.T) {
	e := newSimEnv(t, sim.Options{Limits: sim.PlatformLimits{
		Devices: glapi.EndpointLimits{List: 1}, Subscriptions: glapi.EndpointLimits{List: 1}, Authorization: 1,
	}})
	ctx := context.Background()
	for _, tc := range []struct {
		what string
		call func() error
	}{
		{"devices", func() error { _, err := e.c.Devices.List(ctx, glapi.ListOptions{}); return err }},
		{"subscriptions", func() error { _, err := e.c.Subscriptions.List(ctx, glapi.ListOptions{}); return err }},
		{"authorization", func() error { _, err := e.c.Authorization.ScopeGroups(ctx, glapi.ListOptions{}); return err }},
	} {
		if err := tc.call(); err != nil {
			t.Fatalf("%s: first call: %v", tc.what, err)
		}
		n := len(e.sim.Requests())
		t0 := e.clk.Now()
		if err := tc.call(); err != nil {
			t.Errorf("%s: the call after a 429 failed: %v", tc.what, err)
			continue
		}
		log := e.sim.Requests()[n:]
		if len(log) < 2 || log[0].Status != 429 || log[len(log)-1].Status != 200 {
			t.Errorf("%s: want a 429 then a 200, got %+v", tc.what, log)
			continue
		}
		if waited := log[len(log)-1].Time.Sub(t0); tc.what != "subscriptions" && waited < 59*time.Second {
			t.Errorf("%s: retried after %s, before the window reset", tc.what, waited)
		}
	}
}

// TestClientLimitsPlatformWrites: the client's own per-endpoint limit
// spaces the writes so the simulator never answers 429.
func TestClientLimitsPlatformWrites(t *testing.T) {
	e := newSimEnv(t, sim.Options{Limits: sim.PlatformLimits{Devices: glapi.EndpointLimits{Update: 2}}},
		func(c *glapi.Config) { c.RateLimits.Devices.Update = 2 })
	ids := e.sim.AddDevices(3)
	t0 := e.clk.Now()
	for _, id := range ids {
		if _, err := e.c.Devices.Archive(context.Background(), []string{id}, true, glapi.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range e.sim.Requests() {
		if r.Status == 429 {
			t.Fatalf("the simulator answered 429: %+v", r)
		}
	}
	if waited := e.clk.Now().Sub(t0); waited < time.Minute {
		t.Errorf("three PATCHes at 2 a minute took %s, want at least a minute", waited)
	}
}

// TestFormatsAreCheckedBeforeSending: malformed principals, roles, scopes,
// devices and SCIM filters fail with an error naming the field, and send
// nothing.
func TestFormatsAreCheckedBeforeSending(t *testing.T) {
	e := newSimEnv(t, sim.Options{})
	ctx := context.Background()
	ws := "grn:glp/workspaces/ws1"
	tg := ws + "/regions/default/providers/msp/tenant-groups/t1"
	sg := ws + "/regions/default/providers/authorization/scope-groups/s1"
	role := sim.DemoRoles[0]
	ra := func(p, r string, sc ...string) func() error {
		return func() error {
			_, err := e.c.Authorization.CreateRoleAssignment(ctx, glapi.RoleAssignment{Principal: p, Role: r, Scope: sc})
			return err
		}
	}
	for _, tc := range []struct {
		what, field string
		call        func() error
	}{
		{"principal without kind", "principal", ra("1234", role, ws)},
		{"principal of unknown kind", "principal", ra("robot:1", role, ws)},
		{"role not a GRN", "role", ra("user:1", "admin", ws)},
		{"no scope", "scope", ra("user:1", role)},
		{"scope not a GRN", "scope", ra("user:1", role, "workspace-1")},
		{"two workspaces", "scope", ra("user:1", role, ws, "grn:glp/workspaces/ws2")},
		{"workspace with scope group", "scope", ra("user:1", role, ws, sg)},
		{"list for a bad principal", "principal", func() error {
			_, err := e.c.Authorization.RoleAssignmentsOf(ctx, "user")
			return err
		}},
		{"update with a bad scope", "scope", func() error {
			_, err := e.c.Authorization.UpdateRoleAssignmentScope(ctx, "id", []string{"x"})
			return err
		}},
		{"device without part number", "partNumber", func() error {
			_, err := e.c.Devices.Add(ctx, []glapi.DeviceAdd{{Type: glapi.DeviceCompute, SerialNumber: "S"}}, glapi.WriteOptions{})
			return err
		}},
		{"network device without MAC", "macAddress", func() error {
			_, err := e.c.Devices.Add(ctx, []glapi.DeviceAdd{{Type: glapi.DeviceNetwork, SerialNumber: "S"}}, glapi.WriteOptions{})
			return err
		}},
		{"assign without region", "region", func() error {
			_, err := e.c.Devices.Assign(ctx, []string{"d"}, "app", "", glapi.WriteOptions{})
			return err
		}},
		{"SCIM filter on another attribute", "displayName", func() error {
			_, err := e.c.SCIMGroups.List(ctx, glapi.ListOptions{Filter: `members eq "x"`})
			return err
		}},
		{"audit filter on an unknown key", "username", func() error {
			_, err := e.c.Audit.Logs(ctx, glapi.ListOptions{Filter: "user eq 'x'"})
			return err
		}},
	} {
		n := len(e.sim.Requests())
		err := tc.call()
		if err == nil {
			t.Errorf("%s: no error", tc.what)
			continue
		}
		if !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: error %q does not name %s", tc.what, err, tc.field)
		}
		var fe *glapi.FieldError
		if tc.field == "principal" || tc.field == "role" || tc.field == "scope" {
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Errorf("%s: error %v is not a FieldError for %s", tc.what, err, tc.field)
			}
		}
		if got := e.requests(n); len(got) != 0 {
			t.Errorf("%s: sent %q", tc.what, got)
		}
	}
	// The documented combinations pass.
	for _, sc := range [][]string{{ws}, {ws, tg}, {tg, sg}} {
		if _, err := e.c.Authorization.CreateRoleAssignment(ctx, glapi.RoleAssignment{Principal: "user:1", Role: role, Scope: sc}); err != nil {
			t.Errorf("scope %v: %v", sc, err)
		}
	}
}

// TestUserOnboarding: invite, grant a role, list it for the user, change
// its scope, add to a group and remove again; each change is audited.
func TestUserOnboarding(t *testing.T) {
	e := newSimEnv(t, sim.Options{})
	ctx := context.Background()
	if _, err := e.c.Users.Invite(ctx, "new.operator@example.com", false); err != nil {
		t.Fatal(err)
	}
	u, err := e.c.Users.Find(ctx, "new.operator@example.com")
	if err != nil || u == nil {
		t.Fatalf("Find: %v %v", u, err)
	}
	principal := "user:" + u.ID()
	ra, err := e.c.Authorization.CreateRoleAssignment(ctx, glapi.RoleAssignment{Principal: principal, Role: sim.DemoRoles[2], Scope: []string{"grn:glp/workspaces/ws1"}})
	if err != nil {
		t.Fatal(err)
	}
	mine, err := e.c.Authorization.RoleAssignmentsOf(ctx, principal)
	if err != nil || len(mine) != 1 || mine[0].String("role") != sim.DemoRoles[2] {
		t.Fatalf("RoleAssignmentsOf: %v %v", mine, err)
	}
	tg := "grn:glp/workspaces/ws1/regions/default/providers/msp/tenant-groups/t1"
	upd, err := e.c.Authorization.UpdateRoleAssignmentScope(ctx, ra.ID(), []string{tg})
	if err != nil {
		t.Fatal(err)
	}
	if sc, _ := upd["scope"].([]any); len(sc) != 1 || sc[0] != tg {
		t.Errorf("scope after update: %v", upd["scope"])
	}
	g, err := e.c.SCIMGroups.FindByName(ctx, sim.DemoUserGroup)
	if err != nil || g == nil {
		t.Fatalf("FindByName: %v %v", g, err)
	}
	if _, err := e.c.SCIMGroups.AddMembers(ctx, g.ID(), u.ID()); err != nil {
		t.Fatal(err)
	}
	members, err := e.c.SCIMGroups.Members(ctx, g.ID())
	if err != nil || len(members) != 3 {
		t.Fatalf("members after add: %v %v", members, err)
	}
	if _, err := e.c.SCIMGroups.RemoveMembers(ctx, g.ID(), u.ID()); err != nil {
		t.Fatal(err)
	}
	if err := e.c.Authorization.DeleteRoleAssignment(ctx, ra.ID()); err != nil {
		t.Fatal(err)
	}
	if left := e.sim.RoleAssignments(principal); len(left) != 0 {
		t.Errorf("role assignments left after delete: %v", left)
	}
	logs, err := e.c.Audit.Logs(ctx, glapi.ListOptions{Filter: "category eq 'User Management'"})
	if err != nil {
		t.Fatal(err)
	}
	// invite, assign, change scope, add member, remove member, unassign
	if len(logs) != 6 {
		t.Errorf("user management audit entries: %d, want 6", len(logs))
	}
	since := e.clk.Now().Add(-time.Minute).Format(time.RFC3339)
	recent, err := e.c.Audit.Logs(ctx, glapi.ListOptions{Filter: "createdAt ge '" + since + "' and username eq '" + sim.DemoClientID + "'"})
	if err != nil || len(recent) != 6 {
		t.Errorf("audit entries of the last minute by the client: %d, %v", len(recent), err)
	}
}

// TestJobsWriteCOMActivities: a job creates activities and COM audit
// entries (found with serviceOffer/id), not platform ones.
func TestJobsWriteCOMActivities(t *testing.T) {
	e := newSimEnv(t, sim.Options{})
	ctx := context.Background()
	srv, _ := e.sim.ServerByName("prod-web-01")
	tmpl, err := glapi.LookupTemplate("power_off")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Jobs.Create(ctx, glapi.JobCreate{JobTemplate: tmpl.ID, ResourceID: srv.ID(), ResourceType: glapi.ResourceServer}); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(time.Hour)
	acts, err := e.c.Audit.Activities(ctx, glapi.ListOptions{Filter: "source/type eq 'compute-ops-mgmt/job'"})
	if err != nil || len(acts) != 2 {
		t.Fatalf("job activities: %v %v", acts, err)
	}
	platform, _ := e.c.Audit.Logs(ctx, glapi.ListOptions{})
	com, _ := e.c.Audit.Logs(ctx, glapi.ListOptions{Filter: "serviceOffer/id eq '" + e.sim.ComputeOpsManagementID() + "'"})
	if len(platform) != 0 || len(com) != 2 {
		t.Errorf("audit entries: %d platform, %d COM; want 0 and 2", len(platform), len(com))
	}
}
