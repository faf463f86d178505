package builtins

import "glrun/glapi"

// schedulesBuiltins declares compute.schedules.
func schedulesBuiltins() []builtin {
	var (
		schList  = func(c *glapi.Client) lister { return c.Schedules.ListFunc }
		schGet   = func(c *glapi.Client) getter { return c.Schedules.Get }
		schedule = ParamDoc{Name: "id", Desc: "the schedule's id, or a record of it"}
		startAt  = ParamDoc{Name: "start_at",
			Desc: "when it first runs: a time (`time.now() + time.parse_duration(\"24h\")`) or an RFC 3339 string; in the future and within a year"}
		interval = ParamDoc{Name: "interval", Default: "None",
			Desc: "how often it runs again: an ISO 8601 duration such as `\"P7D\"` or a duration such as `\"12h\"`, more than 15 minutes and less than a year; None runs once"}
	)
	return []builtin{
		{Doc: Doc{Name: "compute.schedules.create",
			Params: []ParamDoc{
				{Name: "name", Desc: "the schedule's name (1 to 100 characters)"},
				{Name: "template", Desc: "the job template of the job it creates: an alias such as `restart` or a UUID, as for compute.jobs.create"},
				{Name: "resource", Desc: "the server or group the job runs on: a record or an id string"},
				startAt,
				{Name: "params", Default: "{}", Desc: "the job's parameters, as for compute.jobs.create"},
				interval,
				{Name: "description", Default: "None", Desc: "what the schedule is for"},
				{Name: "resource_type", Default: "None", Desc: "what an id string names, as for compute.jobs.create"},
				{Name: "idempotency_key", Default: "None",
					Desc: "the Idempotency-Key (a UUID) sent with the creation; by default one derived from the schedule, so the same creation sent again (a retried run) returns the first schedule instead of making a second; when a plan is applied, a key derived from the plan and the change is sent instead"},
			},
			Summary: "Schedule a job: create it at a time, and again every interval.",
			Returns: "the created schedule (`nextStartAt` says when it runs)", Mutates: true,
			Example: `server = compute.servers.list(filter = "name eq 'prod-web-01'")[0]
s = compute.schedules.create("prod-web-01 weekly restart", "restart", server,
    start_at = time.now() + time.parse_duration("24h"), interval = "P7D")
print(s.id, s.nextStartAt)`},
			impl: api(schedulesCreate)},
		getDecl("compute.schedules", "schedule", `for s in compute.schedules.list(limit = 3):
    print(compute.schedules.get(s.id).nextStartAt)`, schGet),
		listDecl("compute.schedules", "schedules", `for s in compute.schedules.list(filter = "operation/method eq 'POST'"):
    print(s.name, s.schedule.startAt, s.nextStartAt)`, schList),
		{Doc: Doc{Name: "compute.schedules.update",
			Params: []ParamDoc{
				schedule,
				{Name: "name", Default: "None", Desc: "a new name"},
				{Name: "description", Default: "None", Desc: "a new description"},
				{Name: "start_at", Default: "None", Desc: "a new first run, as for create"},
				{Name: "interval", Default: "None", Desc: "a new interval, as for create, with start_at="},
			},
			Summary: "Change a schedule's name, description or window (its job cannot change: delete and create).",
			Returns: "the updated schedule", Mutates: true,
			Example: `for s in compute.schedules.list(limit = 1):
    compute.schedules.update(s, start_at = time.now() + time.parse_duration("48h"), interval = "P14D")`},
			impl: api(schedulesUpdate)},
		{Doc: Doc{Name: "compute.schedules.delete", Params: []ParamDoc{schedule},
			Summary: "Delete a schedule (its future runs do not happen).", Mutates: true,
			Example: `for s in compute.schedules.list():
    if s.name.startswith("temp-"):
        compute.schedules.delete(s)`},
			impl: deleteImpl("schedule", func(c *glapi.Client) deleter { return c.Schedules.Delete })},
		{Doc: Doc{Name: "compute.schedules.history",
			Params: []ParamDoc{schedule,
				{Name: "limit", Default: "None", Desc: "return at most this many runs; None reads every page"}},
			Summary: "Read a schedule's runs, newest first: when, whether it succeeded, what was answered.",
			Returns: "a list of history records (`startedAt`, `succeeded`, `summary`, `status`, `body`)",
			Example: `for s in compute.schedules.list():
    for run in compute.schedules.history(s, limit = 5):
        print(s.name, run.startedAt, run.summary)`},
			impl: api(schedulesHistory)},
	}
}
