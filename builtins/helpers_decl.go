package builtins

import (
	"fmt"
	"log/slog"

	"go.starlark.net/starlark"

	"glrun/glapi/odata"
)

// odataBuiltins declares the odata module.
func odataBuiltins() []builtin {
	pathParam := ParamDoc{Name: "path", Desc: "a property path such as `\"state\"` or `\"resource/id\"`"}
	docs := []builtin{
		{Doc: Doc{Name: "odata.filter",
			Params: []ParamDoc{
				{Name: "template", Desc: "a filter with one `{}` per value, such as `\"name eq {} and powerState eq {}\"`"},
				{Name: "args", Variadic: true, Desc: "the values: strings, numbers, bools, None, times, or a list (for `in`); each is quoted as a literal, so a value can never change the filter's structure"},
			},
			Summary: "Build a filter from a template, interpolating values safely.", Returns: "a filter",
			Example: `name = "prod-web-01"
f = odata.filter("name eq {} and hardware/powerState eq {}", name, "ON")
print(str(f))
print(len(compute.servers.list(filter = f)))`},
			raw: func(*Env) *starlark.Builtin { return starlark.NewBuiltin("odata.filter", odataFilter) }},
		{Doc: Doc{Name: "odata.parse",
			Params:  []ParamDoc{{Name: "text", Desc: "a filter string, such as `\"state eq 'RUNNING'\"`"}},
			Summary: "Parse and check a filter string (an error shows the column).", Returns: "a filter",
			Example: `f = odata.parse("state eq 'ERROR' and createdAt gt 2024-07-01T00:00:00Z")
print(str(f))`},
			impl: odataParse},
		{Doc: Doc{Name: "odata.in_",
			Params:  []ParamDoc{pathParam, {Name: "values", Desc: "a list of literal values"}},
			Summary: "Build `path in (v1, v2, ...)`.", Returns: "a filter",
			Example: `f = odata.in_("state", ["ERROR", "STALLED"])
print(len(compute.jobs.list(filter = f)))`},
			impl: odataIn},
		{Doc: Doc{Name: "odata.not_",
			Params:  []ParamDoc{{Name: "filter", Desc: "a filter (or a filter string) to negate"}},
			Summary: "Build `not (filter)`.", Returns: "a filter",
			Example: `f = odata.not_(odata.eq("hardware/powerState", "ON"))
print(str(f))`},
			impl: odataNot},
	}
	for _, op := range []struct {
		name, text string
		build      func(string, any) (odata.Expr, error)
	}{
		{"eq", "equal to", odata.Eq}, {"ne", "not equal to", odata.Ne}, {"gt", "greater than", odata.Gt},
		{"ge", "greater than or equal to", odata.Ge}, {"lt", "less than", odata.Lt}, {"le", "less than or equal to", odata.Le},
	} {
		docs = append(docs, builtin{Doc: Doc{Name: "odata." + op.name,
			Params:  []ParamDoc{pathParam, {Name: "value", Desc: "a literal: a string, int, float, bool, None or time value"}},
			Summary: fmt.Sprintf("Build `path %s value` (%s).", op.name, op.text), Returns: "a filter",
			Example: fmt.Sprintf(`f = odata.%s("name", "prod-web-01") & odata.eq("hardware/powerState", "ON")
print(str(f))`, op.name)},
			impl: compareImpl(op.build)})
	}
	for _, fn := range []struct {
		name  string
		build func(string, string) (odata.Expr, error)
	}{
		{"contains", odata.Contains}, {"startswith", odata.StartsWith}, {"endswith", odata.EndsWith},
	} {
		docs = append(docs, builtin{Doc: Doc{Name: "odata." + fn.name,
			Params:  []ParamDoc{pathParam, {Name: "text", Desc: "the text to look for"}},
			Summary: fmt.Sprintf("Build `%s(path, 'text')`.", fn.name), Returns: "a filter",
			Example: fmt.Sprintf(`web = compute.servers.list(filter = odata.%s("name", "web"))
print(len(web))`, fn.name)},
			impl: functionImpl(fn.build)})
	}
	return docs
}

