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
	fns := map[string]func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error){
		"server":        tc.simServer,
		"servers":       tc.simList(func() []glapi.Object { return tc.sim.Servers() }),
		"group":         tc.simGroup,
		"group_servers": tc.simGroupServers,
		"set_power":     tc.simSetPower,
		"fail_next_job": tc.simFailNextJob,
		"add_user":      tc.simAddUser,
		"user":          tc.simUser,
		"users":         tc.simList(func() []glapi.Object { return tc.sim.Users() }),
		"jobs":          tc.simList(func() []glapi.Object { return tc.sim.Jobs() }),
		"credentials":   tc.simList(func() []glapi.Object { return tc.sim.Credentials() }),
		"bundles":       tc.simList(func() []glapi.Object { return tc.sim.FirmwareBundles() }),
		"newest_bundle": tc.simNewestBundle,
		"add_servers":   tc.simAddServers,
		"requests":      tc.simRequests,
		"advance":       tc.simAdvance,
		"faults":        tc.simFaults,
	}
	members := starlark.StringDict{}
	for name, fn := range fns {
		fn := fn
		members[name] = starlark.NewBuiltin("sim."+name, func(th *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			if tc.player != nil {
				return nil, fmt.Errorf("%s: this test replays the cassette %s (replay() was called): there is no simulator to arrange or inspect", b.Name(), tc.player.File())
			}
			return fn(th, b, args, kw)
		})
	}
	return &starlarkstruct.Module{Name: "sim", Members: members}
}

func (tc *testCase) simList(get func() []glapi.Object) func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
	return func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackArgs(b.Name(), args, kw); err != nil {
			return nil, err
		}
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
func (tc *testCase) simServer(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var v string
	if err := starlark.UnpackArgs(b.Name(), args, kw, "id", &v); err != nil {
		return nil, err
	}
	if s, ok := tc.sim.Server(v); ok {
		return builtins.ToStarlark(s), nil
	}
	if s, ok := tc.sim.ServerByName(v); ok {
		return builtins.ToStarlark(s), nil
	}
	return starlark.None, nil
}

// simGroup is sim.group(name): the group, or None.
func (tc *testCase) simGroup(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var name string
	if err := starlark.UnpackArgs(b.Name(), args, kw, "name", &name); err != nil {
		return nil, err
	}
	if g, ok := tc.sim.GroupByName(name); ok {
		return builtins.ToStarlark(g), nil
	}
	if g, ok := tc.sim.Group(name); ok {
		return builtins.ToStarlark(g), nil
	}
	return starlark.None, nil
}

// simGroupServers is sim.group_servers(name): the ids of a group's servers.
func (tc *testCase) simGroupServers(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var name string
	if err := starlark.UnpackArgs(b.Name(), args, kw, "name", &name); err != nil {
		return nil, err
	}
	if _, ok := tc.sim.GroupByName(name); !ok {
		return nil, fmt.Errorf("%s: no group named %q in the simulator", b.Name(), name)
	}
	return stringList(tc.sim.GroupServerIDs(name)), nil
}

// simSetPower is sim.set_power(id_or_name, "ON" or "OFF").
func (tc *testCase) simSetPower(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var v, state string
	if err := starlark.UnpackArgs(b.Name(), args, kw, "id", &v, "state", &state); err != nil {
		return nil, err
	}
	id, err := tc.serverID(b.Name(), v)
	if err != nil {
		return nil, err
	}
	if err := tc.sim.SetPower(id, strings.ToUpper(state)); err != nil {
		return nil, fmt.Errorf("%s: parameter \"state\": %w", b.Name(), err)
	}
	return starlark.None, nil
}

// simFailNextJob is sim.fail_next_job(template=...): the next job of that
// template ends in ERROR.
func (tc *testCase) simFailNextJob(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var tpl string
	if err := starlark.UnpackArgs(b.Name(), args, kw, "template", &tpl); err != nil {
		return nil, err
	}
	if err := tc.sim.FailNextJob(tpl); err != nil {
		return nil, fmt.Errorf("%s: parameter \"template\": %w", b.Name(), err)
	}
	return starlark.None, nil
}

// simAddUser is sim.add_user(email, status="VERIFIED"): the new user.
func (tc *testCase) simAddUser(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var email string
	status := "VERIFIED"
	if err := starlark.UnpackArgs(b.Name(), args, kw, "email", &email, "status?", &status); err != nil {
		return nil, err
	}
	if !strings.Contains(email, "@") {
		return nil, fmt.Errorf("%s: parameter \"email\": want an email address, got %q", b.Name(), email)
	}
	return builtins.ToStarlark(tc.sim.AddUser(email, status)), nil
}

// simUser is sim.user(email): the user with that username, or None.
func (tc *testCase) simUser(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var email string
	if err := starlark.UnpackArgs(b.Name(), args, kw, "email", &email); err != nil {
		return nil, err
	}
	for _, u := range tc.sim.Users() {
		if name, _ := u["username"].(string); strings.EqualFold(name, email) {
			return builtins.ToStarlark(u), nil
		}
	}
	return starlark.None, nil
}

// simNewestBundle is sim.newest_bundle(): the id of the newest firmware bundle.
func (tc *testCase) simNewestBundle(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackArgs(b.Name(), args, kw); err != nil {
		return nil, err
	}
	return starlark.String(tc.sim.NewestBundleID()), nil
}

// simAddServers is sim.add_servers(group, n): adds n powered-on servers to
// the group and returns their ids.
func (tc *testCase) simAddServers(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var group string
	var n int
	if err := starlark.UnpackArgs(b.Name(), args, kw, "group", &group, "n", &n); err != nil {
		return nil, err
	}
	if n < 1 || n > 10000 {
		return nil, fmt.Errorf("%s: parameter \"n\": want 1..10000, got %d", b.Name(), n)
	}
	ids, err := tc.sim.AddServersToGroup(group, n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	return stringList(ids), nil
}

// simRequests is sim.requests(): every API request the simulator received,
// as records with method, path, query, status and fault.
func (tc *testCase) simRequests(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackArgs(b.Name(), args, kw); err != nil {
		return nil, err
	}
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
func (tc *testCase) simAdvance(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	if err := starlark.UnpackArgs(b.Name(), args, kw, "duration", &v); err != nil {
		return nil, err
	}
	d, err := builtins.ParseDuration(v)
	if err != nil {
		return nil, fmt.Errorf("%s: parameter \"duration\": %w", b.Name(), err)
	}
	tc.clk.Advance(d)
	return starlark.None, nil
}

func stringList(ss []string) *starlark.List {
	vs := make([]starlark.Value, len(ss))
	for i, s := range ss {
		vs[i] = starlark.String(s)
	}
	return frozenList(vs)
}
