package builtins

import (
	"fmt"
	"glrun/internal/suggest"
	"strings"
	"time"

	"go.starlark.net/starlark"
)

// ArgError is a builtin's complaint about one of its arguments. It names the
// function, the parameter, what was expected and what was given, as in
//
//	compute.jobs.create: parameter "template": want a template alias (power_on, ...) or UUID string, got int 3
type ArgError struct {
	// Fn is the builtin's full name, such as "identity.users.invite".
	Fn string
	// Param is the parameter's name; empty for errors about the call as a
	// whole (too many positional arguments).
	Param string
	// Want says what was expected.
	Want string
	// Got describes what was given (see Describe).
	Got string
}

// Error formats the complaint.
func (e *ArgError) Error() string {
	if e.Param == "" {
		return fmt.Sprintf("%s: want %s, got %s", e.Fn, e.Want, e.Got)
	}
	return fmt.Sprintf("%s: parameter %q: want %s, got %s", e.Fn, e.Param, e.Want, e.Got)
}

// argError returns an *ArgError for the value got of parameter param of fn.
func argError(fn, param, want string, got starlark.Value) error {
	return &ArgError{Fn: fn, Param: param, Want: want, Got: Describe(got)}
}

// maxDescribe is how many characters of a value's repr an error shows.
const maxDescribe = 80

// Describe returns a short description of a value for error messages: its
// type and its repr, cut to a readable length, such as `int 3`,
// `string "abc"`, `None`, or `nothing` for a missing value. Secrets
// describe as `secret <redacted>`.
func Describe(v starlark.Value) string {
	if v == nil {
		return "nothing"
	}
	if v == starlark.None {
		return "None"
	}
	s := v.String()
	if r := []rune(s); len(r) > maxDescribe {
		s = string(r[:maxDescribe]) + "..."
	}
	return v.Type() + " " + s
}

// Args holds the arguments of one builtin call, bound to its parameters by
// position and keyword. The typed accessors check each one and fail with an
// *ArgError. Parameters are declared as names; a trailing "?" marks an
// optional one (an absent or None optional argument takes its default).
type Args struct {
	fn       string
	names    []string
	optional []bool
	vals     []starlark.Value // nil: not given
}

