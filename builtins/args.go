package builtins

import (
	"fmt"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"glrun/internal/suggest"
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

// Func is the body of a builtin declared by a Doc: it reads its arguments,
// already bound to the Doc's parameters, from a.
type Func func(thread *starlark.Thread, a *Args) (starlark.Value, error)

// NewBuiltin returns the builtin declared by doc: a call binds its
// arguments to doc.Params (names, order, and the defaults of the optional
// ones) and runs fn. A call that does not fit the parameters fails with an
// *ArgError before fn runs. doc must not have *args or **kwargs
// parameters, and every Default must be a Starlark literal (NewBuiltin
// panics otherwise: a declaration is wrong).
func NewBuiltin(doc Doc, fn Func) *starlark.Builtin {
	sig := newSignature(doc)
	return starlark.NewBuiltin(doc.Name, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		a, err := sig.bind(args, kwargs)
		if err != nil {
			return nil, err
		}
		return fn(thread, a)
	})
}

// Bind binds the arguments of a call to doc.Params, as NewBuiltin does,
// for a builtin made otherwise (a method, or one that hands its keywords
// on). It fails with an *ArgError.
func Bind(doc Doc, args starlark.Tuple, kwargs []starlark.Tuple) (*Args, error) {
	return newSignature(doc).bind(args, kwargs)
}

// signature is what binding needs of a Doc: its parameters' names and
// the values of the optional ones' defaults.
type signature struct {
	fn       string
	names    []string
	defaults []starlark.Value // nil: the parameter is required
}

// newSignature reads the parameters of doc.
func newSignature(doc Doc) *signature {
	s := &signature{fn: doc.Name}
	for _, p := range doc.Params {
		if p.Variadic || p.Kwargs {
			panic(fmt.Sprintf("builtins: %s: parameter %s: *args and **kwargs are not bound from a Doc", doc.Name, p))
		}
		s.names = append(s.names, p.Name)
		var def starlark.Value
		if p.Default != "" {
			v, err := literalValue(p.Default)
			if err != nil {
				panic(fmt.Sprintf("builtins: %s: parameter %s: default: %v", doc.Name, p.Name, err))
			}
			def = v
		}
		s.defaults = append(s.defaults, def)
	}
	return s
}

// literalValue evaluates the Starlark text of a default value (a literal:
// None, True, 4, "30m", {}), frozen.
func literalValue(text string) (starlark.Value, error) {
	switch text {
	case "None":
		return starlark.None, nil
	case "True":
		return starlark.True, nil
	case "False":
		return starlark.False, nil
	}
	thread := &starlark.Thread{Name: "default"}
	v, err := starlark.EvalOptions(&syntax.FileOptions{}, thread, "default", text, nil)
	if err != nil {
		return nil, err
	}
	v.Freeze()
	return v, nil
}

// Args holds the arguments of one builtin call, bound to the parameters
// of its Doc by position and keyword. An optional parameter that is absent
// or None takes its default. Unpack checks and converts them, failing with
// an *ArgError.
type Args struct {
	sig   *signature
	vals  []starlark.Value // after defaults; nil: a required one not given
	given []starlark.Value // as given; nil: not given
}

