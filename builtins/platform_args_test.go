package builtins

import (
	"errors"
	"testing"
)

// TestPlatformArgumentErrors checks that the onboarding builtins refuse bad
// arguments before reaching for a client (none is configured: an argument
// that passed the checks would fail with "no GreenLake client"), naming the
// function, the parameter, what it wanted and what it got.
func TestPlatformArgumentErrors(t *testing.T) {
	tests := []struct {
		call string
		want []string
	}{
		{`devices.find("")`, []string{"devices.find", `"serial"`, "serial number", `got string ""`}},
		{`devices.add([])`, []string{"devices.add", `"devices"`, "not an empty list"}},
		{`devices.add(({"serial": "A", "part": "P"}, ("x",)))`, []string{`"devices[1]"`, `got tuple ("x",)`}},
		{`devices.add({"serial": "A", "mac": "aa"}, type = "network")`, []string{}},
		{`devices.add({"serial": "A"}, type = "network")`, []string{`"devices.mac"`, "MAC address"}},
		{`devices.add({"serial": 3, "part": "P"})`, []string{`"devices.serial"`, "serial number string"}},
		{`devices.add({"serial": "A", "part": "P", "type": "gpu"})`, []string{`"devices.type"`, `"compute", "network" or "storage"`}},
		{`devices.add({"serial": "A", "part": "P", "tags": {"k": 1}})`, []string{`"devices.tags"`, "string tags"}},
		{`devices.assign(["a", 3], "Compute Ops Management")`, []string{"devices.assign", `"devices[1]"`, "got int 3"}},
		{`devices.tag("a", {})`, []string{"devices.tag", `"tags"`, "non-empty dict"}},
		{`devices.archive("a", archived = "yes")`, []string{"devices.archive", `"archived"`, "True or False"}},
		{`devices.wait(3)`, []string{"devices.wait", `"op"`, "operation record"}},
		{`devices.wait([{"id": "x"}], timeout = "0s")`, []string{"devices.wait", `"timeout"`, "positive duration"}},
		{`subscriptions.add([])`, []string{"subscriptions.add", `"keys"`, "subscription key"}},
		{`subscriptions.add(["K", ""])`, []string{`"keys[1]"`}},
		{`authorization.role_assignments.create(3, "r")`, []string{"authorization.role_assignments.create", `"principal"`, "user:<id>"}},
		{`authorization.role_assignments.update("id", [])`, []string{"authorization.role_assignments.update", `"scope"`, "scope GRN"}},
		{`identity.groups.add_members("g", [])`, []string{"identity.groups.add_members", `"users"`, "user record"}},
		{`audit.list(since = "soon")`, []string{"audit.list", `"since"`, "duration"}},
		{`compute.groups.add_servers("g", [])`, []string{"compute.groups.add_servers", `"servers"`, "not an empty list"}},
	}
	pre := Predeclared(&Env{})
	for _, tc := range tests {
		t.Run(tc.call, func(t *testing.T) {
			_, err := runStar(t, pre, tc.call)
			if len(tc.want) == 0 {
				wantErr(t, err, "no GreenLake client")
				return
			}
			wantErr(t, err, tc.want...)
			var argErr *ArgError
			if !errors.As(err, &argErr) {
				t.Errorf("want an *ArgError, got %T: %v", err, err)
			}
		})
	}
}
