package builtins

import (
	"context"

	"go.starlark.net/starlark"

	"glrun/glapi"
)

// waitParamDocs documents the parameters every wait takes after its first.
func waitParamDocs() []ParamDoc {
	return []ParamDoc{
		{Name: "timeout", Default: `"30m"`,
			Desc: "how long to wait before failing with a timeout (exit 4): a duration such as `\"90s\"`, `\"30m\"`, `\"2h\"` or a number of seconds"},
		{Name: "poll", Default: `"5s"`, Desc: "the first polling interval; it backs off from there"},
		{Name: "fail_on_error", Default: "True",
			Desc: "fail the runbook when it ends in ERROR (or FAILURE/DECLINED, FAILED/CANCELLED); False returns it for the runbook to inspect"},
	}
}

// jobWaitParamDocs documents the parameters of the job waits after their
// first: waitParamDocs, with how their polling adapts to the jobs' expected
// durations.
func jobWaitParamDocs() []ParamDoc {
	docs := waitParamDocs()
	for i := range docs {
		if docs[i].Name == "poll" {
			docs[i].Desc = "the first polling interval; it backs off from there, but polls again just after a job's expected end " +
				"(its start plus the median duration of the jobs of its template the run saw finish; never sooner than 1s " +
				"after the last poll) and restarts from `poll` when the job is still running then"
		}
	}
	return docs
}

// listParamDocs documents filter= and limit= of the list builtins.
func listParamDocs() []ParamDoc {
	return []ParamDoc{
		{Name: "filter", Default: "None",
			Desc: "an OData filter: a string such as `\"state eq 'RUNNING'\"` or a filter made by the odata module; checked before anything is sent"},
		{Name: "limit", Default: "None", Desc: "return at most this many items (1 to 1000000); None reads every page"},
	}
}

// listDecl declares module.list(filter=None, limit=None) over list.
func listDecl(module, what, example string, list func(*glapi.Client) lister) builtin {
	return builtin{Doc: Doc{Name: module + ".list", Params: listParamDocs(),
		Summary: "List " + what + " matching a filter, over every page.",
		Returns: "a list of records", Example: example},
		impl: listImpl(list)}
}

// getDecl declares module.get(id) over get; what names the item ("job").
func getDecl(module, what, example string, get func(*glapi.Client) getter) builtin {
	return builtin{Doc: Doc{Name: module + ".get",
		Params:  []ParamDoc{{Name: "id", Desc: "the " + what + "'s id, or a record of it"}},
		Summary: "Read one " + what + " by id.", Returns: "a record", Example: example},
		impl: getImpl(what, get)}
}

