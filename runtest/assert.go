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
	return &starlarkstruct.Module{Name: "assert", Members: starlark.StringDict{
		"eq":       starlark.NewBuiltin("assert.eq", tc.assertEq),
		"ne":       starlark.NewBuiltin("assert.ne", tc.assertNe),
		"true":     starlark.NewBuiltin("assert.true", tc.assertTruth(true)),
		"false":    starlark.NewBuiltin("assert.false", tc.assertTruth(false)),
		"contains": starlark.NewBuiltin("assert.contains", tc.assertContains),
		"fails":    starlark.NewBuiltin("assert.fails", tc.assertFails),
	}}
}

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

func (tc *testCase) assertEq(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var got, want starlark.Value
	var note starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kw, "got", &got, "want", &want, "msg?", &note); err != nil {
		return nil, err
	}
	eq, err := starlark.Equal(got, want)
	if err != nil {
		return nil, fmt.Errorf("%s: comparing %s with %s: %w", b.Name(), got.Type(), want.Type(), err)
	}
	if !eq {
		tc.fail(thread, b.Name(), fmt.Sprintf("got %s, want %s", show(got), show(want)), noteOf(note))
	}
	return starlark.None, nil
}

func (tc *testCase) assertNe(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var got, other starlark.Value
	var note starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kw, "got", &got, "other", &other, "msg?", &note); err != nil {
		return nil, err
	}
	eq, err := starlark.Equal(got, other)
	if err != nil {
		return nil, fmt.Errorf("%s: comparing %s with %s: %w", b.Name(), got.Type(), other.Type(), err)
	}
	if eq {
		tc.fail(thread, b.Name(), fmt.Sprintf("got %s, want anything else", show(got)), noteOf(note))
	}
	return starlark.None, nil
}

func (tc *testCase) assertTruth(want bool) func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
	return func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
		var v starlark.Value
		var note starlark.Value = starlark.None
		if err := starlark.UnpackArgs(b.Name(), args, kw, "cond", &v, "msg?", &note); err != nil {
			return nil, err
		}
		if bool(v.Truth()) != want {
			tc.fail(thread, b.Name(), fmt.Sprintf("got %s, want a %v value", show(v), map[bool]string{true: "true", false: "false"}[want]), noteOf(note))
		}
		return starlark.None, nil
	}
}

func (tc *testCase) assertContains(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var container, item starlark.Value
	var note starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kw, "container", &container, "item", &item, "msg?", &note); err != nil {
		return nil, err
	}
	in, err := starlark.Binary(syntax.IN, item, container)
	if err != nil {
		return nil, fmt.Errorf("%s: parameter \"container\": want a string, list, tuple, dict or set, got %s: %w", b.Name(), container.Type(), err)
	}
	if !in.Truth() {
		tc.fail(thread, b.Name(), fmt.Sprintf("%s does not contain %s", show(container), show(item)), noteOf(note))
	}
	return starlark.None, nil
}

// assertFails is assert.fails(fn, match): fn() must fail with an error
// whose message matches the regular expression match. It returns the
// error message (None when fn did not fail).
func (tc *testCase) assertFails(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var fn starlark.Callable
	var match string
	var note starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kw, "fn", &fn, "match?", &match, "msg?", &note); err != nil {
		return nil, err
	}
	re, err := regexp.Compile(match)
	if err != nil {
		return nil, fmt.Errorf("%s: parameter \"match\": want a regular expression: %w", b.Name(), err)
	}
	v, err := starlark.Call(thread, fn, nil, nil)
	if err == nil {
		tc.fail(thread, b.Name(), fmt.Sprintf("want a failure matching %q, but the call succeeded and returned %s", match, show(v)), noteOf(note))
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
		tc.fail(thread, b.Name(), fmt.Sprintf("failed with %q, which does not match %q", msg, match), noteOf(note))
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
