package runtest

import (
	"fmt"
	"path/filepath"
	"regexp"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"

	"glrun/builtins"
)

// assertModule is the assert module. Each failed assertion is recorded
// with the file and line of the call, and the test goes on, so one run
// reports every failure of a test.
func (tc *testCase) assertModule() *starlarkstruct.Module {
	members := starlark.StringDict{}
	for _, b := range tc.assertBuiltins() {
		members[b.doc.Member()] = builtins.NewBuiltin(b.doc, b.fn)
	}
	return &starlarkstruct.Module{Name: "assert", Members: members}
}

// msgParam is the optional message of every assertion.
var msgParam = builtins.ParamDoc{Name: "msg", Default: "None", Desc: "what the failure report says besides the values"}

// assertBuiltins declares the assert module's builtins, bound to tc (Docs
// reads their Docs from a zero testCase).
func (tc *testCase) assertBuiltins() []testBuiltin {
	return []testBuiltin{
		{builtins.Doc{Name: "assert.eq", Params: []builtins.ParamDoc{
			{Name: "got", Desc: "the value tested"}, {Name: "want", Desc: "the value it should equal"}, msgParam},
			Summary: "Record a failure unless got == want; the test goes on.",
			Example: `r = runbook.run("power_cycle.star", group = "prod-web")
assert.eq(r.status, "ok", r.error)`}, tc.assertEq},
		{builtins.Doc{Name: "assert.ne", Params: []builtins.ParamDoc{
			{Name: "got", Desc: "the value tested"}, {Name: "other", Desc: "the value it should differ from"}, msgParam},
			Summary: "Record a failure when got == other; the test goes on.",
			Example: `assert.ne(sim.newest_bundle(), "")`}, tc.assertNe},
		{builtins.Doc{Name: "assert.true", Params: []builtins.ParamDoc{{Name: "cond", Desc: "the value tested"}, msgParam},
			Summary: "Record a failure unless cond is true (as `if` sees it); the test goes on.",
			Example: `assert.true(len(sim.group_servers("prod-web")) > 0, "prod-web has servers")`}, tc.assertTruth(true)},
		{builtins.Doc{Name: "assert.false", Params: []builtins.ParamDoc{{Name: "cond", Desc: "the value tested"}, msgParam},
			Summary: "Record a failure unless cond is false (as `if` sees it); the test goes on.",
			Example: `assert.false(sim.user("nobody@example.com"))`}, tc.assertTruth(false)},
		{builtins.Doc{Name: "assert.contains", Params: []builtins.ParamDoc{
			{Name: "container", Desc: "a string, list, tuple, dict or set"}, {Name: "item", Desc: "what it should contain"}, msgParam},
			Summary: "Record a failure unless item is in container; the test goes on.",
			Example: `r = runbook.run("power_cycle.star", group = "no-such-group")
assert.contains(r.error, "no group named")`}, tc.assertContains},
		{builtins.Doc{Name: "assert.fails", Params: []builtins.ParamDoc{
			{Name: "fn", Desc: "a function of no arguments"},
			{Name: "match", Default: `""`, Desc: "a regular expression the error message must match"}, msgParam},
			Summary: "Call fn() and record a failure unless it fails with an error matching match.",
			Returns: "the error message (None when fn did not fail)",
			Example: `assert.fails(lambda: compute.jobs.create("restrat", "x"), match = "did you mean \"restart\"")`}, tc.assertFails},
	}
}

// anyValue is a parameter of an assertion that takes any value.
func anyValue(what string) builtins.ValueArg { return builtins.ValueArg{What: what} }

// fail records a failed assertion at the caller's position.
func (tc *testCase) fail(thread *starlark.Thread, fn, msg, note string) {
	pos := "?"
	if thread.CallStackDepth() > 1 {
		p := thread.CallFrame(1).Pos
		file := p.Filename()
		if !filepath.IsAbs(file) {
			file = filepath.Join(tc.dir, file)
		}
		pos = fmt.Sprintf("%s:%d", file, p.Line)
	}
	if note != "" {
		msg += " (" + note + ")"
	}
	tc.failures = append(tc.failures, fmt.Sprintf("%s: %s: %s", pos, fn, msg))
}

