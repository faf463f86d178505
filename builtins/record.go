package builtins

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Record is a read-only API object (a job, a server, a user...) as a
// Starlark value. Its attributes are the API's field names (job.state,
// job.resource.id); r["field"] and r.get("field", default) read the same
// fields; dir(r) lists them; str(r) and print(r) give compact JSON with
// sorted keys; == compares by value; dict(r) makes a mutable copy.
//
// A record is two slices: its sorted field names, shared by every record
// of the same shape that one conversion makes (a list of 100,000 jobs keeps
// one copy of the names), and the values in the same order. Lookups are a
// binary search, as fast as a map for an API object's twenty fields and a
// fraction of its memory.
type Record struct {
	keys []string         // sorted; shared, never modified
	vals []starlark.Value // vals[i] is the value of keys[i]
}

var (
	_ starlark.IterableMapping = (*Record)(nil)
	_ starlark.HasAttrs        = (*Record)(nil)
	_ starlark.Comparable      = (*Record)(nil)
	_ starlark.Sequence        = (*Record)(nil)
	_ json.Marshaler           = (*Record)(nil)
)

// NewRecord returns a Record over fields; the values must already be frozen
// Starlark values (ToStarlark builds them).
func NewRecord(fields map[string]starlark.Value) *Record {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]starlark.Value, len(keys))
	for i, k := range keys {
		vals[i] = fields[k]
	}
	return &Record{keys: keys, vals: vals}
}

// Field returns the value of field name and whether it is present.
func (r *Record) Field(name string) (starlark.Value, bool) {
	i := sort.SearchStrings(r.keys, name)
	if i < len(r.keys) && r.keys[i] == name {
		return r.vals[i], true
	}
	return nil, false
}

// Keys returns the field names, sorted.
func (r *Record) Keys() []string { return append([]string(nil), r.keys...) }

// String returns the record as compact JSON with sorted keys; secrets show
// as "<redacted>".
func (r *Record) String() string {
	b, err := r.MarshalJSON()
	if err != nil {
		return fmt.Sprintf("<record: %v>", err)
	}
	return string(b)
}

// Type returns "record".
func (r *Record) Type() string { return "record" }

// Freeze does nothing: a record is built frozen.
func (r *Record) Freeze() {}

// Truth reports true: a record is a thing that exists.
func (r *Record) Truth() starlark.Bool { return starlark.True }

// Hash fails: records hold lists and are compared by value.
func (r *Record) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable type: record") }

// Len returns the number of fields.
func (r *Record) Len() int { return len(r.keys) }

// Attr returns field name, or the get method. A missing field is an error
// that names it and lists the fields present.
func (r *Record) Attr(name string) (starlark.Value, error) {
	if v, ok := r.Field(name); ok {
		return v, nil
	}
	if name == "get" {
		return starlark.NewBuiltin("get", r.get).BindReceiver(r), nil
	}
	return nil, starlark.NoSuchAttrError(fmt.Sprintf("record has no field %q; it has: %s",
		name, r.fieldList()))
}

// AttrNames returns the field names, sorted.
func (r *Record) AttrNames() []string { return r.Keys() }

// Get implements r[key] and `key in r`.
func (r *Record) Get(k starlark.Value) (starlark.Value, bool, error) {
	s, ok := k.(starlark.String)
	if !ok {
		return nil, false, fmt.Errorf("record index: want a field name string, got %s", k.Type())
	}
	v, ok := r.Field(string(s))
	return v, ok, nil
}

// Iterate iterates over the field names, sorted.
func (r *Record) Iterate() starlark.Iterator {
	return &keyIterator{keys: r.keys}
}

// Items returns (name, value) pairs, sorted by name.
func (r *Record) Items() []starlark.Tuple {
	out := make([]starlark.Tuple, len(r.keys))
	for i, k := range r.keys {
		out[i] = starlark.Tuple{starlark.String(k), r.vals[i]}
	}
	return out
}

// CompareSameType compares two records by value (== and != only).
func (r *Record) CompareSameType(op syntax.Token, y starlark.Value, depth int) (bool, error) {
	o := y.(*Record)
	eq, err := r.equal(o, depth)
	if err != nil {
		return false, err
	}
	switch op {
	case syntax.EQL:
		return eq, nil
	case syntax.NEQ:
		return !eq, nil
	}
	return false, fmt.Errorf("%s not supported for records", op)
}

func (r *Record) equal(o *Record, depth int) (bool, error) {
	if len(r.keys) != len(o.keys) {
		return false, nil
	}
	for i, k := range r.keys {
		ov, ok := o.Field(k)
		if !ok {
			return false, nil
		}
		eq, err := starlark.EqualDepth(r.vals[i], ov, depth-1)
		if err != nil || !eq {
			return false, err
		}
	}
	return true, nil
}

// MarshalJSON encodes the record as compact JSON with sorted keys.
func (r *Record) MarshalJSON() ([]byte, error) {
	v, err := fromStarlark(r, 0, true)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func (r *Record) fieldList() string {
	if len(r.keys) == 0 {
		return "no fields"
	}
	return strings.Join(r.keys, ", ")
}

// recordGetDoc declares r.get (a method: not in the registry).
var recordGetDoc = Doc{Name: "record.get", Params: []ParamDoc{
	{Name: "field", Desc: "a field name"},
	{Name: "default", Default: "None", Desc: "what to return when the record has no such field"},
}}

// get is r.get(field, default=None).
func (r *Record) get(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	a, err := Bind(recordGetDoc, args, kwargs)
	if err != nil {
		return nil, err
	}
	name := StringArg{What: "a field name string"}
	if err := a.Unpack("field", &name); err != nil {
		return nil, err
	}
	if v, ok := r.Field(name.Value); ok {
		return v, nil
	}
	return a.Value("default"), nil
}

type keyIterator struct {
	keys []string
	i    int
}

func (it *keyIterator) Next(p *starlark.Value) bool {
	if it.i >= len(it.keys) {
		return false
	}
	*p = starlark.String(it.keys[it.i])
	it.i++
	return true
}

func (it *keyIterator) Done() {}
