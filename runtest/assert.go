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
	for _, b := range []testBuiltin{
		{builtins.Doc{Name: "assert.eq", Params: params("got", "want", "msg=None")}, tc.assertEq},
		{builtins.Doc{Name: "assert.ne", Params: params("got", "other", "msg=None")}, tc.assertNe},
		{builtins.Doc{Name: "assert.true", Params: params("cond", "msg=None")}, tc.assertTruth(true)},
		{builtins.Doc{Name: "assert.false", Params: params("cond", "msg=None")}, tc.assertTruth(false)},
		{builtins.Doc{Name: "assert.contains", Params: params("container", "item", "msg=None")}, tc.assertContains},
		{builtins.Doc{Name: "assert.fails", Params: params("fn", `match=""`, "msg=None")}, tc.assertFails},
	} {
		members[b.doc.Member()] = builtins.NewBuiltin(b.doc, b.fn)
	}
	return &starlarkstruct.Module{Name: "assert", Members: members}
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
