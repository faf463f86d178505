package runtime

import (
	"fmt"
	"reflect"

	"go.starlark.net/starlark"

	"glrun/internal/textsize"
	"go.starlark.net/syntax"
)

// Text made of values: str(x), repr(x), print(x), "%s" % x and
// "{}".format(x) write a value's repr, which for a list holding the same
// list a thousand times, each holding the same list a thousand times, is
// gigabytes made out of kilobytes, in one step. These estimate the text's
// size first and refuse past the thread's allocation budget.

// reprEstimate measures a lower bound of the length of values' repr,
// giving up as soon as it exceeds the budget.
type reprEstimate struct {
	left int64
	// sizes memoizes the repr length of values of other types, by
	// address (a record in a list a million times is measured once).
	sizes map[uintptr]int64
}

// maxReprDepth is how deep the estimate descends; deeper values are
// counted as far as it went.
const maxReprDepth = 1000

// fits reports whether the repr of every value in vs, plus extra bytes,
// fits in the budget of thread.
func fits(thread *starlark.Thread, extra int64, vs ...starlark.Value) bool {
	e := &reprEstimate{left: int64(min(threadBudget(thread), 1<<62)) - extra, sizes: map[uintptr]int64{}}
	if e.left < 0 {
		return false
	}
	for _, v := range vs {
		if !e.walk(v, 0, nil) {
			return false
		}
	}
	return true
}

// add counts n bytes and reports whether the budget still holds.
func (e *reprEstimate) add(n int64) bool {
	e.left -= n
	return e.left >= 0
}

// walk counts v, found below the containers of path (a cycle prints as
// "[...]").
func (e *reprEstimate) walk(v starlark.Value, depth int, path []starlark.Value) bool {
	if n, ok := textsize.Scalar(v); ok {
		return e.add(n)
	}
	if b, ok := v.(starlark.Bytes); ok {
		return e.add(int64(len(b)) + 3)
	}
	if depth > maxReprDepth {
		return true
	}
	switch v := v.(type) {
	case *starlark.List, *starlark.Dict, *starlark.Set:
		for _, p := range path {
			if p == v {
				return e.add(5)
			}
		}
		path = append(path, v)
	}
	switch v := v.(type) {
	case starlark.IterableMapping:
		if !e.add(2) {
			return false
		}
		for _, item := range v.Items() {
			if !e.add(4) || !e.walk(item[0], depth+1, path) || !e.walk(item[1], depth+1, path) {
				return false
			}
		}
		return true
	case starlark.Sequence:
		if !e.add(2 + 2*int64(v.Len())) {
			return false
		}
		iter := v.Iterate()
		defer iter.Done()
		var elem starlark.Value
		for iter.Next(&elem) {
			if !e.walk(elem, depth+1, path) {
				return false
			}
		}
		return true
	}
	return e.add(e.otherSize(v))
}

// otherSize is the length of the repr of a value of another type
// (records, modules, functions), computed once per value.
func (e *reprEstimate) otherSize(v starlark.Value) int64 {
	var key uintptr
	if r := reflect.ValueOf(v); r.Kind() == reflect.Pointer {
		key = r.Pointer()
		if n, ok := e.sizes[key]; ok {
			return n
		}
	}
	n := int64(len(v.String()))
	if key != 0 {
		e.sizes[key] = n
	}
	return n
}

// tooLong is the refusal of a text past the budget.
func tooLong(thread *starlark.Thread, what string) error {
	return fmt.Errorf("%s: the text would take more than %d MiB, the most one operation may build (a quarter of --max-memory); raise --max-memory or print less",
		what, threadBudget(thread)>>20)
}

// textNames are the universal functions that write values' repr.
var textNames = []string{"print", "repr", "str"}

// textGuards returns the replacements of textNames: each refuses, before
// building it, a text past the thread's allocation budget.
func textGuards() starlark.StringDict {
	out := starlark.StringDict{}
	for _, name := range textNames {
		orig := starlark.Universe[name].(*starlark.Builtin)
		out[name] = starlark.NewBuiltin(name, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			vs := append([]starlark.Value{}, args...)
			for _, kv := range kwargs {
				vs = append(vs, kv[1])
			}
			if name == "str" && len(args) == 1 {
				if _, ok := args[0].(starlark.String); ok {
					vs = nil // str of a string is itself
				}
			}
			if !fits(thread, 0, vs...) {
				return nil, tooLong(thread, name)
			}
			return orig.CallInternal(thread, args, kwargs)
		})
	}
	return out
}

// percentBuiltin is x % y, refused before it builds a string past the
// thread's allocation budget when x is a format string.
func percentBuiltin(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
	x, y := args[0], args[1]
	if format, ok := x.(starlark.String); ok {
		operands := []starlark.Value{y}
		if t, ok := y.(starlark.Tuple); ok {
			operands = t
		}
		if !fits(thread, int64(len(format)), operands...) {
			return nil, tooLong(thread, "%")
		}
	}
	return starlark.Binary(syntax.PERCENT, x, y)
}

// formatBuiltin is recv.format(...): for a string, refused before it
// builds a string past the thread's allocation budget.
func formatBuiltin(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	recv, rest := args[0], args[1:]
	if format, ok := recv.(starlark.String); ok {
		vs := append([]starlark.Value{}, rest...)
		for _, kv := range kwargs {
			vs = append(vs, kv[1])
		}
		if !fits(thread, int64(len(format)), vs...) {
			return nil, tooLong(thread, "format")
		}
	}
	return callMethod(thread, recv, "format", rest, kwargs)
}

// callMethod calls recv.name(args, kwargs) as Starlark would.
func callMethod(thread *starlark.Thread, recv starlark.Value, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	ha, ok := recv.(starlark.HasAttrs)
	if !ok {
		return nil, fmt.Errorf("%s has no .%s field or method", recv.Type(), name)
	}
	method, err := ha.Attr(name)
	if err != nil {
		return nil, err
	}
	if method == nil {
		return nil, fmt.Errorf("%s has no .%s field or method", recv.Type(), name)
	}
	if b, ok := method.(*starlark.Builtin); ok {
		return b.CallInternal(thread, args, kwargs) // no second frame
	}
	return starlark.Call(thread, method, args, kwargs)
}
