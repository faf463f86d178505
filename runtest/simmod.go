package runtest

import (
	"fmt"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"glrun/builtins"
	"glrun/glapi"
)

// simModule is the sim module: it arranges the test simulator's state and
// inspects it. After replay() there is no simulator and every call fails.
func (tc *testCase) simModule() *starlarkstruct.Module {
	list := func(name string, get func() []glapi.Object) testBuiltin {
		return testBuiltin{builtins.Doc{Name: "sim." + name}, tc.simList(get)}
	}
	fns := []testBuiltin{
		{builtins.Doc{Name: "sim.server", Params: params("id")}, tc.simServer},
		list("servers", func() []glapi.Object { return tc.sim.Servers() }),
		{builtins.Doc{Name: "sim.group", Params: params("name")}, tc.simGroup},
		{builtins.Doc{Name: "sim.group_servers", Params: params("name")}, tc.simGroupServers},
		{builtins.Doc{Name: "sim.set_power", Params: params("id", "state")}, tc.simSetPower},
		{builtins.Doc{Name: "sim.fail_next_job", Params: params("template")}, tc.simFailNextJob},
		{builtins.Doc{Name: "sim.add_user", Params: params("email", `status="VERIFIED"`)}, tc.simAddUser},
		{builtins.Doc{Name: "sim.user", Params: params("email")}, tc.simUser},
		list("users", func() []glapi.Object { return tc.sim.Users() }),
		list("jobs", func() []glapi.Object { return tc.sim.Jobs() }),
		list("credentials", func() []glapi.Object { return tc.sim.Credentials() }),
		list("bundles", func() []glapi.Object { return tc.sim.FirmwareBundles() }),
		{builtins.Doc{Name: "sim.newest_bundle"}, tc.simNewestBundle},
		{builtins.Doc{Name: "sim.add_servers", Params: params("group", "n")}, tc.simAddServers},
		{builtins.Doc{Name: "sim.requests"}, tc.simRequests},
		{builtins.Doc{Name: "sim.advance", Params: params("duration")}, tc.simAdvance},
		{builtins.Doc{Name: "sim.faults", Params: params("spec")}, tc.simFaults},
	}
	members := starlark.StringDict{}
	for _, b := range fns {
		bound := builtins.NewBuiltin(b.doc, b.fn)
		// After replay() every call fails, whatever its arguments.
		members[b.doc.Member()] = starlark.NewBuiltin(b.doc.Name, func(th *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			if tc.player != nil {
				return nil, fmt.Errorf("%s: this test replays the cassette %s (replay() was called): there is no simulator to arrange or inspect", b.doc.Name, tc.player.File())
			}
			return bound.CallInternal(th, args, kw)
		})
	}
	return &starlarkstruct.Module{Name: "sim", Members: members}
}

func (tc *testCase) simList(get func() []glapi.Object) builtins.Func {
	return func(*starlark.Thread, *builtins.Args) (starlark.Value, error) {
		objs := get()
		vs := make([]starlark.Value, len(objs))
		for i, o := range objs {
			vs[i] = builtins.ToStarlark(o)
		}
		return frozenList(vs), nil
	}
}

// serverID resolves a server given by id or name.
func (tc *testCase) serverID(fn, v string) (string, error) {
	if _, ok := tc.sim.Server(v); ok {
		return v, nil
	}
	if s, ok := tc.sim.ServerByName(v); ok {
		if id, ok := s["id"].(string); ok {
			return id, nil
		}
	}
	return "", fmt.Errorf("%s: no server with id or name %q in the simulator", fn, v)
}

// simServer is sim.server(id_or_name): the server, or None.
func (tc *testCase) simServer(_ *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	v := builtins.StringArg{What: "a server id or name string"}
	if err := a.Unpack("id", &v); err != nil {
		return nil, err
	}
	if s, ok := tc.sim.Server(v.Value); ok {
		return builtins.ToStarlark(s), nil
	}
	if s, ok := tc.sim.ServerByName(v.Value); ok {
		return builtins.ToStarlark(s), nil
	}
	return starlark.None, nil
}

// groupName is the name parameter of sim.group and sim.group_servers.
func groupName() builtins.StringArg { return builtins.StringArg{What: "a group name string"} }

// simGroup is sim.group(name): the group, or None.
func (tc *testCase) simGroup(_ *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	name := groupName()
	if err := a.Unpack("name", &name); err != nil {
		return nil, err
	}
	if g, ok := tc.sim.GroupByName(name.Value); ok {
		return builtins.ToStarlark(g), nil
	}
	if g, ok := tc.sim.Group(name.Value); ok {
		return builtins.ToStarlark(g), nil
	}
	return starlark.None, nil
}

