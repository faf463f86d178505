package builtins

import (
	"encoding/json"
	"fmt"
	"reflect"

	starjson "go.starlark.net/lib/json"
	"go.starlark.net/starlark"

	"glrun/internal/textsize"
)

// MaxJSONDepth is how deeply the arrays and objects of a JSON text, or the
// lists and dicts of a value to encode, may nest. go.starlark.net's decoder
// recurses once per level: a text of two million "[" would overflow the Go
// stack and crash the process instead of failing the runbook.
const MaxJSONDepth = 1000

// AllocBudgetKey is the thread-local key (thread.Local) under which the
// runtime keeps the most bytes one builtin call may allocate (a uint64;
// runtime.AllocBudgetKey). Builtins whose result can be far larger than
// their arguments (json.encode of a list holding the same big list a
// thousand times) estimate it first and refuse past this budget.
const AllocBudgetKey = "glrun.allocBudget"

// DefaultAllocBudget is the budget of a thread that has none (not made by
// the runtime).
const DefaultAllocBudget uint64 = 128 << 20

// AllocBudget returns the most bytes one builtin call on thread may
// allocate.
func AllocBudget(thread *starlark.Thread) uint64 {
	if b, ok := thread.Local(AllocBudgetKey).(uint64); ok && b > 0 {
		return b
	}
	return DefaultAllocBudget
}

// TooLargeError is the refusal of an operation whose result would exceed
// the thread's allocation budget. It is raised before anything is
// allocated.
type TooLargeError struct {
	// Op is the operation ("json.encode", "sorted" ...).
	Op string
	// Budget is the budget in bytes.
	Budget uint64
}

// Error says what was refused and how to allow it.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: the result would exceed %d MiB, the most one operation may build (a quarter of --max-memory); raise --max-memory or build it in parts",
		e.Op, e.Budget>>20)
}

// jsonLibrary returns go.starlark.net's json builtin called name.
func jsonLibrary(name string) *starlark.Builtin {
	return starjson.Module.Members[name].(*starlark.Builtin)
}

// boundedJSON returns the json module's function name ("encode",
// "encode_indent", "decode", "indent") wrapped so that it refuses, before
// doing any work, texts nested deeper than MaxJSONDepth and results larger
// than the allocation budget. Otherwise it is the library's function, with
// its arguments and messages.
func boundedJSON(name string) *starlark.Builtin {
	lib := jsonLibrary(name)
	full := "json." + name
	return starlark.NewBuiltin(full, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := checkJSONCall(thread, name, full, args, kwargs); err != nil {
			if name == "decode" {
				if d, ok := kwarg(kwargs, "default"); ok {
					return d, nil
				}
			}
			return nil, err
		}
		return lib.CallInternal(thread, args, kwargs)
	})
}

// kwarg returns the keyword argument called name.
func kwarg(kwargs []starlark.Tuple, name string) (starlark.Value, bool) {
	for _, kv := range kwargs {
		if k, ok := kv[0].(starlark.String); ok && string(k) == name {
			return kv[1], true
		}
	}
	return nil, false
}

// checkJSONCall checks one call of the json function name against the
// limits. Arguments the library itself would refuse pass unchecked (the
// library then reports them).
func checkJSONCall(thread *starlark.Thread, name, full string, args starlark.Tuple, kwargs []starlark.Tuple) error {
	if len(args) < 1 {
		return nil
	}
	prefix, indent := "", "\t"
	if name == "encode_indent" || name == "indent" {
		if v, ok := kwarg(kwargs, "prefix"); ok {
			s, _ := starlark.AsString(v)
			prefix = s
		}
		if v, ok := kwarg(kwargs, "indent"); ok {
			s, _ := starlark.AsString(v)
			indent = s
		}
	}
	budget := AllocBudget(thread)
	switch name {
	case "decode", "indent":
		s, ok := starlark.AsString(args[0])
		if !ok {
			return nil
		}
		lineCost := -1 // no indentation: decode
		if name == "indent" {
			lineCost = len(prefix) + 1
		}
		size, err := scanJSON(s, lineCost, len(indent))
		if err != nil {
			return fmt.Errorf("%s: %v", full, err)
		}
		if name == "indent" && uint64(size) > budget {
			return &TooLargeError{Op: full, Budget: budget}
		}
	case "encode", "encode_indent":
		e := &encodeEstimate{remaining: int64(budget), sizes: map[uintptr]int64{}}
		if name == "encode_indent" {
			e.indented, e.line, e.indent = true, int64(len(prefix)+1), int64(len(indent))
		}
		if err := e.walk(args[0], 0, nil); err != nil {
			if err == errOverBudget {
				return &TooLargeError{Op: full, Budget: budget}
			}
			return fmt.Errorf("%s: %v", full, err)
		}
	}
	return nil
}

