package builtins

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"glrun/glapi"
	"glrun/glapi/wait"
	"glrun/progress"
)

// waitParams are the parameters every wait takes after its first.
var waitParams = []string{"timeout?", "poll?", "fail_on_error?"}

// jobsModule returns compute.jobs.
func jobsModule(env *Env) *starlarkstruct.Module {
	jobsList := func(c *glapi.Client) lister { return c.Jobs.ListFunc }
	jobsGet := func(c *glapi.Client) getter { return c.Jobs.Get }
	return newModule("compute.jobs", starlark.StringDict{
		"create": apiBuiltin(env, "compute.jobs.create",
			[]string{"template", "resource", "params?", "resource_type?"}, jobsCreate),
		"get":    getBuiltin(env, "compute.jobs.get", "job", jobsGet),
		"list":   listBuiltin(env, "compute.jobs.list", jobsList),
		"update": apiBuiltin(env, "compute.jobs.update", []string{"id", "state"}, jobsUpdate),
		"wait": apiBuiltin(env, "compute.jobs.wait", append([]string{"job"}, waitParams...),
			func(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
				return jobsWait(ctx, env, a, true)
			}),
		"wait_all": apiBuiltin(env, "compute.jobs.wait_all", append([]string{"jobs"}, waitParams...),
			func(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
				return jobsWait(ctx, env, a, false)
			}),
	})
}

// jobsCreate is compute.jobs.create(template, resource, params={},
// resource_type=None).
func jobsCreate(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	tmpl, err := lookupTemplate(a)
	if err != nil {
		return nil, err
	}
	id, typ, err := resolveResource(a, tmpl)
	if err != nil {
		return nil, err
	}
	var params map[string]any
	if a.Has("params") {
		d, ok := a.Value("params").(*starlark.Dict)
		if !ok {
			return nil, a.Error("params", "a dict of job parameters")
		}
		v, err := FromStarlark(d)
		if err != nil {
			return nil, a.Error("params", "a dict of job parameters with JSON values ("+err.Error()+")")
		}
		if m := v.(map[string]any); len(m) > 0 {
			params = m
		}
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	job, err := c.Jobs.CreateChecked(ctx, glapi.JobCreate{JobTemplate: tmpl.ID, ResourceID: id, ResourceType: typ, JobParams: params})
	if err != nil {
		return nil, callError(a.Fn(), fmt.Errorf("create %s job on %s: %w", tmpl.Name, id, err))
	}
	return ToStarlark(job), nil
}

// jobsUpdate is compute.jobs.update(id, state=): state COMPLETE or ERROR.
func jobsUpdate(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	id, err := a.ID("id", "job")
	if err != nil {
		return nil, err
	}
	const want = `"COMPLETE" or "ERROR" (the only states a job can be set to)`
	state, err := a.String("state", want)
	if err != nil {
		return nil, err
	}
	state = strings.ToUpper(strings.TrimSpace(state))
	if state != glapi.JobComplete && state != glapi.JobError {
		return nil, a.Error("state", want)
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	job, err := c.Jobs.Update(ctx, id, state)
	if err != nil {
		return nil, callError(a.Fn(), fmt.Errorf("set job %s to %s: %w", id, state, err))
	}
	return ToStarlark(job), nil
}

// jobsWait is compute.jobs.wait(job, ...) when single, else
// compute.jobs.wait_all(jobs, ...).
func jobsWait(ctx context.Context, env *Env, a *Args, single bool) (starlark.Value, error) {
	var items []glapi.Object
	var err error
	if single {
		var it glapi.Object
		it, err = waitItem(a, "job", a.Value("job"))
		items = []glapi.Object{it}
	} else {
		items, err = waitItems(a, "jobs", "job")
	}
	if err != nil {
		return nil, err
	}
	opts, failOnError, err := waitArgs(env, a)
	if err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	done, err := wait.For(ctx, wait.Jobs(c.Jobs, !single), items, opts)
	if err != nil {
		return nil, err
	}
	if failOnError {
		if err := jobFailures(a.Fn(), done); err != nil {
			return nil, err
		}
	}
	if single {
		return ToStarlark(done[0]), nil
	}
	return recordList(done), nil
}

// jobFailures returns an error naming every failed job among done, or nil.
func jobFailures(fn string, done []glapi.Object) error {
	var errs []error
	for _, j := range done {
		if err := wait.JobFailure(j); err != nil {
			errs = append(errs, err)
		}
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s: %w", fn, errs[0])
	}
	return fmt.Errorf("%s: %d of %d jobs failed:\n%w", fn, len(errs), len(done), errors.Join(errs...))
}

// waitArgs reads timeout=, poll= and fail_on_error=, and returns the
// options of the wait: on env's clock, with its progress display.
func waitArgs(env *Env, a *Args) (wait.Options, bool, error) {
	timeout, err := a.Duration("timeout", wait.DefaultTimeout)
	if err == nil && timeout <= 0 {
		err = a.Error("timeout", fmt.Sprintf("a positive duration such as %q (default %s)", "30m", wait.DefaultTimeout))
	}
	if err != nil {
		return wait.Options{}, false, err
	}
	poll, err := a.Duration("poll", wait.DefaultPoll)
	if err == nil && poll < time.Second {
		err = a.Error("poll", fmt.Sprintf("a duration of at least 1s such as %q (default %s)", "10s", wait.DefaultPoll))
	}
	if err != nil {
		return wait.Options{}, false, err
	}
	failOnError, err := a.Bool("fail_on_error", true)
	if err != nil {
		return wait.Options{}, false, err
	}
	clk := clockOf(env)
	var display *progress.Display
	var log *slog.Logger
	if env != nil {
		display, log = env.Progress, env.Log
	}
	return wait.Options{What: a.Fn(), Timeout: timeout, Poll: poll, Clock: clk,
		Report: progress.For(display, log, clk)}, failOnError, nil
}

// waitItem returns what param of a wait stands for: a record (its fields,
// so a state already final needs no request) or an id string.
func waitItem(a *Args, param string, v starlark.Value) (glapi.Object, error) {
	what := strings.TrimSuffix(param, "s")
	if strings.HasPrefix(a.Fn(), "compute.async_ops") {
		what = "async operation"
	}
	id, ok := IDOf(v)
	if !ok {
		return nil, a.Error(param, fmt.Sprintf("a %s record (as returned by create, get or list) or a %s id string", what, what))
	}
	if _, isString := v.(starlark.String); isString {
		return glapi.Object{"id": id}, nil
	}
	m, err := FromStarlark(v)
	if err != nil {
		return nil, a.Error(param, fmt.Sprintf("a %s record (%v)", what, err))
	}
	return glapi.Object(m.(map[string]any)), nil
}

// waitItems returns the records or ids of the list argument param.
func waitItems(a *Args, param, what string) ([]glapi.Object, error) {
	vals, err := a.List(param, fmt.Sprintf("a list of %s records or %s id strings", what, what))
	if err != nil {
		return nil, err
	}
	out := make([]glapi.Object, len(vals))
	for i, v := range vals {
		it, err := waitItem(a, param, v)
		if err != nil {
			return nil, &ArgError{Fn: a.Fn(), Param: fmt.Sprintf("%s[%d]", param, i),
				Want: fmt.Sprintf("a %s record or a %s id string", what, what), Got: Describe(v)}
		}
		out[i] = it
	}
	return out, nil
}
