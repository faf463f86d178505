package runtime

import (
	"context"
	"fmt"
	"glrun/internal/suggest"
	"slices"
	"strconv"
	"strings"

	"go.starlark.net/starlark"
)

// Call calls main with the parameters given as NAME=VALUE arguments (see
// CallParams for the conversion).
func (rb *Runbook) Call(ctx context.Context, args []string) (starlark.Value, error) {
	given := make(map[string]string, len(args))
	for _, a := range args {
		name, value, ok := strings.Cut(a, "=")
		if !ok || name == "" {
			return nil, rb.usage(fmt.Sprintf("argument %q is not NAME=VALUE", a))
		}
		if _, dup := given[name]; dup {
			return nil, rb.usage(fmt.Sprintf("parameter %s given twice", name))
		}
		given[name] = value
	}
	return rb.CallParams(ctx, given)
}

// CallParams calls main(**params) under the sandbox. Each value is
// converted by the parameter's type (see Param.Type): int, float, bool
// (true/false, yes/no, 1/0, any case), string, list or tuple (a comma list
// of strings, items trimmed, empty items dropped), dict (a comma list of
// KEY=VALUE, string values); a None default and a required parameter
// without a type take the string. A missing required parameter, an
// unknown name (unless main has **kwargs, which then receives it as a
// string) or a value that does not convert is a KindUsage error listing the
// parameters; nothing runs then.
func (rb *Runbook) CallParams(ctx context.Context, given map[string]string) (starlark.Value, error) {
	values := make(map[string]starlark.Value, len(given))
	for name, s := range given {
		values[name] = starlark.String(s)
	}
	return rb.CallValues(ctx, values)
}

// CallValues calls main(**given) under the sandbox, as a test's
// runbook.run does. A string given for a parameter of another type is
// converted as on the command line (emails = "a,b" for a list parameter
// is ["a", "b"]); a value of a parameter's own type passes unchanged (a
// tuple for a list, a list for a tuple, an int for a float are converted).
// A value of another type is an error for a parameter declared with a type
// (emails = list) and passes unchanged for one typed by its default. The
// errors are those of CallParams.
func (rb *Runbook) CallValues(ctx context.Context, given map[string]starlark.Value) (starlark.Value, error) {
	fn, err := rb.main()
	if err != nil {
		return nil, err
	}
	kwargs, err := rb.bind(fn, given)
	if err != nil {
		return nil, err
	}
	return rb.Exec(ctx, "main", fn, nil, kwargs)
}

// bind converts the given parameters into keyword arguments for fn.
func (rb *Runbook) bind(fn *starlark.Function, given map[string]starlark.Value) ([]starlark.Tuple, error) {
	ps := params(fn)
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	var problems []string
	var kwargs []starlark.Tuple
	for _, p := range ps {
		v, ok := given[p.Name]
		if !ok {
			if p.Required {
				problems = append(problems, fmt.Sprintf("missing required parameter %s", p.Name))
			}
			continue
		}
		v, err := coerce(p, v)
		if err != nil {
			problems = append(problems, fmt.Sprintf("parameter %s: %v", p.Name, err))
			continue
		}
		kwargs = append(kwargs, starlark.Tuple{starlark.String(p.Name), v})
	}
	var extra []string
	for name := range given {
		if !slices.Contains(names, name) {
			extra = append(extra, name)
		}
	}
	slices.Sort(extra)
	for _, name := range extra {
		switch {
		case fn.HasKwargs():
			kwargs = append(kwargs, starlark.Tuple{starlark.String(name), given[name]})
		case suggest.Closest(name, names) != "":
			problems = append(problems, fmt.Sprintf("unknown parameter %s (did you mean %s?)", name, suggest.Closest(name, names)))
		default:
			problems = append(problems, fmt.Sprintf("unknown parameter %s", name))
		}
	}
	if len(problems) > 0 {
		return nil, rb.usage(strings.Join(problems, "; "))
	}
	return kwargs, nil
}

