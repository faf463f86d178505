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
// converted by the type of the parameter's default: int, float, bool
// (true/false, yes/no, 1/0, any case), string, list or tuple (a comma list
// of strings, items trimmed, empty items dropped); a None default and a
// required parameter take the string. A missing required parameter, an
// unknown name (unless main has **kwargs, which then receives it as a
// string) or a value that does not convert is a KindUsage error listing the
// parameters; nothing runs then.
func (rb *Runbook) CallParams(ctx context.Context, given map[string]string) (starlark.Value, error) {
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
func (rb *Runbook) bind(fn *starlark.Function, given map[string]string) ([]starlark.Tuple, error) {
	ps := params(fn)
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	var problems []string
	var kwargs []starlark.Tuple
	for _, p := range ps {
		s, ok := given[p.Name]
		if !ok {
			if p.Required {
				problems = append(problems, fmt.Sprintf("missing required parameter %s", p.Name))
			}
			continue
		}
		v, err := convert(p, s)
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
			kwargs = append(kwargs, starlark.Tuple{starlark.String(name), starlark.String(given[name])})
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

// convert turns the command-line string s into a value of p's type.
func convert(p Param, s string) (starlark.Value, error) {
	switch p.Default.(type) {
	case nil, starlark.NoneType, starlark.String:
		return starlark.String(s), nil
	case starlark.Int:
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an int", s)
		}
		return starlark.MakeInt64(i), nil
	case starlark.Float:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a float", s)
		}
		return starlark.Float(f), nil
	case starlark.Bool:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true", "yes", "1":
			return starlark.True, nil
		case "false", "no", "0":
			return starlark.False, nil
		}
		return nil, fmt.Errorf("%q is not a bool (true/false, yes/no, 1/0)", s)
	case *starlark.List:
		return starlark.NewList(splitList(s)), nil
	case starlark.Tuple:
		return starlark.Tuple(splitList(s)), nil
	default:
		return nil, fmt.Errorf("cannot be set from the command line (its default is a %s)", p.Type)
	}
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