// helperBuiltins declares log, fail, chunks, sleep and parallel.
func helperBuiltins() []builtin {
	var docs []builtin
	for _, level := range []struct {
		name  string
		level slog.Level
	}{{"info", slog.LevelInfo}, {"warn", slog.LevelWarn}, {"error", slog.LevelError}} {
		fn := "log." + level.name
		docs = append(docs, builtin{Doc: Doc{Name: fn,
			Params: []ParamDoc{
				{Name: "msg", Desc: "the message"},
				{Name: "fields", Kwargs: true, Desc: "fields logged with it, as name=value (records as compact JSON; secrets as <redacted>)"},
			},
			Summary: "Log a line at " + level.name + " level on standard error.",
			Example: fmt.Sprintf(`log.%s("batch done", batch = 2, servers = ["prod-web-01", "prod-web-02"])`, level.name)},
			raw: func(env *Env) *starlark.Builtin { return logBuiltin(env, fn, level.level) }})
	}
	return append(docs,
		builtin{Doc: Doc{Name: "fail",
			Params: []ParamDoc{
				{Name: "args", Variadic: true, Desc: "the message's parts (strings as they are, other values as repr)"},
				{Name: "sep", Default: `" "`, Desc: "what goes between the parts"},
				{Name: "result", Default: "None", Desc: "the run's partial result: what it did before it gave up (a value the report can show: dicts, lists, strings, numbers, records); the run report and `-o json` show it as they show main's return value"},
			},
			Summary: "Stop the runbook with a message (exit 1), optionally handing back what it did so far.",
			Example: `servers = compute.servers.list(filter = "name eq 'prod-web-01'")
if len(servers) != 1:
    fail("want exactly one server, found", len(servers))
done = {"updated": ["prod-web-01"], "failed": []}
if done["failed"]:
    fail("some servers failed:", ", ".join(done["failed"]), result = done)`},
			raw: func(*Env) *starlark.Builtin { return starlark.NewBuiltin("fail", failBuiltin) }},
		builtin{Doc: Doc{Name: "chunks",
			Params: []ParamDoc{
				{Name: "items", Desc: "a list or tuple"},
				{Name: "n", Desc: "the chunk size, from 1"},
			},
			Summary: "Cut a list into lists of n items (the last may be shorter).", Returns: "a list of lists",
			Example: `for batch in chunks(compute.servers.list(limit = 10), 4):
    print(len(batch))`},
			impl: chunks},
		builtin{Doc: Doc{Name: "sleep",
			Params:  []ParamDoc{{Name: "duration", Desc: "how long: `\"90s\"`, `\"5m\"` or a number of seconds"}},
			Summary: "Wait on glrun's clock (instant in tests and replays; Ctrl-C stops it at once).",
			Example: `sleep("30s")`},
			impl: sleep},
		builtin{Doc: Doc{Name: "parallel.map",
			Params: []ParamDoc{
				{Name: "fn", Desc: "a function of one item"},
				{Name: "items", Desc: "a list or tuple of items"},
				{Name: "workers", Default: "4", Desc: "how many threads run at once, 1 to 64"},
			},
			Summary: "Call fn on every item on several threads; the first error stops the rest. The threads share the run's step limit; fn may not call parallel.map itself.",
			Returns: "the results, in the order of items",
			Example: `def power(s):
    return compute.servers.get(s.id).hardware.powerState

print(parallel.map(power, compute.servers.list(limit = 8), workers = 4))`},
			impl: parallelMap},
	)
}

// jsonBuiltins documents go.starlark.net's json module (encode,
// encode_indent, decode, indent), predeclared as it is but bounded (see
// boundedJSON): deep nesting and oversized results are refused before any
// work. Records encode as their fields and secrets as "<redacted>".
func jsonBuiltins() []builtin {
	indent := []ParamDoc{
		{Name: "prefix", Default: `""`, Desc: "the prefix of every line"},
		{Name: "indent", Default: `"\t"`, Desc: "one level of indentation"},
	}
	out := library([]Doc{
		{Name: "json.encode", Params: []ParamDoc{{Name: "x", Desc: "a value: None, bool, number, string, list, dict, record"}},
			Summary: "Encode a value as compact JSON (secrets as \"<redacted>\").", Returns: "a string",
			Example: `print(json.encode({"group": "prod-web", "batch": 5}))`},
		{Name: "json.decode",
			Params: []ParamDoc{
				{Name: "x", Desc: "a JSON string"},
				{Name: "default", Default: "None", Desc: "returned instead of failing when x is not valid JSON (when given)"},
			},
			Summary: "Decode JSON.", Returns: "the value (dicts, lists, strings, numbers, bools, None)",
			Example: `d = json.decode('{"batch": 5}')
print(d["batch"])`},
		{Name: "json.encode_indent", Params: append([]ParamDoc{{Name: "x", Desc: "a value"}}, indent...),
			Summary: "Encode a value as indented JSON.", Returns: "a string",
			Example: `print(json.encode_indent({"a": [1, 2]}, indent = "  "))`},
		{Name: "json.indent", Params: append([]ParamDoc{{Name: "str", Desc: "a JSON string"}}, indent...),
			Summary: "Re-indent a JSON string.", Returns: "a string",
			Example: `print(json.indent('{"a":1}', indent = "  "))`},
	})
	for i := range out {
		name := out[i].Member()
		out[i].raw = func(*Env) *starlark.Builtin { return boundedJSON(name) }
	}
	return out
}

