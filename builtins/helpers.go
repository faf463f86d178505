package builtins

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"go.starlark.net/starlark"

	"glrun/glapi"
)

// logBuiltin is log.info/warn/error(msg, **fields), which write to
// env.Log with the fields as attributes. Secrets stay redacted.
func logBuiltin(env *Env, fn string, level slog.Level) *starlark.Builtin {
	return starlark.NewBuiltin(fn, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if len(args) != 1 {
			var got starlark.Value
			if len(args) > 1 {
				got = args
			}
			return nil, &ArgError{Fn: fn, Param: "msg",
				Want: "one message string (fields go as keywords: name=value)", Got: Describe(got)}
		}
		msg, ok := args[0].(starlark.String)
		if !ok {
			return nil, argError(fn, "msg", "a message string", args[0])
		}
		attrs := make([]slog.Attr, 0, len(kwargs)+1)
		for _, kv := range kwargs {
			attrs = append(attrs, slog.Any(string(kv[0].(starlark.String)), logValue(kv[1])))
		}
		if env.mode() == ModePlan {
			// Said while planning: what would be done, not what was.
			attrs = append(attrs, slog.Bool(PlannedAttr, true))
		}
		loggerOf(env).LogAttrs(Context(thread), level, string(msg), attrs...)
		return starlark.None, nil
	})
}

// PlannedAttr is the attribute (planned=true) that marks a log line made
// while planning (Env.Mode ModePlan): it says what the run would do, not
// what it did.
const PlannedAttr = "planned"

// runbookMode is runbook_mode(): "live", "plan" or "test".
func runbookMode(_ *starlark.Thread, env *Env, _ *Args) (starlark.Value, error) {
	return starlark.String(env.mode()), nil
}

// logValue converts a field for slog: scalars as themselves, anything else as its Starlark
// text (records as compact JSON). A secret logs as "<redacted>".
func logValue(v starlark.Value) any {
	switch v := v.(type) {
	case starlark.NoneType:
		return nil
	case starlark.String:
		return string(v)
	case starlark.Bool:
		return bool(v)
	case starlark.Int:
		if i, ok := v.Int64(); ok {
			return i
		}
	case starlark.Float:
		return float64(v)
	case *Secret:
		return glapi.Redacted
	}
	return v.String()
}

// loggerOf returns env.Log, or a logger that discards.
func loggerOf(env *Env) *slog.Logger {
	if env == nil || env.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return env.Log
}

// FailError is the error of fail(...): the runbook gave up on purpose.
type FailError struct {
	// Msg is the runbook's message.
	Msg string
	// Result is what fail(result=...) handed back (frozen), the partial
	// result of a run that fails: what it did before it gave up. Nil when
	// none was given. The run's report shows it as a successful run's
	// return value is shown.
	Result starlark.Value
}

// Error returns "fail: " and the message.
func (e *FailError) Error() string { return "fail: " + e.Msg }

// PartialResult returns what the runbook handed back with fail(result=...)
// when err is (or wraps) the error of that call, else nil: the partial
// result a failed run's report shows.
func PartialResult(err error) starlark.Value {
	var fe *FailError
	if errors.As(err, &fe) && fe.Result != nil {
		return fe.Result
	}
	return nil
}

// failBuiltin is fail(*args, sep=" ", result=None): stop the runbook with
// a message made of the arguments (strings as they are, other values as
// repr), handing back result as the run's partial result.
func failBuiltin(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	sep := " "
	var result starlark.Value
	for _, kv := range kwargs {
		name := string(kv[0].(starlark.String))
		switch name {
		case "sep":
			s, ok := kv[1].(starlark.String)
			if !ok {
				return nil, argError("fail", "sep", "a string", kv[1])
			}
			sep = string(s)
		case "result":
			if kv[1] != starlark.None {
				result = kv[1]
			}
		default:
			return nil, &ArgError{Fn: "fail", Param: name, Want: "only sep= and result= as keywords",
				Got: "an unknown keyword argument " + name + "=" + Describe(kv[1])}
		}
	}
	// The message and the partial result are printed after the run, past
	// its memory limit: refuse what would not fit (shared lists).
	if !fitsBudget(thread, append(append(starlark.Tuple{}, args...), result)...) {
		return nil, &TooLargeError{Op: "fail", Budget: AllocBudget(thread)}
	}
	if result != nil {
		if _, err := FromStarlark(result); err != nil {
			return nil, argError("fail", "result", fmt.Sprintf("a value a report can show (None, bool, number, string, list, dict, record): %v", err), result)
		}
		result.Freeze()
	}
	parts := make([]string, len(args))
	for i, v := range args {
		if s, ok := v.(starlark.String); ok {
			parts[i] = string(s)
		} else {
			parts[i] = v.String()
		}
	}
	return nil, &FailError{Msg: strings.Join(parts, sep), Result: result}
}

// chunks is chunks(items, n): items cut into lists of n (the last one
// may be shorter).
func chunks(_ *starlark.Thread, _ *Env, a *Args) (starlark.Value, error) {
	items := ListArg{What: "a list or tuple"}
	n := IntArg{Min: 1, Max: maxListItems}
	if err := a.Unpack("items", &items); err != nil {
		return nil, err
	}
	if !a.Has("n") {
		return nil, a.Error("n", "a chunk size from 1")
	}
	if err := a.Unpack("n", &n); err != nil {
		return nil, err
	}
	var out []starlark.Value
	for start := 0; start < len(items.Items); start += n.Value {
		end := min(start+n.Value, len(items.Items))
		out = append(out, starlark.NewList(append([]starlark.Value(nil), items.Items[start:end]...)))
	}
	return starlark.NewList(out), nil
}

// sleep is sleep(duration), waiting on env.Clock; cancellation ends it at
// once with an error wrapping the context's error.
func sleep(thread *starlark.Thread, env *Env, a *Args) (starlark.Value, error) {
	var d DurationArg
	if err := a.Unpack("duration", &d); err != nil {
		return nil, err
	}
	if err := clockOf(env).Sleep(Context(thread), d.Duration); err != nil {
		return nil, fmt.Errorf("sleep(%s) interrupted: %w", d.Duration, err)
	}
	return starlark.None, nil
}
