package builtins

import (
	"errors"
	"strings"
	"testing"

	"glrun/glapi/sim"
)

// platformRun runs src with every predeclared module against a fresh
// simulator and returns what it printed, the error, and the simulator.
func platformRun(t *testing.T, src string) (string, error, *sim.Sim) {
	t.Helper()
	f := newSimFixture(t, nil)
	out, err := runStar(t, Predeclared(f.env), src)
	return out, err, f.sim
}

// TestPlatformWritesRefuseBadArgumentsBeforeSending checks that the
// onboarding builtins name the parameter of a value the API would refuse
// (or that cannot work), and that nothing changed.
func TestPlatformWritesRefuseBadArgumentsBeforeSending(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"unknown subscription key", `devices.subscribe(devices.find("MXQ3300A01"), "NOSUCHKEY")`,
			[]string{"devices.subscribe", `parameter "subscription"`, `"NOSUCHKEY", which is not in the workspace`}},
		{"key sold but not added", `devices.subscribe(devices.find("MXQ3300A01"), "KEYNOTADDED001")`,
			[]string{`parameter "subscription"`, "KEYNOTADDED001"}},
		{"not enough seats", `devices.subscribe(devices.list(), "E91A7B3C1D0F2E")`,
			[]string{`parameter "subscription"`, "3 seat(s) left", "has 2 seat(s) left"}},
		{"application not provisioned", `devices.assign(devices.find("MXQ3300A01"), "Data Services")`,
			[]string{"devices.assign", `parameter "application"`, `provisioned in region "us-west"`, `"Data Services"`}},
		{"application in another region", `devices.assign(devices.find("MXQ3300A01"), "Aruba Central", region = "eu-central")`,
			[]string{`parameter "application"`, `"eu-central"`}},
		{"device entry without part", `devices.add({"serial": "CZ2401ONB1"})`,
			[]string{"devices.add", `parameter "devices.part"`, "part number"}},
		{"device entry with unknown key", `devices.add([{"serial": "CZ2401ONB1", "part": "P"}, {"serial": "X", "prt": "P"}])`,
			[]string{`parameter "devices[1].prt"`, `only the keys`}},
		{"device type", `devices.add({"serial": "CZ2401ONB1", "part": "P"}, type = "server")`,
			[]string{`parameter "type"`, `"compute", "network" or "storage"`}},
		{"empty device list", `devices.tag([], {"a": "b"})`, []string{`parameter "devices"`, "not an empty list"}},
		{"tag value", `devices.tag("id", {"a": 1})`, []string{`parameter "tags[\"a\"]"`, "string value"}},
		{"principal format", `authorization.role_assignments.create("bob", "ccs.observer")`,
			[]string{"authorization.role_assignments.create", `parameter "principal"`, "user:<id>", `"bob"`}},
		{"role format", `authorization.role_assignments.create("user:1", "grn:glp/other/x")`,
			[]string{`parameter "role"`, "role GRN"}},
		{"scope format", `authorization.role_assignments.create("user:1", "ccs.observer", scope = "workspace")`,
			[]string{`parameter "scope"`, "grn:glp/workspaces/"}},
		{"unknown user", `identity.groups.add_members(identity.groups.find("server-operators"), "nobody@example.com")`,
			[]string{"identity.groups.add_members", `parameter "users"`, "nobody@example.com"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newSimFixture(t, nil)
			before := len(f.sim.AuditLogs())
			_, err := runStar(t, Predeclared(f.env), tc.src)
			wantErr(t, err, tc.want...)
			var argErr *ArgError
			if !errors.As(err, &argErr) {
				t.Errorf("want an *ArgError, got %T: %v", err, err)
			}
			if after := len(f.sim.AuditLogs()); after != before {
				t.Errorf("the simulator's audit log grew from %d to %d: something was changed", before, after)
			}
		})
	}
}

// TestDevicesOnboardingChain adds, assigns and subscribes a shipped server
// and waits until Compute Ops Management lists it, then puts it in a group.
func TestDevicesOnboardingChain(t *testing.T) {
	out, err, _ := platformRun(t, `
devices.wait(devices.add({"serial": "CZ2401ONB1", "part": "P52534-B21"}), timeout = "5m")
d = devices.find("CZ2401ONB1")
svc = services.find("Compute Ops Management")
devices.wait(devices.assign(d, svc.application, region = svc.region), timeout = "5m")
devices.wait(devices.subscribe(d, "PAT4DYYJAEEEJA"), timeout = "5m")
print(subscriptions.find("PAT4DYYJAEEEJA").seats_available)
found = []
for i in range(20):
    found = compute.servers.list(filter = "hardware/serialNumber eq 'CZ2401ONB1'")
    if found:
        break
    sleep("30s")
s = found[0]
g = compute.groups.list(filter = "name eq 'lab'")[0]
op = compute.async_ops.wait(compute.groups.add_servers(g, s), timeout = "5m")
print(op.state, [m.serial for m in compute.groups.devices(g) if m.serial == "CZ2401ONB1"])
`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "9\nSUCCEEDED [\"CZ2401ONB1\"]\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// TestDevicesWaitFailsForAFailedDevice checks that a device HPE does not
// know fails the wait (the operation FAILED), naming the serial, and that
// fail_on_error=False returns the operation instead.
func TestDevicesWaitFailsForAFailedDevice(t *testing.T) {
	_, err, _ := platformRun(t, `devices.wait(devices.add({"serial": "NOTSHIPPED1", "part": "P52534-B21"}), timeout = "5m")`)
	wantErr(t, err, "devices.wait", "device operation", "FAILED", "NOTSHIPPED1")
	out, err, _ := platformRun(t, `
ops = devices.add([{"serial": "NOTSHIPPED1", "part": "P52534-B21"}, {"serial": "CZ2401ONB2", "part": "P52534-B21"}])
op = devices.wait(ops[0], timeout = "5m", fail_on_error = False)
print(op.status, op.result.failedDevicesSerial)
`)
	if err != nil {
		t.Fatal(err)
	}
	if want := `SUCCEEDED ["NOTSHIPPED1"]`; strings.TrimSpace(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
}