// scanJSON checks the nesting of the JSON text s without decoding it (the
// library reports syntax errors) and returns its length once indented:
// every line costs lineCost plus indent bytes per level (lineCost < 0:
// the length of s).
func scanJSON(s string, lineCost, indent int) (int, error) {
	depth, size := 0, len(s)
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			depth++
			if depth > MaxJSONDepth {
				return 0, fmt.Errorf("at offset %d, arrays and objects nest deeper than %d levels", i, MaxJSONDepth)
			}
			if lineCost >= 0 {
				size += lineCost + depth*indent
			}
		case ']', '}':
			depth--
			if lineCost >= 0 {
				size += lineCost + max(depth, 0)*indent
			}
		case ',':
			if lineCost >= 0 {
				size += lineCost + depth*indent
			}
		}
	}
	return size, nil
}

// errOverBudget stops an encodeEstimate walk.
var errOverBudget = fmt.Errorf("over budget")

// encodeEstimate measures, without building it, a lower bound of the size
// of a value's JSON encoding, stopping as soon as it exceeds the budget:
// a list holding the same list a thousand times, each holding the same
// list a thousand times, is small in memory and gigabytes as text, and the
// walk gives up after at most budget/2 elements.
type encodeEstimate struct {
	remaining int64
	// indented: every element and closing bracket starts a line costing
	// line bytes plus indent bytes per level.
	indented     bool
	line, indent int64
	// sizes memoizes the encoded size of values that encode themselves
	// (records), by address.
	sizes map[uintptr]int64
}

// add counts n bytes.
func (e *encodeEstimate) add(n int64) error {
	e.remaining -= n
	if e.remaining < 0 {
		return errOverBudget
	}
	return nil
}

// newline counts a line break at depth.
func (e *encodeEstimate) newline(depth int) error {
	if !e.indented {
		return nil
	}
	return e.add(e.line + e.indent*int64(depth))
}

// walk counts x, found at depth below the lists and dicts of path (to
// stop at cycles, which the encoder reports itself).
func (e *encodeEstimate) walk(x starlark.Value, depth int, path []starlark.Value) error {
	if depth > MaxJSONDepth {
		return fmt.Errorf("the value nests deeper than %d levels", MaxJSONDepth)
	}
	if m, ok := x.(json.Marshaler); ok {
		return e.add(e.marshaledSize(m))
	}
	if n, ok := textsize.Scalar(x); ok {
		return e.add(n)
	}
	for _, p := range path {
		if p == x {
			return nil // a cycle: json.encode refuses it
		}
	}
	path = append(path, x)
	switch x := x.(type) {
	case starlark.IterableMapping:
		if err := e.add(2); err != nil {
			return err
		}
		for _, item := range x.Items() {
			k, _ := starlark.AsString(item[0])
			if err := e.add(int64(len(k)) + 4); err != nil {
				return err
			}
			if err := e.newline(depth + 1); err != nil {
				return err
			}
			if err := e.walk(item[1], depth+1, path); err != nil {
				return err
			}
		}
		return e.newline(depth)
	case starlark.Iterable:
		if s, ok := x.(starlark.Sequence); ok {
			if err := e.add(2 * int64(s.Len())); err != nil {
				return err
			}
		}
		iter := x.Iterate()
		defer iter.Done()
		var elem starlark.Value
		for iter.Next(&elem) {
			if err := e.newline(depth + 1); err != nil {
				return err
			}
			if err := e.walk(elem, depth+1, path); err != nil {
				return err
			}
		}
		return e.newline(depth)
	case starlark.HasAttrs:
		for _, name := range x.AttrNames() {
			v, err := x.Attr(name)
			if err != nil || v == nil {
				continue
			}
			if err := e.add(int64(len(name)) + 4); err != nil {
				return err
			}
			if err := e.walk(v, depth+1, path); err != nil {
				return err
			}
		}
	}
	return nil
}

// marshaledSize is the length of x's own JSON encoding, computed once per
// value.
func (e *encodeEstimate) marshaledSize(x json.Marshaler) int64 {
	var key uintptr
	if v := reflect.ValueOf(x); v.Kind() == reflect.Pointer {
		key = v.Pointer()
		if n, ok := e.sizes[key]; ok {
			return n
		}
	}
	b, err := x.MarshalJSON()
	n := int64(len(b))
	if err != nil {
		n = 0 // the encoder reports it
	}
	if key != 0 {
		e.sizes[key] = n
	}
	return n
}

// fitsBudget reports whether the text of vs (their JSON, a lower bound of
// their repr too) fits in the allocation budget of thread; values nested
// too deeply to measure pass (their text is then built as it comes).
func fitsBudget(thread *starlark.Thread, vs ...starlark.Value) bool {
	e := &encodeEstimate{remaining: int64(AllocBudget(thread)), sizes: map[uintptr]int64{}}
	for _, v := range vs {
		if v == nil {
			continue
		}
		if err := e.walk(v, 0, nil); err == errOverBudget {
			return false
		}
	}
	return true
}