// bind binds args and kwargs to the signature. It fails on too many
// positional arguments, an unknown keyword (with a did-you-mean) and an
// argument given twice; missing required arguments are reported by
// Unpack, which knows what to expect.
func (s *signature) bind(args starlark.Tuple, kwargs []starlark.Tuple) (*Args, error) {
	a := &Args{sig: s, vals: make([]starlark.Value, len(s.names)), given: make([]starlark.Value, len(s.names))}
	if len(args) > len(s.names) {
		return nil, &ArgError{
			Fn:   s.fn,
			Want: fmt.Sprintf("at most %d positional arguments (%s)", len(s.names), s.paramList()),
			Got:  fmt.Sprintf("%d", len(args)),
		}
	}
	copy(a.given, args)
	for _, kv := range kwargs {
		name := string(kv[0].(starlark.String))
		i := s.index(name)
		if i < 0 {
			want := "one of the parameters " + s.paramList()
			if sug := suggest.Closest(name, s.names); sug != "" {
				want += fmt.Sprintf(" (did you mean %q?)", sug)
			}
			return nil, &ArgError{Fn: s.fn, Param: name, Want: want,
				Got: "an unknown keyword argument " + name + "=" + Describe(kv[1])}
		}
		if a.given[i] != nil {
			return nil, &ArgError{Fn: s.fn, Param: name, Want: "one value",
				Got: "it twice (by position and by keyword)"}
		}
		a.given[i] = kv[1]
	}
	for i, v := range a.given {
		a.vals[i] = v
		if def := s.defaults[i]; def != nil && (v == nil || v == starlark.None) {
			a.vals[i] = def
		}
	}
	return a, nil
}

func (s *signature) paramList() string {
	if len(s.names) == 0 {
		return "none"
	}
	return strings.Join(s.names, ", ")
}

func (s *signature) index(name string) int {
	for i, n := range s.names {
		if n == name {
			return i
		}
	}
	return -1
}

// param returns the index of param, panicking when the Doc does not
// declare it (the builtin's body and its declaration disagree).
func (a *Args) param(name string) int {
	i := a.sig.index(name)
	if i < 0 {
		panic(fmt.Sprintf("builtins: %s has no parameter %q", a.sig.fn, name))
	}
	return i
}

// Fn returns the builtin's name.
func (a *Args) Fn() string { return a.sig.fn }

// Value returns the argument of param (its default when absent or None and
// optional), or None when a required one was not given.
func (a *Args) Value(param string) starlark.Value {
	if v := a.vals[a.param(param)]; v != nil {
		return v
	}
	return starlark.None
}

// Has reports whether param has a value other than None (given, or by
// default).
func (a *Args) Has(param string) bool { return a.Value(param) != starlark.None }

// Error returns an *ArgError for param, describing what was given.
func (a *Args) Error(param, want string) error {
	return argError(a.sig.fn, param, want, a.given[a.param(param)])
}

// Unpack checks and converts arguments: pairs are a parameter name and the
// ArgKind (a pointer) receiving its value, as in starlark.UnpackArgs. An
// optional parameter whose value is None (absent, or a default of None)
// leaves its ArgKind as it is. A missing required argument, or one its
// ArgKind refuses, is an *ArgError naming the parameter, what the ArgKind
// wants and what was given.
func (a *Args) Unpack(pairs ...any) error {
	if len(pairs)%2 != 0 {
		panic(fmt.Sprintf("builtins: %s: Unpack wants name, ArgKind pairs", a.sig.fn))
	}
	for k := 0; k < len(pairs); k += 2 {
		name, kind := pairs[k].(string), pairs[k+1].(ArgKind)
		i := a.param(name)
		v := a.vals[i]
		optional := a.sig.defaults[i] != nil
		switch {
		case v == nil:
			return argError(a.sig.fn, name, kind.Want(), nil)
		case optional && v == starlark.None:
			continue
		}
		if err := kind.Unpack(v); err != nil {
			return a.unpackError(name, kind, v, err)
		}
	}
	return nil
}

// unpackError turns the error of an ArgKind's Unpack of v into an
// *ArgError of param.
func (a *Args) unpackError(param string, kind ArgKind, v starlark.Value, err error) error {
	e := &ArgError{Fn: a.sig.fn, Param: param, Want: kind.Want(), Got: Describe(v)}
	if bad, ok := err.(*BadArg); ok {
		if bad.Want != "" {
			e.Want = bad.Want
		}
		if bad.Param != "" {
			e.Param += bad.Param
		}
		if bad.Value != nil {
			e.Got = Describe(bad.Value)
		}
		if bad.Detail != "" {
			e.Got += bad.Detail
		}
	}
	return e
}