// computeBuiltins declares the compute module.
func computeBuiltins() []builtin {
	var (
		jobsList    = func(c *glapi.Client) lister { return c.Jobs.ListFunc }
		jobsGet     = func(c *glapi.Client) getter { return c.Jobs.Get }
		opsList     = func(c *glapi.Client) lister { return c.AsyncOps.ListFunc }
		opsGet      = func(c *glapi.Client) getter { return c.AsyncOps.Get }
		srvList     = func(c *glapi.Client) lister { return c.Servers.ListFunc }
		srvGet      = func(c *glapi.Client) getter { return c.Servers.Get }
		grpList     = func(c *glapi.Client) lister { return c.Groups.ListFunc }
		grpGet      = func(c *glapi.Client) getter { return c.Groups.Get }
		fwList      = func(c *glapi.Client) lister { return c.FirmwareBundles.ListFunc }
		fwGet       = func(c *glapi.Client) getter { return c.FirmwareBundles.Get }
		jobsWaitOne = api(func(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
			return jobsWait(ctx, env, a, true)
		})
		jobsWaitAll = api(func(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
			return jobsWait(ctx, env, a, false)
		})
	)
	return []builtin{
		{Doc: Doc{Name: "compute.jobs.create",
			Params: []ParamDoc{
				{Name: "template", Desc: "a job template alias (`power_on`, `power_off`, `restart`, `cold_boot`, `firmware_update`, `ilo_firmware_update`, `group_firmware_update`, `group_firmware_compliance`, ... all 19 of Compute Ops Management) or a template UUID"},
				{Name: "resource", Desc: "the server or group to run on: a record (from list or get) or an id string"},
				{Name: "params", Default: "{}", Desc: "the job's parameters, a dict with JSON values (e.g. `{\"bundle_id\": ...}` for firmware updates)"},
				{Name: "resource_type", Default: "None", Desc: "what an id string names: `\"server\"`, `\"group\"`, `\"oneview-appliance\"` or `\"filter\"`; by default the template's type"},
			},
			Summary: "Create a job from a template on a server or group.",
			Returns: "the created job (state PENDING or RUNNING)", Mutates: true,
			Example: `server = compute.servers.list(filter = "name eq 'prod-web-01'")[0]
job = compute.jobs.create("restart", server)
job = compute.jobs.wait(job, timeout = "30m")
print(job.state)`},
			impl: api(jobsCreate)},
		getDecl("compute.jobs", "job", `job = compute.jobs.list(limit = 1)[0]
print(compute.jobs.get(job.id).state)`, jobsGet),
		listDecl("compute.jobs", "jobs", `failed = compute.jobs.list(filter = "state eq 'ERROR'")
print(len(failed), "failed jobs")`, jobsList),
		{Doc: Doc{Name: "compute.jobs.update",
			Params: []ParamDoc{
				{Name: "id", Desc: "the job's id, or a record of it"},
				{Name: "state", Desc: "`\"COMPLETE\"` or `\"ERROR\"`, the only states a job can be set to"},
			},
			Summary: "Set a job's state by hand (to clear a stuck job).",
			Returns: "the updated job", Mutates: true,
			Example: `server = compute.servers.list(limit = 1)[0]
job = compute.jobs.create("collect_server_inventory", server)
print(compute.jobs.update(job, state = "COMPLETE").state)`},
			impl: api(jobsUpdate)},
		{Doc: Doc{Name: "compute.jobs.wait",
			Params: append([]ParamDoc{
				{Name: "job", Desc: "the job to wait for: a record (as returned by create) or an id string"},
			}, jobWaitParamDocs()...),
			Summary: "Wait until a job is COMPLETE or ERROR, showing its progress.",
			Returns: "the finished job",
			Example: `group = compute.groups.list(filter = "name eq 'lab'")[0]
job = compute.jobs.create("group_firmware_compliance", group)
job = compute.jobs.wait(job, timeout = "1h", poll = "10s")
print(job.state, job.resultCode)`},
			impl: jobsWaitOne},
		{Doc: Doc{Name: "compute.jobs.wait_all",
			Params: append([]ParamDoc{
				{Name: "jobs", Desc: "a list of jobs (records or id strings)"},
			}, jobWaitParamDocs()...),
			Summary: "Wait until every job of a list is finished, with one list request per poll.",
			Returns: "the finished jobs, in the order given",
			Example: `servers = compute.servers.list(filter = "startswith(name, 'prod-web-0')", limit = 3)
jobs = [compute.jobs.create("power_on", s) for s in servers]
done = compute.jobs.wait_all(jobs, timeout = "30m")
print([j.state for j in done])`},
			impl: jobsWaitAll},
		getDecl("compute.async_ops", "async operation", `op = compute.async_ops.list(limit = 1)[0]
print(compute.async_ops.get(op.id).state)`, opsGet),
		listDecl("compute.async_ops", "async operations", `running = compute.async_ops.list(filter = "state eq 'RUNNING'")
print(len(running))`, opsList),
		{Doc: Doc{Name: "compute.async_ops.wait",
			Params: append([]ParamDoc{
				{Name: "op", Desc: "the async operation: a record or an id string"},
			}, waitParamDocs()...),
			Summary: "Wait until an async operation is SUCCEEDED, FAILED or CANCELLED.",
			Returns: "the finished operation",
			Example: `op = compute.async_ops.list(limit = 1)[0]
op = compute.async_ops.wait(op, timeout = "2h", fail_on_error = False)
print(op.state)`},
			impl: api(asyncOpWait)},
		getDecl("compute.servers", "server", `s = compute.servers.list(limit = 1)[0]
print(compute.servers.get(s.id).name)`, srvGet),
		listDecl("compute.servers", "servers", `off = compute.servers.list(filter = "hardware/powerState eq 'OFF'")
print([s.name for s in off])`, srvList),
		getDecl("compute.groups", "group", `g = compute.groups.list(filter = "name eq 'prod-web'")[0]
print(compute.groups.get(g.id).name)`, grpGet),
		listDecl("compute.groups", "groups", `print([g.name for g in compute.groups.list()])`, grpList),
		{Doc: Doc{Name: "compute.groups.compliance",
			Params:  []ParamDoc{{Name: "group", Desc: "the group: a record or an id string"}},
			Summary: "Read the per-server firmware compliance records of a group.",
			Returns: "a list of compliance records",
			Example: `g = compute.groups.list(filter = "name eq 'prod-web'")[0]
for rec in compute.groups.compliance(g):
    print(rec.serial, rec.complianceState)`},
			impl: groupsCompliance()},
		getDecl("compute.firmware_bundles", "firmware bundle", `b = compute.firmware_bundles.list(limit = 1)[0]
print(compute.firmware_bundles.get(b.id).releaseVersion)`, fwGet),
		listDecl("compute.firmware_bundles", "firmware bundles", `print([b.releaseVersion for b in compute.firmware_bundles.list()])`, fwList),
	}
}