// usage makes a KindUsage error: the problem, then the parameters of main
// with their defaults.
func (rb *Runbook) usage(problem string) *Error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", rb.Name(), problem)
	fn, err := rb.main()
	if err != nil {
		return &Error{Kind: KindUsage, Msg: b.String() + err.Error()}
	}
	ps := params(fn)
	if len(ps) == 0 {
		b.WriteString("main takes no parameters")
	} else {
		b.WriteString("parameters (NAME=VALUE):")
		for _, p := range ps {
			fmt.Fprintf(&b, "\n  %s", p)
		}
	}
	return &Error{Kind: KindUsage, Msg: b.String()}
}

// coerce makes v, given for p, a value of p's type: a string is converted
// as on the command line (see convert); a list for a tuple, a tuple for a
// list and an int for a float are converted; other values pass unchanged,
// except for a parameter declared with a type (emails = list), which
// refuses a value of another type.
func coerce(p Param, v starlark.Value) (starlark.Value, error) {
	if s, ok := v.(starlark.String); ok {
		return convert(p, string(s))
	}
	var ok bool
	switch p.Type {
	case "string":
		_, ok = v.(starlark.String)
	case "int":
		_, ok = v.(starlark.Int)
	case "float":
		switch x := v.(type) {
		case starlark.Float:
			ok = true
		case starlark.Int:
			return x.Float(), nil
		}
	case "bool":
		_, ok = v.(starlark.Bool)
	case "list":
		switch x := v.(type) {
		case *starlark.List:
			ok = true
		case starlark.Tuple:
			return starlark.NewList(append([]starlark.Value(nil), x...)), nil
		}
	case "tuple":
		switch x := v.(type) {
		case starlark.Tuple:
			ok = true
		case *starlark.List:
			t := make(starlark.Tuple, x.Len())
			for i := range t {
				t[i] = x.Index(i)
			}
			return t, nil
		}
	case "dict":
		_, ok = v.(*starlark.Dict)
	default:
		ok = true
	}
	if !ok && p.Declared {
		return nil, fmt.Errorf("want a %s (or a string as on the command line), got %s", p.Type, v.Type())
	}
	return v, nil
}

// convert turns the command-line string s into a value of p's type.
func convert(p Param, s string) (starlark.Value, error) {
	switch p.Type {
	case "string":
		return starlark.String(s), nil
	case "int":
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an int", s)
		}
		return starlark.MakeInt64(i), nil
	case "float":
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a float", s)
		}
		return starlark.Float(f), nil
	case "bool":
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true", "yes", "1":
			return starlark.True, nil
		case "false", "no", "0":
			return starlark.False, nil
		}
		return nil, fmt.Errorf("%q is not a bool (true/false, yes/no, 1/0)", s)
	case "list":
		return starlark.NewList(splitList(s)), nil
	case "tuple":
		return starlark.Tuple(splitList(s)), nil
	case "dict":
		return splitDict(s)
	default:
		return nil, fmt.Errorf("cannot be set from the command line (its default is a %s)", p.Type)
	}
}

// splitDict splits a comma list of KEY=VALUE into a dict of strings,
// keys and values trimmed, empty items dropped.
func splitDict(s string) (*starlark.Dict, error) {
	d := starlark.NewDict(0)
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		k, v, ok := strings.Cut(item, "=")
		if k = strings.TrimSpace(k); !ok || k == "" {
			return nil, fmt.Errorf("%q is not KEY=VALUE (a dict is given as KEY=VALUE,KEY=VALUE)", item)
		}
		if _, found, _ := d.Get(starlark.String(k)); found {
			return nil, fmt.Errorf("key %q given twice", k)
		}
		if err := d.SetKey(starlark.String(k), starlark.String(strings.TrimSpace(v))); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// splitList splits a comma list into trimmed, non-empty strings.
func splitList(s string) []starlark.Value {
	items := []starlark.Value{}
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, starlark.String(item))
		}
	}
	return items
}
