package runtest

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"glrun/builtins"
	"glrun/exitcode"
	"glrun/runtime"
	"glrun/session"
)

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// runbookModule is the runbook module: runbook.run(path, **params).
func (tc *testCase) runbookModule() *starlarkstruct.Module {
	return &starlarkstruct.Module{Name: "runbook", Members: starlark.StringDict{
		"run": starlark.NewBuiltin("runbook.run", tc.runBuiltin),
	}}
}

// runBuiltin runs a runbook's main(**params) against the test's simulator
// (or cassette) and returns its result. A runbook that fails does not fail
// the test: the result says how it failed.
func (tc *testCase) runBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	a, err := builtins.Bind(runbookRunDoc, args, nil)
	if err != nil {
		return nil, err
	}
	pathArg := builtins.StringArg{What: "a runbook path string (its parameters go as keywords: runbook.run(\"power_cycle.star\", group = \"prod-web\"))", NonEmpty: true}
	if err := a.Unpack("path", &pathArg); err != nil {
		return nil, err
	}
	rel := pathArg.Value
	path, err := tc.resolve(rel)
	if err != nil {
		return nil, fmt.Errorf("%s: runbook %w", b.Name(), err)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%s: runbook %s: %w", b.Name(), path, err)
	}
	ctx := builtins.Context(thread)
	logs := &lines{}
	logger := slog.New(&lineHandler{out: logs})
	cap := &capturing{next: caseTransport{tc: tc}}
	opened, err := session.New(tc.sessionConfig(cap, logger, func(_ *starlark.Thread, msg string) { logs.add("PRINT " + msg) }))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	var value starlark.Value = starlark.None
	var runErr error
	if err := session.Check(path); err != nil {
		runErr = err
	} else if rb, err := opened.Load(ctx, path); err != nil {
		runErr = err
	} else {
		given := make(map[string]starlark.Value, len(kwargs))
		for _, kv := range kwargs {
			given[string(kv[0].(starlark.String))] = kv[1]
		}
		// Bound as on the command line: emails = "a,b" is a list for a
		// list parameter; a missing or unknown parameter is a usage error.
		value, runErr = rb.CallValues(ctx, given)
	}
	if tc.opts.Verbose {
		for _, l := range logs.list() {
			tc.output.add("    " + rel + ": " + l)
		}
	}
	if runErr != nil && ctx.Err() != nil {
		return nil, runErr // the test itself was stopped
	}
	return tc.result(value, runErr, logs.list(), cap)
}

// result builds runbook.run's answer.
func (tc *testCase) result(value starlark.Value, runErr error, logs []string, cap *capturing) (starlark.Value, error) {
	status, code, errText := "ok", 0, starlark.Value(starlark.None)
	if runErr != nil {
		code = exitcode.Failed
		msg := runErr.Error()
		var re *runtime.Error
		if errors.As(runErr, &re) {
			code, msg = re.ExitCode(), re.Msg
		}
		status = statusOf(code)
		errText = starlark.String(msg)
		// A runbook that failed with fail(result=...) hands that back.
		value = starlark.None
		if partial := builtins.PartialResult(runErr); partial != nil {
			value = partial
		}
	}
	var jobs []starlark.Value
	for _, created := range cap.createdJobs() {
		id, _ := created["id"].(string)
		if tc.player == nil {
			if now, ok := tc.sim.Job(id); ok {
				jobs = append(jobs, builtins.ToStarlark(now))
				continue
			}
		}
		jobs = append(jobs, builtins.ToStarlark(created))
	}
	muts := cap.mutations()
	mv := make([]starlark.Value, len(muts))
	for i, m := range muts {
		mv[i] = starlark.String(m)
	}
	lv := make([]starlark.Value, len(logs))
	for i, l := range logs {
		lv[i] = starlark.String(l)
	}
	fields := starlark.StringDict{
		"status":    starlark.String(status),
		"exit_code": starlark.MakeInt(code),
		"value":     value,
		"error":     errText,
		"jobs":      frozenList(jobs),
		"mutations": frozenList(mv),
		"logs":      frozenList(lv),
		"requests":  starlark.MakeInt(cap.count()),
	}
	return starlarkstruct.FromStringDict(starlark.String("run_result"), fields), nil
}

// statusOf names an exit code: ok, failed, usage, drift, timeout, canceled.
func statusOf(code int) string {
	switch code {
	case exitcode.OK:
		return "ok"
	case exitcode.Usage:
		return "usage"
	case exitcode.Drift:
		return "drift"
	case exitcode.Timeout:
		return "timeout"
	case exitcode.Interrupted:
		return "canceled"
	}
	return "failed"
}

func frozenList(vs []starlark.Value) *starlark.List {
	l := starlark.NewList(vs)
	l.Freeze()
	return l
}