// bindArgs binds args and kwargs of a call of fn to params. It fails on too
// many positional arguments, an unknown keyword (with a did-you-mean) and an
// argument given twice; missing required arguments are reported by the
// accessors, which know what to expect.
func bindArgs(fn string, args starlark.Tuple, kwargs []starlark.Tuple, params ...string) (*Args, error) {
	a := &Args{
		fn:       fn,
		names:    make([]string, len(params)),
		optional: make([]bool, len(params)),
		vals:     make([]starlark.Value, len(params)),
	}
	for i, p := range params {
		a.names[i] = strings.TrimSuffix(p, "?")
		a.optional[i] = strings.HasSuffix(p, "?")
	}
	if len(args) > len(params) {
		return nil, &ArgError{
			Fn:   fn,
			Want: fmt.Sprintf("at most %d positional arguments (%s)", len(params), a.paramList()),
			Got:  fmt.Sprintf("%d", len(args)),
		}
	}
	copy(a.vals, args)
	for _, kv := range kwargs {
		name := string(kv[0].(starlark.String))
		i := a.index(name)
		if i < 0 {
			want := "one of the parameters " + a.paramList()
			if s := suggest.Closest(name, a.names); s != "" {
				want += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return nil, &ArgError{Fn: fn, Param: name, Want: want,
				Got: "an unknown keyword argument " + name + "=" + Describe(kv[1])}
		}
		if a.vals[i] != nil {
			return nil, &ArgError{Fn: fn, Param: name, Want: "one value",
				Got: "it twice (by position and by keyword)"}
		}
		a.vals[i] = kv[1]
	}
	return a, nil
}

func (a *Args) paramList() string {
	if len(a.names) == 0 {
		return "none"
	}
	return strings.Join(a.names, ", ")
}

func (a *Args) index(name string) int {
	for i, n := range a.names {
		if n == name {
			return i
		}
	}
	return -1
}

// Fn returns the builtin's name.
func (a *Args) Fn() string { return a.fn }

// Value returns the argument of param, or None when it was not given.
func (a *Args) Value(param string) starlark.Value {
	i := a.index(param)
	if i < 0 {
		panic(fmt.Sprintf("builtins: %s has no parameter %q", a.fn, param))
	}
	if a.vals[i] == nil {
		return starlark.None
	}
	return a.vals[i]
}

// Given reports whether param was given at all (None included).
func (a *Args) Given(param string) bool {
	i := a.index(param)
	return i >= 0 && a.vals[i] != nil
}

// Has reports whether param was given a value other than None.
func (a *Args) Has(param string) bool { return a.Value(param) != starlark.None }

// Error returns an *ArgError for param.
func (a *Args) Error(param, want string) error {
	i := a.index(param)
	var got starlark.Value
	if i >= 0 {
		got = a.vals[i]
	}
	return argError(a.fn, param, want, got)
}

// Required returns the argument of param, failing when it is absent or None.
func (a *Args) Required(param, want string) (starlark.Value, error) {
	if !a.Has(param) {
		return nil, a.Error(param, want)
	}
	return a.Value(param), nil
}

// String returns the required string argument of param.
func (a *Args) String(param, want string) (string, error) {
	s, ok := a.Value(param).(starlark.String)
	if !ok {
		return "", a.Error(param, want)
	}
	return string(s), nil
}

// NonEmptyString returns the required, non-empty string argument of param.
func (a *Args) NonEmptyString(param, want string) (string, error) {
	s, err := a.String(param, want)
	if err == nil && strings.TrimSpace(s) == "" {
		err = a.Error(param, want)
	}
	return s, err
}

// OptString returns the string argument of param and true, or "" and false
// when it is absent or None.
func (a *Args) OptString(param, want string) (string, bool, error) {
	if !a.Has(param) {
		return "", false, nil
	}
	s, err := a.String(param, want)
	return s, err == nil, err
}

// Bool returns the bool argument of param, or def when it is absent or None.
func (a *Args) Bool(param string, def bool) (bool, error) {
	if !a.Has(param) {
		return def, nil
	}
	b, ok := a.Value(param).(starlark.Bool)
	if !ok {
		return false, a.Error(param, "True or False")
	}
	return bool(b), nil
}

// OptInt returns the int argument of param, checked to lie in lo..hi,
// and true; or 0 and false when it is absent or None.
func (a *Args) OptInt(param string, lo, hi int) (int, bool, error) {
	if !a.Has(param) {
		return 0, false, nil
	}
	want := fmt.Sprintf("an int from %d to %d", lo, hi)
	i, ok := a.Value(param).(starlark.Int)
	if !ok {
		return 0, false, a.Error(param, want)
	}
	n, ok := i.Int64()
	if !ok || n < int64(lo) || n > int64(hi) {
		return 0, false, a.Error(param, want)
	}
	return int(n), true, nil
}

// Int returns the int argument of param in lo..hi, or def when it is
// absent or None.
func (a *Args) Int(param string, def, lo, hi int) (int, error) {
	n, ok, err := a.OptInt(param, lo, hi)
	if err != nil || !ok {
		return def, err
	}
	return n, nil
}

// ID returns the id given for param: a non-empty string, or a Record (or
// dict) with a string "id" field. what names the kind of thing, such as
// "job" or "user", for the error message.
func (a *Args) ID(param, what string) (string, error) {
	id, ok := IDOf(a.Value(param))
	if !ok {
		return "", a.Error(param, fmt.Sprintf("a %s id string or a %s record with an id", what, what))
	}
	return id, nil
}

// IDOf returns the id a value stands for: a non-empty string itself, or the
// string "id" field of a Record or dict.
func IDOf(v starlark.Value) (string, bool) {
	var idv starlark.Value
	switch v := v.(type) {
	case starlark.String:
		idv = v
	case *Record:
		idv, _ = v.Field("id")
	case *starlark.Dict:
		idv, _, _ = v.Get(starlark.String("id"))
	}
	s, ok := idv.(starlark.String)
	if !ok || strings.TrimSpace(string(s)) == "" {
		return "", false
	}
	return string(s), true
}

// Duration returns the duration argument of param (see ParseDuration), or
// def when it is absent or None.
func (a *Args) Duration(param string, def time.Duration) (time.Duration, error) {
	if !a.Has(param) {
		return def, nil
	}
	d, err := ParseDuration(a.Value(param))
	if err != nil {
		return 0, a.Error(param, durationWant)
	}
	return d, nil
}

// Filter returns the canonical text of the filter argument of param, or ""
// when it is absent or None (see FilterText).
func (a *Args) Filter(param string) (string, error) {
	if !a.Has(param) {
		return "", nil
	}
	text, err := FilterText(a.Value(param))
	if err != nil {
		return "", &ArgError{Fn: a.fn, Param: param, Want: filterWant,
			Got: Describe(a.Value(param)) + ": " + err.Error()}
	}
	return text, nil
}

// List returns the elements of the list or tuple argument of param.
func (a *Args) List(param, want string) ([]starlark.Value, error) {
	switch v := a.Value(param).(type) {
	case *starlark.List:
		out := make([]starlark.Value, v.Len())
		for i := range out {
			out[i] = v.Index(i)
		}
		return out, nil
	case starlark.Tuple:
		return append([]starlark.Value(nil), v...), nil
	}
	return nil, a.Error(param, want)
}

// Callable returns the callable argument of param.
func (a *Args) Callable(param string) (starlark.Callable, error) {
	c, ok := a.Value(param).(starlark.Callable)
	if !ok {
		return nil, a.Error(param, "a function")
	}
	return c, nil
}