// simGroupServers is sim.group_servers(name): the ids of a group's servers.
func (tc *testCase) simGroupServers(_ *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	name := groupName()
	if err := a.Unpack("name", &name); err != nil {
		return nil, err
	}
	if _, ok := tc.sim.GroupByName(name.Value); !ok {
		return nil, fmt.Errorf("%s: no group named %q in the simulator", a.Fn(), name.Value)
	}
	return stringList(tc.sim.GroupServerIDs(name.Value)), nil
}

// simSetPower is sim.set_power(id_or_name, "ON" or "OFF").
func (tc *testCase) simSetPower(_ *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	v := builtins.StringArg{What: "a server id or name string"}
	state := builtins.StringArg{What: `"ON" or "OFF"`}
	if err := a.Unpack("id", &v, "state", &state); err != nil {
		return nil, err
	}
	id, err := tc.serverID(a.Fn(), v.Value)
	if err != nil {
		return nil, err
	}
	st := strings.ToUpper(state.Value)
	if st != "ON" && st != "OFF" {
		return nil, a.Error("state", state.What)
	}
	if err := tc.sim.SetPower(id, st); err != nil {
		return nil, fmt.Errorf("%s: %w", a.Fn(), err)
	}
	return starlark.None, nil
}

// simFailNextJob is sim.fail_next_job(template=...): the next job of that
// template ends in ERROR.
func (tc *testCase) simFailNextJob(_ *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	tmpl := builtins.TemplateArg{KnownOnly: true}
	if err := a.Unpack("template", &tmpl); err != nil {
		return nil, err
	}
	if err := tc.sim.FailNextJob(tmpl.Template.ID); err != nil {
		return nil, fmt.Errorf("%s: %w", a.Fn(), err)
	}
	return starlark.None, nil
}

// simAddUser is sim.add_user(email, status="VERIFIED"): the new user.
func (tc *testCase) simAddUser(_ *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	email := builtins.StringArg{What: "an email address string"}
	status := builtins.StringArg{What: "a userStatus string such as \"VERIFIED\""}
	if err := a.Unpack("email", &email, "status", &status); err != nil {
		return nil, err
	}
	if !strings.Contains(email.Value, "@") {
		return nil, a.Error("email", email.What)
	}
	return builtins.ToStarlark(tc.sim.AddUser(email.Value, status.Value)), nil
}

// simUser is sim.user(email): the user with that username, or None.
func (tc *testCase) simUser(_ *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	email := builtins.StringArg{What: "an email address string"}
	if err := a.Unpack("email", &email); err != nil {
		return nil, err
	}
	for _, u := range tc.sim.Users() {
		if name, _ := u["username"].(string); strings.EqualFold(name, email.Value) {
			return builtins.ToStarlark(u), nil
		}
	}
	return starlark.None, nil
}

// simNewestBundle is sim.newest_bundle(): the id of the newest firmware bundle.
func (tc *testCase) simNewestBundle(*starlark.Thread, *builtins.Args) (starlark.Value, error) {
	return starlark.String(tc.sim.NewestBundleID()), nil
}

// simAddServers is sim.add_servers(group, n): adds n powered-on servers to
// the group and returns their ids.
func (tc *testCase) simAddServers(_ *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	group := groupName()
	n := builtins.IntArg{Min: 1, Max: 10000}
	if err := a.Unpack("group", &group, "n", &n); err != nil {
		return nil, err
	}
	ids, err := tc.sim.AddServersToGroup(group.Value, n.Value)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", a.Fn(), err)
	}
	return stringList(ids), nil
}

// simRequests is sim.requests(): every API request the simulator received,
// as records with method, path, query, status and fault.
func (tc *testCase) simRequests(*starlark.Thread, *builtins.Args) (starlark.Value, error) {
	var vs []starlark.Value
	for _, r := range tc.sim.Requests() {
		vs = append(vs, builtins.ToStarlark(map[string]any{
			"method": r.Method, "path": r.Path, "query": r.Query, "status": r.Status, "fault": r.Fault,
		}))
	}
	return frozenList(vs), nil
}

// simAdvance is sim.advance(duration): moves the virtual clock forward, so
// jobs progress without a runbook waiting.
func (tc *testCase) simAdvance(_ *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	var d builtins.DurationArg
	if err := a.Unpack("duration", &d); err != nil {
		return nil, err
	}
	tc.clk.Advance(d.Duration)
	return starlark.None, nil
}

func stringList(ss []string) *starlark.List {
	vs := make([]starlark.Value, len(ss))
	for i, s := range ss {
		vs[i] = starlark.String(s)
	}
	return frozenList(vs)
}