func (tc *testCase) assertEq(thread *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	got, want, note := anyValue("the value tested"), anyValue("the value it should be"), anyValue("a message")
	if err := a.Unpack("got", &got, "want", &want, "msg", &note); err != nil {
		return nil, err
	}
	eq, err := starlark.Equal(got.Value, want.Value)
	if err != nil {
		return nil, fmt.Errorf("%s: comparing %s with %s: %w", a.Fn(), got.Value.Type(), want.Value.Type(), err)
	}
	if !eq {
		tc.fail(thread, a.Fn(), fmt.Sprintf("got %s, want %s", show(got.Value), show(want.Value)), noteOf(note.Value))
	}
	return starlark.None, nil
}

func (tc *testCase) assertNe(thread *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	got, other, note := anyValue("the value tested"), anyValue("the value it should not be"), anyValue("a message")
	if err := a.Unpack("got", &got, "other", &other, "msg", &note); err != nil {
		return nil, err
	}
	eq, err := starlark.Equal(got.Value, other.Value)
	if err != nil {
		return nil, fmt.Errorf("%s: comparing %s with %s: %w", a.Fn(), got.Value.Type(), other.Value.Type(), err)
	}
	if eq {
		tc.fail(thread, a.Fn(), fmt.Sprintf("got %s, want anything else", show(got.Value)), noteOf(note.Value))
	}
	return starlark.None, nil
}

func (tc *testCase) assertTruth(want bool) builtins.Func {
	return func(thread *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
		v, note := anyValue("the value tested"), anyValue("a message")
		if err := a.Unpack("cond", &v, "msg", &note); err != nil {
			return nil, err
		}
		if bool(v.Value.Truth()) != want {
			tc.fail(thread, a.Fn(), fmt.Sprintf("got %s, want a %v value", show(v.Value), map[bool]string{true: "true", false: "false"}[want]), noteOf(note.Value))
		}
		return starlark.None, nil
	}
}

func (tc *testCase) assertContains(thread *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	container := anyValue("a string, list, tuple, dict or set")
	item, note := anyValue("the value to look for"), anyValue("a message")
	if err := a.Unpack("container", &container, "item", &item, "msg", &note); err != nil {
		return nil, err
	}
	in, err := starlark.Binary(syntax.IN, item.Value, container.Value)
	if err != nil {
		return nil, &builtins.ArgError{Fn: a.Fn(), Param: "container", Want: container.What,
			Got: builtins.Describe(container.Value) + ": " + err.Error()}
	}
	if !in.Truth() {
		tc.fail(thread, a.Fn(), fmt.Sprintf("%s does not contain %s", show(container.Value), show(item.Value)), noteOf(note.Value))
	}
	return starlark.None, nil
}

// assertFails is assert.fails(fn, match): fn() must fail with an error
// whose message matches the regular expression match. It returns the
// error message (None when fn did not fail).
func (tc *testCase) assertFails(thread *starlark.Thread, a *builtins.Args) (starlark.Value, error) {
	var fn builtins.CallableArg
	match := builtins.StringArg{What: "a regular expression string"}
	note := anyValue("a message")
	if err := a.Unpack("fn", &fn, "match", &match, "msg", &note); err != nil {
		return nil, err
	}
	re, err := regexp.Compile(match.Value)
	if err != nil {
		return nil, &builtins.ArgError{Fn: a.Fn(), Param: "match", Want: "a regular expression",
			Got: builtins.Describe(a.Value("match")) + ": " + err.Error()}
	}
	v, err := starlark.Call(thread, fn.Value, nil, nil)
	if err == nil {
		tc.fail(thread, a.Fn(), fmt.Sprintf("want a failure matching %q, but the call succeeded and returned %s", match.Value, show(v)), noteOf(note.Value))
		return starlark.None, nil
	}
	if builtins.Context(thread).Err() != nil {
		return nil, err // the test was stopped: not the failure it expected
	}
	msg := err.Error()
	if ee, ok := err.(*starlark.EvalError); ok {
		msg = ee.Msg
	}
	if !re.MatchString(msg) {
		tc.fail(thread, a.Fn(), fmt.Sprintf("failed with %q, which does not match %q", msg, match.Value), noteOf(note.Value))
	}
	return starlark.String(msg), nil
}

// noteOf is the text of an assertion's msg argument ("" for None).
func noteOf(v starlark.Value) string {
	if v == nil || v == starlark.None {
		return ""
	}
	if s, ok := starlark.AsString(v); ok {
		return s
	}
	return v.String()
}

// show renders a value in a failure message: strings quoted, records as
// compact JSON, long values cut.
func show(v starlark.Value) string {
	s := v.String()
	if len(s) > 400 {
		s = s[:400] + "..."
	}
	return s
}
