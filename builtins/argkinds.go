package builtins

import (
	"fmt"
	"strings"
	"time"

	"go.starlark.net/starlark"
)

// ArgKind is a kind of argument: a starlark.Unpacker (Unpack checks and
// converts a value into the ArgKind) that says what it accepts. Args.Unpack
// binds a builtin's parameters to ArgKinds, and reports a refused value as
// an *ArgError: `fn: parameter "p": want <Want()>, got <value>`.
type ArgKind interface {
	starlark.Unpacker
	// Want says what the ArgKind accepts, such as "True or False".
	Want() string
}

// BadArg is the error of an ArgKind's Unpack when the plain
// `want <Want()>, got <value>` does not say enough; each non-empty field
// changes the *ArgError Args.Unpack reports.
type BadArg struct {
	// Want replaces the ArgKind's Want.
	Want string
	// Param is appended to the parameter's name, such as "[3]" for the
	// fourth item of a list.
	Param string
	// Value, when not nil, is the value described instead of the argument
	// (an item of a list argument).
	Value starlark.Value
	// Detail is appended to the description of the value, such as
	// ": syntax error at column 7".
	Detail string
}

// Error returns what the *ArgError would say after "want".
func (e *BadArg) Error() string {
	s := "bad argument"
	if e.Want != "" {
		s = "want " + e.Want
	}
	return s + e.Detail
}

// Value kinds (any value, strings, ints, bools, lists, functions).
type (
	// ValueArg accepts any value.
	ValueArg struct {
		// What says what the parameter is, for a missing argument.
		What string
		// Value is the argument.
		Value starlark.Value
	}
	// StringArg accepts a string, non-empty (not only spaces) when NonEmpty.
	StringArg struct {
		// What says what is wanted, such as "a credential name string".
		What     string
		NonEmpty bool
		// Value is the string.
		Value string
	}
	// IntArg accepts an int from Min to Max.
	IntArg struct {
		Min, Max int
		// Value is the int.
		Value int
	}
	// BoolArg accepts True or False.
	BoolArg struct {
		// Value is the bool.
		Value bool
	}
	// ListArg accepts a list or a tuple.
	ListArg struct {
		// What says what is wanted, such as "a list or tuple of items".
		What string
		// Items are its elements.
		Items []starlark.Value
	}
	// CallableArg accepts a function.
	CallableArg struct {
		// Value is the function.
		Value starlark.Callable
	}
)

// Want returns What.
func (k *ValueArg) Want() string { return k.What }

// Unpack takes any value.
func (k *ValueArg) Unpack(v starlark.Value) error { k.Value = v; return nil }

// Want returns What.
func (k *StringArg) Want() string { return k.What }

// Unpack takes a string.
func (k *StringArg) Unpack(v starlark.Value) error {
	s, ok := v.(starlark.String)
	if !ok || (k.NonEmpty && strings.TrimSpace(string(s)) == "") {
		return &BadArg{}
	}
	k.Value = string(s)
	return nil
}

// Want returns "an int from Min to Max".
func (k *IntArg) Want() string { return fmt.Sprintf("an int from %d to %d", k.Min, k.Max) }

// Unpack takes an int from Min to Max.
func (k *IntArg) Unpack(v starlark.Value) error {
	i, ok := v.(starlark.Int)
	if !ok {
		return &BadArg{}
	}
	n, ok := i.Int64()
	if !ok || n < int64(k.Min) || n > int64(k.Max) {
		return &BadArg{}
	}
	k.Value = int(n)
	return nil
}

// Want returns "True or False".
func (k *BoolArg) Want() string { return "True or False" }

// Unpack takes a bool.
func (k *BoolArg) Unpack(v starlark.Value) error {
	b, ok := v.(starlark.Bool)
	if !ok {
		return &BadArg{}
	}
	k.Value = bool(b)
	return nil
}

// Want returns What.
func (k *ListArg) Want() string { return k.What }

// Unpack takes the elements of a list or tuple.
func (k *ListArg) Unpack(v starlark.Value) error {
	switch v := v.(type) {
	case *starlark.List:
		k.Items = make([]starlark.Value, v.Len())
		for i := range k.Items {
			k.Items[i] = v.Index(i)
		}
		return nil
	case starlark.Tuple:
		k.Items = append([]starlark.Value(nil), v...)
		return nil
	}
	return &BadArg{}
}

// Want returns "a function".
func (k *CallableArg) Want() string { return "a function" }

// Unpack takes a callable.
func (k *CallableArg) Unpack(v starlark.Value) error {
	c, ok := v.(starlark.Callable)
	if !ok {
		return &BadArg{}
	}
	k.Value = c
	return nil
}

// IDArg accepts what stands for one item: its id, a non-empty string, or
// a Record (or dict) with a string "id" field.
type IDArg struct {
	// What names the kind of item, such as "job" or "user".
	What string
	// ID is the id.
	ID string
}

// Want returns "a <what> id string or a <what> record with an id".
func (k *IDArg) Want() string {
	return fmt.Sprintf("a %s id string or a %s record with an id", k.What, k.What)
}

// Unpack takes an id (see IDOf).
func (k *IDArg) Unpack(v starlark.Value) error {
	id, ok := IDOf(v)
	if !ok {
		return &BadArg{}
	}
	k.ID = id
	return nil
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

// DurationArg accepts a duration (see ParseDuration).
type DurationArg struct {
	// Duration is the duration.
	Duration time.Duration
}

// Want returns what a duration parameter expects.
func (k *DurationArg) Want() string { return durationWant }

// Unpack takes a duration.
func (k *DurationArg) Unpack(v starlark.Value) error {
	d, err := ParseDuration(v)
	if err != nil {
		return &BadArg{}
	}
	k.Duration = d
	return nil
}

// FilterArg accepts an OData filter: a Filter of the odata module or a
// filter string, which is parsed (a parse error shows the column).
// Endpoint validation is left to glapi.
type FilterArg struct {
	// Text is the filter's canonical text.
	Text string
}

// Want returns what a filter parameter expects.
func (k *FilterArg) Want() string { return filterWant }

// Unpack takes a filter; the error of a string that does not parse shows
// the column.
func (k *FilterArg) Unpack(v starlark.Value) error {
	f, err := k.filter(v)
	if err != nil {
		return err
	}
	k.Text = f.String()
	return nil
}

// filter returns v as a *Filter.
func (k *FilterArg) filter(v starlark.Value) (*Filter, error) {
	switch v.(type) {
	case *Filter, starlark.String:
	default:
		return nil, &BadArg{}
	}
	f, err := asFilter(v)
	if err != nil {
		return nil, &BadArg{Detail: ": " + err.Error()}
	}
	return f, nil
}
