package builtins

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"glrun/glapi"
	"glrun/glapi/wait"
)

// Kinds of error a caught error record reports (its kind field).
const (
	// ErrorKindAPI is a request GreenLake answered with an error status.
	ErrorKindAPI = "api"
	// ErrorKindTimeout is a wait whose timeout= passed.
	ErrorKindTimeout = "timeout"
	// ErrorKindJobFailed is a job that ended in ERROR, FAILURE or DECLINED.
	ErrorKindJobFailed = "job_failed"
	// ErrorKindOperationFailed is an async operation that ended FAILED or
	// CANCELLED.
	ErrorKindOperationFailed = "operation_failed"
	// ErrorKindFail is a call of fail().
	ErrorKindFail = "fail"
	// ErrorKindArgument is a builtin refusing one of its arguments.
	ErrorKindArgument = "argument"
	// ErrorKindError is any other error (a Starlark error such as a
	// missing key, a network failure...).
	ErrorKindError = "error"
)

// cancelledPrefix starts the error of a Starlark thread that was cancelled
// (go.starlark.net's wording): the run's step limit, or its context ending.
const cancelledPrefix = "Starlark computation cancelled: "

// Uncatchable is implemented by errors that catch and retry must never
// turn into values, because the run's promises depend on them stopping it
// (an apply that drifted from its plan, for instance).
type Uncatchable interface {
	// Uncatchable returns true.
	Uncatchable() bool
}

// catchable reports whether err, the failure of a call made on thread,
// may become a value: not when the run was interrupted, timed out or ran
// out of memory (the thread's context is done), not when the thread hit
// its step limit or was cancelled, and not for an Uncatchable error.
func catchable(thread *starlark.Thread, err error) bool {
	if Context(thread).Err() != nil {
		return false
	}
	if strings.Contains(err.Error(), cancelledPrefix) {
		return false
	}
	var u Uncatchable
	if errors.As(err, &u) && u.Uncatchable() {
		return false
	}
	return true
}

// catchCall is catch(fn, *args, **kwargs): it calls fn and returns a
// result whose value is what fn returned, or whose error describes how it
// failed. Errors that must stop the run (see catchable) are not caught.
func catchCall(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) == 0 {
		return nil, &ArgError{Fn: b.Name(), Param: "fn", Want: "a function to call (its arguments follow it)", Got: "nothing"}
	}
	fn, ok := args[0].(starlark.Callable)
	if !ok {
		return nil, argError(b.Name(), "fn", "a function to call (its arguments follow it)", args[0])
	}
	v, err := starlark.Call(thread, fn, args[1:], kwargs)
	if err != nil {
		if !catchable(thread, err) {
			return nil, err
		}
		return caughtResult(starlark.None, ErrorRecord(err)), nil
	}
	return caughtResult(v, starlark.None), nil
}

// caughtResult is the value catch returns: result(value=..., error=...).
func caughtResult(value, errRec starlark.Value) starlark.Value {
	return starlarkstruct.FromStringDict(starlark.String("result"), starlark.StringDict{
		"value": value,
		"error": errRec,
	})
}

// ErrorRecord describes err as a record with the fields a runbook can
// branch on:
//
//   - message: the error's one-line message (without the Starlark backtrace);
//   - kind: api, timeout, job_failed, operation_failed, fail, argument or error;
//   - status, errorCode, debugId: for an api error, the HTTP status and the
//     API's errorCode and debugId (None otherwise);
//   - job, jobs: for a job_failed error the (first) failed job and every
//     failed job; for a timeout, the (first) unfinished item and every one
//     (None and [] otherwise);
//   - operation: for an operation_failed error, the async operation;
//   - result: for a fail error, what fail(result=...) handed back.
func ErrorRecord(err error) *Record {
	f := map[string]starlark.Value{
		"message":   starlark.String(errorMessage(err)),
		"kind":      starlark.String(ErrorKindError),
		"status":    starlark.None,
		"errorCode": starlark.None,
		"debugId":   starlark.None,
		"job":       starlark.None,
		"jobs":      frozen(starlark.NewList(nil)),
		"operation": starlark.None,
		"result":    starlark.None,
	}
	var (
		api     *glapi.APIError
		timeout *wait.TimeoutError
		jobErr  *wait.JobFailedError
		opErr   *wait.OpFailedError
		failErr *FailError
		argErr  *ArgError
	)
	switch {
	case errors.As(err, &failErr):
		f["kind"] = starlark.String(ErrorKindFail)
		if failErr.Result != nil {
			f["result"] = failErr.Result
		}
	case errors.As(err, &timeout):
		f["kind"] = starlark.String(ErrorKindTimeout)
		setJobs(f, timeout.Unfinished)
	case errors.As(err, &jobErr):
		f["kind"] = starlark.String(ErrorKindJobFailed)
		var jobs []glapi.Object
		for _, je := range failedJobs(err) {
			jobs = append(jobs, failedJobObject(je))
		}
		setJobs(f, jobs)
	case errors.As(err, &opErr):
		f["kind"] = starlark.String(ErrorKindOperationFailed)
		f["operation"] = ToStarlark(map[string]any{
			"id": opErr.ID, "sourceResourceUri": opErr.Source, "state": opErr.State,
			"error": opErr.Details, "recommendations": stringsAny(opErr.Recommendations),
		})
	case errors.As(err, &api):
		f["kind"] = starlark.String(ErrorKindAPI)
		f["status"] = starlark.MakeInt(api.StatusCode)
		f["errorCode"] = noneOr(api.ErrorCode)
		f["debugId"] = noneOr(api.DebugID)
	case errors.As(err, &argErr):
		f["kind"] = starlark.String(ErrorKindArgument)
	}
	return NewRecord(f)
}