// timeBuiltins documents the time module: go.starlark.net's, whose
// time.now reads glrun's clock.
func timeBuiltins() []builtin {
	docs := []Doc{
		{Name: "time.now", Summary: "The current time on glrun's clock (virtual in tests and replays).",
			Returns: "a time", Example: `print(time.now().year >= 2024)`},
		{Name: "time.parse_duration", Params: []ParamDoc{{Name: "d", Desc: "a duration string such as `\"1h30m\"`"}},
			Summary: "Parse a duration.", Returns: "a duration",
			Example: `print(time.parse_duration("1h30m") > time.hour)`},
		{Name: "time.parse_time",
			Params: []ParamDoc{
				{Name: "x", Desc: "the time text"},
				{Name: "format", Default: `"2006-01-02T15:04:05Z07:00"`, Desc: "the layout, in Go's reference-time notation"},
				{Name: "location", Default: `"UTC"`, Desc: "the time zone name used when x has none"},
			},
			Summary: "Parse a time (RFC 3339 by default).", Returns: "a time",
			Example: `t = time.parse_time("2024-07-01T00:00:00Z")
print(t.year)`},
		{Name: "time.time",
			Params: []ParamDoc{
				{Name: "year", Default: "0", Desc: "the year"}, {Name: "month", Default: "1", Desc: "the month"},
				{Name: "day", Default: "1", Desc: "the day"}, {Name: "hour", Default: "0", Desc: "the hour"},
				{Name: "minute", Default: "0", Desc: "the minute"}, {Name: "second", Default: "0", Desc: "the second"},
				{Name: "nanosecond", Default: "0", Desc: "the nanosecond"}, {Name: "location", Default: `"UTC"`, Desc: "the time zone name"},
			},
			Summary: "Make a time from its parts.", Returns: "a time",
			Example: `print(time.time(year = 2024, month = 7, day = 1).unix)`},
		{Name: "time.from_timestamp",
			Params: []ParamDoc{
				{Name: "sec", Desc: "seconds since the Unix epoch"},
				{Name: "nsec", Default: "0", Desc: "nanoseconds"},
			},
			Summary: "Make a time from a Unix timestamp.", Returns: "a time",
			Example: `print(time.from_timestamp(1719792000).year)`},
		{Name: "time.is_valid_timezone", Params: []ParamDoc{{Name: "loc", Desc: "a time zone name such as `\"Europe/Berlin\"`"}},
			Summary: "Report whether a time zone name is known.", Returns: "a bool",
			Example: `print(time.is_valid_timezone("UTC"))`},
	}
	for _, unit := range []string{"nanosecond", "microsecond", "millisecond", "second", "minute", "hour"} {
		docs = append(docs, Doc{Name: "time." + unit, Value: true,
			Summary: "One " + unit + ", a duration (multiply it: `5 * time." + unit + "`).",
			Example: fmt.Sprintf(`print(str(2 * time.%s))`, unit)})
	}
	out := library(docs)
	for i := range out {
		if out[i].Name == "time.now" {
			out[i].impl = timeNow
		}
	}
	return out
}

// library declares builtins of a go.starlark.net module, documented here
// and predeclared as the library makes them.
func library(docs []Doc) []builtin {
	out := make([]builtin, len(docs))
	for i, d := range docs {
		out[i] = builtin{Doc: d}
	}
	return out
}
