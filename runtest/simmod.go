package runtest

import (
	"fmt"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"glrun/builtins"
	"glrun/glapi"
	"glrun/glapi/sim"
)

// simModule is the sim module: it arranges the test simulator's state and
// inspects it. After replay() there is no simulator and every call fails.
func (tc *testCase) simModule() *starlarkstruct.Module {
	members := starlark.StringDict{}
	for _, b := range tc.simBuiltins() {
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

// serverParam is the parameter naming a server of the simulator.
var serverParam = builtins.ParamDoc{Name: "id", Desc: "the server's id or name, such as `\"prod-web-01\"`"}

// simBuiltins declares the sim module's builtins, bound to tc (Docs reads
// their Docs from a zero testCase).
func (tc *testCase) simBuiltins() []testBuiltin {
	list := func(name, what, example string) testBuiltin {
		return testBuiltin{builtins.Doc{Name: "sim." + name,
			Summary: "Every " + what + " of the simulator, as the API shows them (read-only records).",
			Returns: "a list of records", Example: example},
			tc.simList(name)}
	}
	groupParam := builtins.ParamDoc{Name: "name", Desc: "the group's name, such as `\"prod-web\"`"}
	return []testBuiltin{
		{builtins.Doc{Name: "sim.server", Params: []builtins.ParamDoc{serverParam},
			Summary: "A server of the simulator, by id or name.", Returns: "a server record, or None",
			Example: `assert.eq(sim.server("prod-web-01").hardware.powerState, "ON")`}, tc.simServer},
		list("servers", "server", `assert.true(len(sim.servers()) > 20)`),
		{builtins.Doc{Name: "sim.group", Params: []builtins.ParamDoc{groupParam},
			Summary: "A group of the simulator, by name or id.", Returns: "a group record, or None",
			Example: `assert.eq(sim.group("prod-web").name, "prod-web")`}, tc.simGroup},
		{builtins.Doc{Name: "sim.group_servers", Params: []builtins.ParamDoc{groupParam},
			Summary: "The ids of a group's servers.", Returns: "a list of server ids",
			Example: `assert.eq(len(sim.group_servers("prod-web")), 16)`}, tc.simGroupServers},
		{builtins.Doc{Name: "sim.set_power", Params: []builtins.ParamDoc{serverParam, {Name: "state", Desc: "`\"ON\"` or `\"OFF\"`"}},
			Summary: "Set a server's power state, as if someone pressed its button.",
			Example: `sim.set_power("prod-web-03", "OFF")
assert.eq(sim.server("prod-web-03").hardware.powerState, "OFF")`}, tc.simSetPower},
		{builtins.Doc{Name: "sim.fail_next_job", Params: []builtins.ParamDoc{{Name: "template", Desc: "a job template alias, such as `\"restart\"`"}},
			Summary: "Make the next job of a template end in ERROR, with the failure GreenLake reports for it.",
			Example: `sim.fail_next_job(template = "restart")
s = compute.servers.list(filter = "name eq 'prod-web-01'")[0]
r = catch(compute.jobs.wait, compute.jobs.create("restart", s))
assert.eq(r.error.kind, "job_failed")`}, tc.simFailNextJob},
		{builtins.Doc{Name: "sim.fail_job", Params: []builtins.ParamDoc{
			{Name: "server", Default: "None", Desc: "only a job on this server (id or name); None for any"},
			{Name: "template", Default: "None", Desc: "only a job of this template (alias); None for any"},
			{Name: "nth", Default: "1", Desc: "fail the nth matching job created from now on, from 1"},
		},
			Summary: "Make one job end in ERROR: the nth one created from now on that runs on server and is of template.",
			Example: `sim.fail_job(server = "prod-web-02", template = "restart")
for name in ["prod-web-01", "prod-web-02"]:
    s = compute.servers.list(filter = odata.filter("name eq {}", name))[0]
    r = catch(compute.jobs.wait, compute.jobs.create("restart", s))
    assert.eq(r.error != None, name == "prod-web-02", name)`}, tc.simFailJob},
		{builtins.Doc{Name: "sim.add_user", Params: []builtins.ParamDoc{
			{Name: "email", Desc: "the user's email address (the username)"},
			{Name: "status", Default: `"VERIFIED"`, Desc: "the userStatus: `\"VERIFIED\"`, `\"UNVERIFIED\"`, `\"BLOCKED\"`..."},
			{Name: "first_name", Default: `""`, Desc: "the firstName"},
			{Name: "last_name", Default: `""`, Desc: "the lastName"},
		},
			Summary: "Add a workspace user, as the identity API holds one.", Returns: "the user record",
			Example: `u = sim.add_user("ada@example.com", status = "UNVERIFIED", first_name = "Ada")
assert.eq(identity.users.find("ada@example.com").id, u.id)`}, tc.simAddUser},
		{builtins.Doc{Name: "sim.user", Params: []builtins.ParamDoc{{Name: "email", Desc: "the username (case-insensitive)"}},
			Summary: "A workspace user of the simulator, by email.", Returns: "a user record, or None",
			Example: `assert.eq(sim.user("nobody@example.com"), None)`}, tc.simUser},
		list("users", "workspace user", `assert.true(len(sim.users()) > 0)`),
		list("jobs", "job", `assert.true(len(sim.jobs()) > 0, "the demo workspace has a job history")`),
		{builtins.Doc{Name: "sim.add_credential", Params: []builtins.ParamDoc{{Name: "name", Desc: "the credentialName"}},
			Summary: "Add an API client credential to the workspace, as the API lists one (its secret is not shown).",
			Returns: "the credential record",
			Example: `sim.add_credential("svc-backup")
assert.contains([c.credentialName for c in workspaces.credentials.list()], "svc-backup")`}, tc.simAddCredential},
		list("credentials", "API client credential", `assert.contains([c.credentialName for c in sim.credentials()], "glrun-demo")`),
		list("bundles", "firmware bundle", `assert.contains([b.releaseVersion for b in sim.bundles()], "2023.09.00.00")`),
		{builtins.Doc{Name: "sim.newest_bundle", Summary: "The id of the newest firmware bundle.", Returns: "a bundle id",
			Example: `assert.eq(sim.newest_bundle(), sorted(sim.bundles(), key = lambda b: b.releaseDate)[-1].id)`}, tc.simNewestBundle},
		{builtins.Doc{Name: "sim.add_servers", Params: []builtins.ParamDoc{{Name: "group", Desc: "the group's name"}, {Name: "n", Desc: "how many, from 1"}},
			Summary: "Add n powered-on servers, on the group's baseline firmware, to a group.", Returns: "their ids",
			Example: `ids = sim.add_servers("lab", 3)
assert.eq(len(ids), 3)`}, tc.simAddServers},
		{builtins.Doc{Name: "sim.requests",
			Summary: "Every API request the simulator received so far.",
			Returns: "a list of records with method, path, query, status and fault",
			Example: `compute.servers.list(limit = 1)
last = sim.requests()[-1]
assert.eq(last.method, "GET")
assert.true(last.path.endswith("/servers"), last.path)`}, tc.simRequests},
		{builtins.Doc{Name: "sim.advance", Params: []builtins.ParamDoc{{Name: "duration", Desc: "how long, such as `\"5m\"`"}},
			Summary: "Move the test's virtual clock forward, so jobs progress without a runbook waiting.",
			Example: `s = compute.servers.list(filter = "name eq 'prod-web-01'")[0]
j = compute.jobs.create("restart", s)
sim.advance("10m")
assert.eq(compute.jobs.get(j.id).state, "COMPLETE")`}, tc.simAdvance},
		{builtins.Doc{Name: "sim.faults", Params: []builtins.ParamDoc{{Name: "spec", Desc: "faults as `glrun sim serve --faults` takes them, such as `\"429=0.2,503=0.05,seed=7\"`; `\"\"` for none"}},
			Summary: "Make the simulator answer some requests with errors from now on (glrun retries them).",
			Example: `sim.faults("429=0.3,seed=7")
assert.true(len(compute.servers.list()) > 0, "the client retries throttled requests")
sim.faults("")`}, tc.simFaults},
	}
}

// simList is the body of sim.servers, users, jobs, credentials and bundles.
func (tc *testCase) simList(name string) builtins.Func {
	return func(*starlark.Thread, *builtins.Args) (starlark.Value, error) {
		var objs []glapi.Object
		switch name {
		case "servers":
			objs = tc.sim.Servers()
		case "users":
			objs = tc.sim.Users()
		case "jobs":
			objs = tc.sim.Jobs()
		case "credentials":
			objs = tc.sim.Credentials()
		case "bundles":
			objs = tc.sim.FirmwareBundles()
		}
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

// simAddUser is sim.add_user(email, status="VERIFIED", first_name="",
// last_name=""): the new user.
func (tc *testCase) simAddUser(_ *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	email := builtins.StringArg{What: "an email address string"}
	status := builtins.StringArg{What: "a userStatus string such as \"VERIFIED\"", NonEmpty: true}
	first := builtins.StringArg{What: "a first name string"}
	last := builtins.StringArg{What: "a last name string"}
	if err := a.Unpack("email", &email, "status", &status, "first_name", &first, "last_name", &last); err != nil {
		return nil, err
	}
	if !strings.Contains(email.Value, "@") {
		return nil, a.Error("email", email.What)
	}
	return builtins.ToStarlark(tc.sim.SeedUser(sim.UserSeed{Email: email.Value, Status: status.Value,
		FirstName: first.Value, LastName: last.Value})), nil
}

// simAddCredential is sim.add_credential(name): the new credential.
func (tc *testCase) simAddCredential(_ *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	name := builtins.StringArg{What: "a credential name string", NonEmpty: true}
	if err := a.Unpack("name", &name); err != nil {
		return nil, err
	}
	return builtins.ToStarlark(tc.sim.AddCredential(name.Value)), nil
}

// simFailJob is sim.fail_job(server=None, template=None, nth=1): the nth
// job created from now on that matches server and template ends in ERROR.
func (tc *testCase) simFailJob(_ *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	server := builtins.StringArg{What: "a server id or name string", NonEmpty: true}
	tmpl := builtins.TemplateArg{KnownOnly: true}
	nth := builtins.IntArg{Min: 1, Max: 1_000_000}
	if err := a.Unpack("server", &server, "template", &tmpl, "nth", &nth); err != nil {
		return nil, err
	}
	f := sim.JobFailure{Template: tmpl.Template.ID, Nth: nth.Value}
	if server.Value != "" {
		id, err := tc.serverID(a.Fn(), server.Value)
		if err != nil {
			return nil, err
		}
		f.Resource = id
	}
	if err := tc.sim.FailJob(f); err != nil {
		return nil, fmt.Errorf("%s: %w", a.Fn(), err)
	}
	return starlark.None, nil
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