// errorMessage is err's message without the Starlark backtrace.
func errorMessage(err error) string {
	var ee *starlark.EvalError
	if errors.As(err, &ee) {
		return ee.Msg
	}
	return err.Error()
}

// failedJobs returns every *wait.JobFailedError in err's tree (wait_all
// joins one per failed job).
func failedJobs(err error) []*wait.JobFailedError {
	var out []*wait.JobFailedError
	var walk func(error)
	walk = func(e error) {
		if je, ok := e.(*wait.JobFailedError); ok {
			out = append(out, je)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			if c := u.Unwrap(); c != nil {
				walk(c)
			}
		}
	}
	walk(err)
	return out
}

// failedJobObject is a failed job as the record a runbook reads, with the
// API's field names.
func failedJobObject(e *wait.JobFailedError) glapi.Object {
	return glapi.Object{
		"id": e.ID, "name": e.Template, "state": e.State, "resultCode": noneIfEmpty(e.ResultCode),
		"status": e.Status, "statusDetails": e.StatusDetails,
		"resource": map[string]any{"id": e.Resource, "name": noneIfEmpty(e.ResourceName)},
	}
}

// setJobs sets the job and jobs fields of an error record.
func setJobs(f map[string]starlark.Value, jobs []glapi.Object) {
	if len(jobs) == 0 {
		return
	}
	f["job"] = ToStarlark(jobs[0])
	f["jobs"] = frozen(recordList(jobs))
}

func frozen(l *starlark.List) *starlark.List { l.Freeze(); return l }

func noneOr(s string) starlark.Value {
	if s == "" {
		return starlark.None
	}
	return starlark.String(s)
}

func noneIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func stringsAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// maxRetryAttempts bounds retry's attempts=.
const maxRetryAttempts = 100

// retryCall is retry(fn, attempts=3, backoff="10s", max_backoff="5m",
// when=None): it calls fn() until it succeeds, sleeping on the run's clock
// between attempts (backoff, doubling up to max_backoff). An error that
// must stop the run (see catchable), an argument error, or one for which
// when(error) is false is raised at once; after the last attempt, the
// last error is raised, saying how many attempts were made.
func retryCall(thread *starlark.Thread, env *Env, a *Args) (starlark.Value, error) {
	var fn CallableArg
	attempts := IntArg{Min: 1, Max: maxRetryAttempts}
	var backoff, maxBackoff DurationArg
	var when CallableArg
	if err := a.Unpack("fn", &fn, "attempts", &attempts, "backoff", &backoff, "max_backoff", &maxBackoff, "when", &when); err != nil {
		return nil, err
	}
	if backoff.Duration < 0 {
		return nil, a.Error("backoff", "a duration of 0 or more")
	}
	if maxBackoff.Duration < backoff.Duration {
		return nil, a.Error("max_backoff", fmt.Sprintf("a duration of at least backoff (%s)", backoff.Duration))
	}
	delay := backoff.Duration
	for n := 1; ; n++ {
		v, err := starlark.Call(thread, fn.Value, nil, nil)
		if err == nil {
			return v, nil
		}
		if !catchable(thread, err) {
			return nil, err
		}
		rec := ErrorRecord(err)
		if kind, _ := rec.Field("kind"); kind == starlark.String(ErrorKindArgument) {
			return nil, err
		}
		if when.Value != nil {
			ok, werr := starlark.Call(thread, when.Value, starlark.Tuple{rec}, nil)
			if werr != nil {
				return nil, werr
			}
			if !ok.Truth() {
				return nil, err
			}
		}
		if n == attempts.Value {
			return nil, fmt.Errorf("%s: gave up after %d attempts: %w", a.Fn(), n, err)
		}
		loggerOf(env).LogAttrs(Context(thread), slog.LevelWarn, a.Fn()+": attempt failed; retrying",
			slog.String("attempt", fmt.Sprintf("%d of %d", n, attempts.Value)),
			slog.String("in", delay.String()), slog.String("error", errorMessage(err)))
		if err := clockOf(env).Sleep(Context(thread), delay); err != nil {
			return nil, fmt.Errorf("%s: interrupted while waiting %s to retry: %w", a.Fn(), delay, err)
		}
		delay = min(2*delay, maxBackoff.Duration)
	}
}
