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
// A record is small because a list of 100,000 jobs holds 100,000 of them.
// Its field names (its shape) are shared by every record of the same shape
// that one conversion makes, and its values are 4-byte entries in one
// string, data: an entry is either the index of a value in a table the
// records of a conversion share (repeated strings such as states, template
// and server ids, numbers, booleans, nested records and lists; each kept
// once) or the place in data itself of a string of the record's own (an id,
// a timestamp), whose bytes follow the entries. A job is two allocations,
// about 260 bytes, and a value is boxed only when it is read. Lookups are a
// binary search, as fast as a map for an API object's twenty fields.
type Record struct {
	shape *shape
	data  string // 4-byte entries, one per field (little endian), then the record's own strings
}

// shape is the sorted field names of records and the table their entries
// index; shared, never modified once a record uses it (the table only
// grows).
type shape struct {
	keys []string
	tab  *valueTable
}

// valueTable holds the values record entries index.
type valueTable struct {
	vals []starlark.Value
}

// An entry with inData set is a string of the record's data: 15 bits of
// offset, 16 bits of length.
const (
	inData     = 1 << 31
	maxDataOff = 1<<15 - 1
	maxDataLen = 1<<16 - 1
)

// NewRecord returns a Record over fields; the values must already be frozen
// Starlark values (ToStarlark builds them).
func NewRecord(fields map[string]starlark.Value) *Record {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tab := &valueTable{vals: make([]starlark.Value, len(keys))}
	data := make([]byte, 0, 4*len(keys))
	for i, k := range keys {
		tab.vals[i] = fields[k]
		data = appendEntry(data, uint32(i))
	}
	return &Record{shape: &shape{keys: keys, tab: tab}, data: string(data)}
}

// appendEntry appends entry e to data.
func appendEntry(data []byte, e uint32) []byte {
	return append(data, byte(e), byte(e>>8), byte(e>>16), byte(e>>24))
}

// names returns the sorted field names (shared: do not modify).
func (r *Record) names() []string {
	if r.shape == nil {
		return nil
	}
	return r.shape.keys
}

// at returns the value of the i-th field.
func (r *Record) at(i int) starlark.Value {
	d := r.data[4*i:]
	e := uint32(d[0]) | uint32(d[1])<<8 | uint32(d[2])<<16 | uint32(d[3])<<24
	if e&inData != 0 {
		off, n := int(e>>16&maxDataOff), int(e&maxDataLen)
		return starlark.String(r.data[off : off+n])
	}
	return r.shape.tab.vals[e]
}

// Field returns the value of field name and whether it is present.
func (r *Record) Field(name string) (starlark.Value, bool) {
	keys := r.names()
	i := sort.SearchStrings(keys, name)
	if i < len(keys) && keys[i] == name {
		return r.at(i), true
	}
	return nil, false
}

// Keys returns the field names, sorted.
func (r *Record) Keys() []string { return append([]string(nil), r.names()...) }

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
func (r *Record) Len() int { return len(r.names()) }

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
	return &keyIterator{keys: r.names()}
}

// Items returns (name, value) pairs, sorted by name.
func (r *Record) Items() []starlark.Tuple {
	keys := r.names()
	out := make([]starlark.Tuple, len(keys))
	for i, k := range keys {
		out[i] = starlark.Tuple{starlark.String(k), r.at(i)}
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
	if r.Len() != o.Len() {
		return false, nil
	}
	for i, k := range r.names() {
		ov, ok := o.Field(k)
		if !ok {
			return false, nil
		}
		eq, err := starlark.EqualDepth(r.at(i), ov, depth-1)
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
	if r.Len() == 0 {
		return "no fields"
	}
	return strings.Join(r.names(), ", ")
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
