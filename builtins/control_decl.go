package builtins

import "go.starlark.net/starlark"

// controlBuiltins declares what a runbook uses to handle failure and to
// know how it runs: catch, retry and runbook_mode.
//
// catch is named for what it does to an error. Starlark has no try
// statement (try is a reserved word, and glrun adds no syntax), so a
// failure becomes a value the runbook branches on, as in Go: the call
// catch(f, x) returns a result whose error is None or says what went
// wrong. What must stop the run is never caught: an interrupt (Ctrl-C),
// the run's --timeout, the step and memory limits, and an apply that
// drifts from its plan.
func controlBuiltins() []builtin {
	return []builtin{
		{Doc: Doc{Name: "catch",
			Params: []ParamDoc{
				{Name: "fn", Desc: "the function to call"},
				{Name: "args", Variadic: true, Desc: "its positional arguments"},
				{Name: "kwargs", Kwargs: true, Desc: "its keyword arguments"},
			},
			Summary: "Call fn(*args, **kwargs) and return its failure as a value instead of stopping the run. " +
				"An interrupt, the run's timeout, the step and memory limits and a drift from the plan are never caught.",
			Returns: "a result: `.value` is what fn returned (None when it failed); `.error` is None, or a record with " +
				"`message`, `kind` (`\"api\"`, `\"timeout\"`, `\"job_failed\"`, `\"operation_failed\"`, `\"fail\"`, `\"argument\"` or `\"error\"`), " +
				"for an API error `status` (the HTTP status), `errorCode` and `debugId`, " +
				"for a failed job or a wait's timeout `job` (the first) and `jobs` (all of them), " +
				"for a failed async operation `operation`, and for fail() its `result`",
			Example: `s = compute.servers.list(filter = "name eq 'prod-web-01'")[0]
r = catch(compute.jobs.wait, compute.jobs.create("restart", s), timeout = "1h")
if r.error:
    log.warn("restart failed", server = s.name, kind = r.error.kind, error = r.error.message)
else:
    print(r.value.state)
missing = catch(compute.servers.get, "P00000-B21+NOSUCHSERVER")
print(missing.error.kind, missing.error.status)`},
			raw: func(*Env) *starlark.Builtin { return starlark.NewBuiltin("catch", catchCall) }},
		{Doc: Doc{Name: "retry",
			Params: []ParamDoc{
				{Name: "fn", Desc: "a function of no arguments (a lambda or a def) to call until it succeeds"},
				{Name: "attempts", Default: "3", Desc: "how many calls at most, 1 to 100"},
				{Name: "backoff", Default: `"10s"`, Desc: "the wait after the first failure, doubling after each next one"},
				{Name: "max_backoff", Default: `"5m"`, Desc: "the longest wait between two attempts"},
				{Name: "when", Default: "None", Desc: "a function of the error record (as catch gives it) saying whether to retry; None retries every error but argument errors"},
			},
			Summary: "Call fn() until it succeeds, waiting on glrun's clock between attempts; after the last attempt its error stops the run. " +
				"What catch never catches is never retried.",
			Returns: "what fn returned",
			Example: `def restart_web_01():
    s = compute.servers.list(filter = "name eq 'prod-web-01'")[0]
    return compute.jobs.wait(compute.jobs.create("restart", s))

job = retry(restart_web_01, attempts = 3, backoff = "1m",
            when = lambda e: e.kind in ("job_failed", "timeout") or e.status in (429, 503))
print(job.state)`},
			impl: retryCall},
		{Doc: Doc{Name: "runbook_mode",
			Summary: "How this run treats GreenLake: `\"live\"` (changes are made), `\"plan\"` (a dry run: changes are recorded, not made; " +
				"log lines are marked planned=true) or `\"test\"` (glrun test, against its simulator).",
			Returns: "a string",
			Example: `if runbook_mode() == "plan":
    log.info("dry run: nothing below is changed")
print(runbook_mode())`},
			impl: runbookMode},
	}
}
