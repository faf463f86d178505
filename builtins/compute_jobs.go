package builtins

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"go.starlark.net/starlark"

	"glrun/glapi"
	"glrun/glapi/wait"
	"glrun/progress"
)

// jobsCreate is compute.jobs.create(template, resource, params={},
// resource_type=None).
func jobsCreate(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	var (
		tmpl   TemplateArg
		res    = ValueArg{What: "a server or group record, or a resource id string"}
		params JobParamsArg
		rtype  ResourceTypeArg
	)
	// In the order of the checks users see first: what to run, where.
	if err := a.Unpack("template", &tmpl, "resource_type", &rtype, "resource", &res); err != nil {
		return nil, err
	}
	id, typ, err := resolveResource(a, tmpl.Template, res.Value, rtype.Type)
	if err != nil {
		return nil, err
	}
	if err := a.Unpack("params", &params); err != nil {
		return nil, err
	}
	resourceNamesOf(env).noteValue(res.Value)
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	job, err := c.Jobs.CreateChecked(ctx, glapi.JobCreate{JobTemplate: tmpl.Template.ID, ResourceID: id, ResourceType: typ, JobParams: params.Params})
	if err != nil {
		return nil, callError(a.Fn(), fmt.Errorf("create %s job on %s: %w", tmpl.Template.Name, id, err))
	}
	return ToStarlark(job), nil
}

// jobStateWant says what compute.jobs.update's state= expects.
func jobStateWant() string {
	return fmt.Sprintf("%q or %q (the only states a job can be set to)", glapi.JobComplete, glapi.JobError)
}

// jobsUpdate is compute.jobs.update(id, state=): state COMPLETE or ERROR.
func jobsUpdate(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	id := IDArg{What: "job"}
	stateArg := StringArg{What: jobStateWant()}
	if err := a.Unpack("id", &id, "state", &stateArg); err != nil {
		return nil, err
	}
	state := strings.ToUpper(strings.TrimSpace(stateArg.Value))
	if state != glapi.JobComplete && state != glapi.JobError {
		return nil, a.Error("state", stateArg.What)
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	job, err := c.Jobs.Update(ctx, id.ID, state)
	if err != nil {
		return nil, callError(a.Fn(), fmt.Errorf("set job %s to %s: %w", id.ID, state, err))
	}
	return ToStarlark(job), nil
}

// jobsWait is compute.jobs.wait(job, ...) when single, else
// compute.jobs.wait_all(jobs, ...).
func jobsWait(ctx context.Context, env *Env, a *Args, single bool) (starlark.Value, error) {
	param := "jobs"
	if single {
		param = "job"
	}
	items, err := unpackWaitItems(a, param, "job", single)
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
	names := resourceNamesOf(env)
	kind := wait.JobsWithApprovals(c.Jobs, c.ApprovalRequests, !single)
	kind.Label = wait.JobLabelNamed(names.name)
	done, err := wait.For(ctx, kind, items, opts)
	if err != nil {
		return nil, err
	}
	if failOnError {
		if err := jobFailures(a.Fn(), done, kind.Failure, names); err != nil {
			return nil, err
		}
	}
	if single {
		return ToStarlark(done[0]), nil
	}
	return recordList(done), nil
}

// jobFailures returns an error naming every failed job among done, or nil;
// each names its server or group when names knows it; failure is the
// wait's (wait.JobFailure, or with the approval request).
func jobFailures(fn string, done []glapi.Object, failure func(glapi.Object) error, names *resourceNames) error {
	var errs []error
	for _, j := range done {
		if err := failure(j); err != nil {
			var je *wait.JobFailedError
			if errors.As(err, &je) {
				je.ResourceName = names.name(je.Resource)
			}
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
// options of the wait: on env's clock, with its progress display and its
// record of job durations.
func waitArgs(env *Env, a *Args) (wait.Options, bool, error) {
	var timeout, poll DurationArg
	var failOnError BoolArg
	if err := a.Unpack("timeout", &timeout, "poll", &poll, "fail_on_error", &failOnError); err != nil {
		return wait.Options{}, false, err
	}
	if timeout.Duration <= 0 {
		return wait.Options{}, false, a.Error("timeout", fmt.Sprintf("a positive duration such as %q (default %s)", "30m", wait.DefaultTimeout))
	}
	if poll.Duration < time.Second {
		return wait.Options{}, false, a.Error("poll", fmt.Sprintf("a duration of at least 1s such as %q (default %s)", "10s", wait.DefaultPoll))
	}
	clk := clockOf(env)
	var display *progress.Display
	var log *slog.Logger
	var durations *wait.Durations
	if env != nil {
		display, log, durations = env.Progress, env.Log, env.Durations
	}
	return wait.Options{What: a.Fn(), Timeout: timeout.Duration, Poll: poll.Duration, Clock: clk,
		Durations: durations, Report: progress.For(display, log, clk)}, failOnError.Value, nil
}

// WaitItemArg accepts what a wait waits for: a record (its fields, so a
// state already final needs no request) or an id string.
type WaitItemArg struct {
	// What names the item: "job" or "async operation".
	What string
	// Item is the record, or an object holding only the id.
	Item glapi.Object
}

// Want says a record or an id string.
func (k *WaitItemArg) Want() string {
	return fmt.Sprintf("a %s record (as returned by create, get or list) or a %s id string", k.What, k.What)
}

// Unpack takes a record or an id.
func (k *WaitItemArg) Unpack(v starlark.Value) error {
	id, ok := IDOf(v)
	if !ok {
		return &BadArg{}
	}
	if _, isString := v.(starlark.String); isString {
		k.Item = glapi.Object{"id": id}
		return nil
	}
	m, err := FromStarlark(v)
	if err != nil {
		return &BadArg{Want: fmt.Sprintf("a %s record (%v)", k.What, err)}
	}
	k.Item = glapi.Object(m.(map[string]any))
	return nil
}

// WaitItemsArg accepts a list of what a wait waits for (see WaitItemArg).
type WaitItemsArg struct {
	// What names an item: "job".
	What string
	// Items are the records, or objects holding only an id.
	Items []glapi.Object
}

// Want says a list of records or ids.
func (k *WaitItemsArg) Want() string {
	return fmt.Sprintf("a list of %s records or %s id strings", k.What, k.What)
}

// Unpack takes a list or tuple of records or ids.
func (k *WaitItemsArg) Unpack(v starlark.Value) error {
	var list ListArg
	if err := list.Unpack(v); err != nil {
		return err
	}
	k.Items = make([]glapi.Object, len(list.Items))
	for i, it := range list.Items {
		item := WaitItemArg{What: k.What}
		if err := item.Unpack(it); err != nil {
			return &BadArg{Param: fmt.Sprintf("[%d]", i), Value: it,
				Want: fmt.Sprintf("a %s record or a %s id string", k.What, k.What)}
		}
		k.Items[i] = item.Item
	}
	return nil
}

// unpackWaitItems reads param, what a wait waits for: one item (a record
// or an id string) when single, else a list of them; what names an item
// ("job").
func unpackWaitItems(a *Args, param, what string, single bool) ([]glapi.Object, error) {
	if single {
		it := WaitItemArg{What: what}
		if err := a.Unpack(param, &it); err != nil {
			return nil, err
		}
		return []glapi.Object{it.Item}, nil
	}
	its := WaitItemsArg{What: what}
	if err := a.Unpack(param, &its); err != nil {
		return nil, err
	}
	return its.Items, nil
}
