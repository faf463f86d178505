package builtins

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	libtime "go.starlark.net/lib/time"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"glrun/glapi"
)

// maxConvertDepth bounds the nesting FromStarlark follows, so a list that
// contains itself is an error instead of a stack overflow.
const maxConvertDepth = 64

// ToStarlark converts a decoded JSON value (glapi.Object, map[string]any,
// []any, string, json.Number, float64, int, bool, nil, glapi.Secret) into a
// frozen Starlark value: objects become read-only Records with the API's
// field names that print as compact JSON; lists become frozen lists;
// json.Number becomes an int, or a float when it is not integral; secrets
// become Secret values that print as <redacted>; time.Time becomes a time
// value of the time module. Starlark values are returned as they are.
func ToStarlark(v any) starlark.Value {
	var c Converter
	return c.Value(v)
}

// Limits of what a Converter shares.
const (
	maxInternLen    = 64   // longer strings are rarely repeated
	maxInternedStrs = 8192 // strings remembered (seen once or shared)
	maxInternedInts = 1024 // distinct numbers shared
	maxInternedRecs = 8192 // small records shared (a job's resource)
	maxInternedRec  = 8    // fields of a record that may be shared
	maxShapes       = 256  // distinct field name sets remembered
)

// emptyRecord is the one record with no fields ({} in JSON); records are
// immutable, so every empty object can be it.
var emptyRecord = &Record{}

// Converter is ToStarlark for many values at once, such as the items of
// a list builtin: it shares what repeats between them, so a list of 100,000
// jobs keeps one copy of the field names of a job, one value of each
// repeated string ("COMPLETE", a template id, a server id), of each
// repeated small record (a job's resource) and one empty record, instead
// of 100,000 of each; a string seen once stays in its record's own data,
// unboxed (see Record). The zero value is ready to use; a Converter is not
// safe for concurrent use, and the records it made must not be read by
// another goroutine while it converts more.
type Converter struct {
	tab    *valueTable          // the values the records' entries index
	shapes map[string]*shape    // field names joined by NUL -> shared shape
	strs   map[string]int32     // short strings: their table index, or -1 when seen once
	ints   map[int64]uint32     // numbers: their table index
	recs   map[recordKey]uint32 // small records: their table index
	shared map[starlark.Value]uint32
}

// Value converts v as ToStarlark does.
func (c *Converter) Value(v any) starlark.Value {
	switch v := v.(type) {
	case nil:
		return starlark.None
	case starlark.Value:
		return v
	case glapi.Object:
		return c.record(v)
	case map[string]any:
		return c.record(v)
	case []any:
		return c.list(len(v), func(i int) any { return v[i] })
	case []glapi.Object:
		return c.list(len(v), func(i int) any { return v[i] })
	case []map[string]any:
		return c.list(len(v), func(i int) any { return v[i] })
	case []string:
		return c.list(len(v), func(i int) any { return v[i] })
	case string:
		return starlark.String(v)
	case bool:
		return starlark.Bool(v)
	case json.Number:
		return numberToStarlark(v)
	case int:
		return starlark.MakeInt(v)
	case int64:
		return starlark.MakeInt64(v)
	case int32:
		return starlark.MakeInt64(int64(v))
	case uint64:
		return starlark.MakeUint64(v)
	case uint:
		return starlark.MakeUint(v)
	case float64:
		return starlark.Float(v)
	case float32:
		return starlark.Float(v)
	case *big.Int:
		return starlark.MakeBigInt(v)
	case glapi.Secret:
		return NewSecretValue(v)
	case *glapi.Secret:
		if v == nil {
			return starlark.None
		}
		return NewSecretValue(*v)
	case time.Time:
		return libtime.Time(v)
	case time.Duration:
		return libtime.Duration(v)
	default:
		// Any other Go value (a typed struct) goes through its JSON form,
		// which never reveals a glapi.Secret.
		b, err := json.Marshal(v)
		if err != nil {
			return starlark.String(fmt.Sprintf("%v", v))
		}
		var decoded any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&decoded); err != nil {
			return starlark.String(string(b))
		}
		return c.Value(decoded)
	}
}

// add appends v to the table and returns its index.
func (c *Converter) add(v starlark.Value) uint32 {
	if c.tab == nil {
		c.tab = &valueTable{}
	}
	c.tab.vals = append(c.tab.vals, v)
	return uint32(len(c.tab.vals) - 1)
}

// addShared returns the index of v, a comparable value that is the same
// for every record (None, True, False, the empty record, the empty list).
func (c *Converter) addShared(v starlark.Value) uint32 {
	if i, ok := c.shared[v]; ok {
		return i
	}
	if c.shared == nil {
		c.shared = make(map[starlark.Value]uint32)
	}
	i := c.add(v)
	c.shared[v] = i
	return i
}

// emptyList is the frozen empty list every [] of a conversion can be.
var emptyList = func() *starlark.List { l := starlark.NewList(nil); l.Freeze(); return l }()

// entry converts a field's value v into a record entry: a table index, or
// (own true) a string to keep in the record's data.
func (c *Converter) entry(v any) (e uint32, str string, own bool) {
	switch v := v.(type) {
	case string:
		return c.strEntry(v)
	case nil:
		return c.addShared(starlark.None), "", false
	case bool:
		return c.addShared(starlark.Bool(v)), "", false
	case json.Number:
		x := numberToStarlark(v)
		if n, ok := x.(starlark.Int); ok {
			if i, ok := n.Int64(); ok {
				return c.intEntry(i, x), "", false
			}
		}
		return c.add(x), "", false
	case glapi.Object:
		return c.recordEntry(v), "", false
	case map[string]any:
		return c.recordEntry(v), "", false
	}
	x := c.Value(v)
	if l, ok := x.(*starlark.List); ok && l.Len() == 0 {
		return c.addShared(emptyList), "", false
	}
	return c.add(x), "", false
}

// strEntry is entry for a string: a short string seen before is shared
// through the table, any other stays in the record.
func (c *Converter) strEntry(s string) (uint32, string, bool) {
	if len(s) > maxInternLen {
		return 0, s, true
	}
	if i, ok := c.strs[s]; ok {
		if i >= 0 {
			return uint32(i), "", false
		}
		// Seen a second time: from now on shared.
		i = int32(c.add(starlark.String(s)))
		c.strs[s] = i
		return uint32(i), "", false
	}
	if c.strs == nil {
		c.strs = make(map[string]int32)
	}
	if len(c.strs) >= maxInternedStrs {
		// Forget the strings seen once (ids, timestamps): the shared ones
		// stay.
		for k, i := range c.strs {
			if i < 0 {
				delete(c.strs, k)
			}
		}
	}
	if len(c.strs) < maxInternedStrs {
		c.strs[s] = -1
	}
	return 0, s, true
}

// intEntry is entry for an integer x of value i.
func (c *Converter) intEntry(i int64, x starlark.Value) uint32 {
	if e, ok := c.ints[i]; ok {
		return e
	}
	e := c.add(x)
	if c.ints == nil {
		c.ints = make(map[int64]uint32)
	}
	if len(c.ints) < maxInternedInts {
		c.ints[i] = e
	}
	return e
}

// recordEntry is entry for a nested object: a small record whose values
// are all shared is itself shared (a job's resource: its server's id and
// type).
func (c *Converter) recordEntry(m map[string]any) uint32 {
	r := c.record(m)
	if r == emptyRecord {
		return c.addShared(emptyRecord)
	}
	if r.Len() > maxInternedRec || len(r.data) != 4*r.Len() {
		return c.add(r)
	}
	key := recordKey{r.shape, r.data}
	if e, ok := c.recs[key]; ok {
		return e
	}
	e := c.add(r)
	if c.recs == nil {
		c.recs = make(map[recordKey]uint32)
	}
	if len(c.recs) < maxInternedRecs {
		c.recs[key] = e
	}
	return e
}

// recordKey identifies a record whose values are all in the table: its
// shape and entries.
type recordKey struct {
	shape *shape
	data  string
}

// record converts an object, sharing its shape with the objects of the
// same field names converted before.
func (c *Converter) record(m map[string]any) *Record {
	if len(m) == 0 {
		return emptyRecord
	}
	sh := c.shape(m)
	type own struct {
		at  int
		str string
	}
	var owns []own
	size := 4 * len(sh.keys)
	entries := make([]uint32, len(sh.keys))
	for i, k := range sh.keys {
		e, str, isOwn := c.entry(m[k])
		if isOwn {
			if size > maxDataOff || len(str) > maxDataLen {
				e, isOwn = c.add(starlark.String(str)), false
			} else {
				owns = append(owns, own{i, str})
				e = inData | uint32(size)<<16 | uint32(len(str))
				size += len(str)
			}
		}
		entries[i] = e
	}
	data := make([]byte, 0, size)
	for _, e := range entries {
		data = appendEntry(data, e)
	}
	for _, o := range owns {
		data = append(data, o.str...)
	}
	return &Record{shape: sh, data: string(data)}
}

// shape returns the shared shape of m's field names.
func (c *Converter) shape(m map[string]any) *shape {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	name := strings.Join(keys, "\x00")
	if sh, ok := c.shapes[name]; ok {
		return sh
	}
	if c.tab == nil {
		c.tab = &valueTable{}
	}
	sh := &shape{keys: keys, tab: c.tab}
	if c.shapes == nil {
		c.shapes = make(map[string]*shape)
	}
	if len(c.shapes) < maxShapes {
		c.shapes[name] = sh
	}
	return sh
}

// list converts a JSON array into a frozen list.
func (c *Converter) list(n int, at func(int) any) *starlark.List {
	elems := make([]starlark.Value, n)
	for i := range elems {
		elems[i] = c.Value(at(i))
	}
	l := starlark.NewList(elems)
	l.Freeze()
	return l
}

// numberToStarlark makes an int of an integral JSON number and a float of
// any other.
func numberToStarlark(n json.Number) starlark.Value {
	s := string(n)
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return starlark.MakeInt64(i)
	}
	if b, ok := new(big.Int).SetString(s, 10); ok {
		return starlark.MakeBigInt(b)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return starlark.String(s)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return starlark.MakeInt64(int64(f))
	}
	return starlark.Float(f)
}

// FromStarlark converts a Starlark value (None, bool, int, float, string,
// list, tuple, dict with string keys, a Record made by ToStarlark, a struct,
// a Secret, a time value) into plain Go values suitable for encoding/json:
// nil, bool, int64 (or *big.Int), float64, string, []any, map[string]any,
// glapi.Secret, time.Time. A value that has no JSON form is an error that
// names its type and where it was found.
func FromStarlark(v starlark.Value) (any, error) {
	return fromStarlark(v, 0, false)
}

// fromStarlark converts v; redact makes secrets the string "<redacted>"
// instead of glapi.Secret (for printing).
func fromStarlark(v starlark.Value, depth int, redact bool) (any, error) {
	if depth > maxConvertDepth {
		return nil, fmt.Errorf("value nested more than %d levels deep (a list or dict that contains itself?)", maxConvertDepth)
	}
	switch v := v.(type) {
	case nil, starlark.NoneType:
		return nil, nil
	case starlark.Bool:
		return bool(v), nil
	case starlark.Int:
		if i, ok := v.Int64(); ok {
			return i, nil
		}
		return v.BigInt(), nil
	case starlark.Float:
		f := float64(v)
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("cannot convert non-finite float %v", v)
		}
		return f, nil
	case starlark.String:
		return string(v), nil
	case *Secret:
		if redact {
			return glapi.Redacted, nil
		}
		return v.Secret(), nil
	case libtime.Time:
		return time.Time(v), nil
	case libtime.Duration:
		return time.Duration(v).String(), nil
	case *Filter:
		return v.String(), nil
	case *Record:
		out := make(map[string]any, v.Len())
		for i, k := range v.names() {
			x, err := fromStarlark(v.at(i), depth+1, redact)
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", k, err)
			}
			out[k] = x
		}
		return out, nil
	case *starlark.Dict:
		out := make(map[string]any, v.Len())
		for _, item := range v.Items() {
			k, ok := item[0].(starlark.String)
			if !ok {
				return nil, fmt.Errorf("dict key %s is a %s, want a string", item[0].String(), item[0].Type())
			}
			x, err := fromStarlark(item[1], depth+1, redact)
			if err != nil {
				return nil, fmt.Errorf("key %q: %w", string(k), err)
			}
			out[string(k)] = x
		}
		return out, nil
	case *starlark.List:
		return sequenceFromStarlark(v, depth, redact)
	case starlark.Tuple:
		return sequenceFromStarlark(v, depth, redact)
	case *starlarkstruct.Struct:
		out := make(map[string]any)
		for _, name := range v.AttrNames() {
			f, err := v.Attr(name)
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", name, err)
			}
			x, err := fromStarlark(f, depth+1, redact)
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", name, err)
			}
			out[name] = x
		}
		return out, nil
	default:
		return nil, fmt.Errorf("cannot convert a %s to a JSON value", v.Type())
	}
}

func sequenceFromStarlark(v starlark.Indexable, depth int, redact bool) ([]any, error) {
	out := make([]any, v.Len())
	for i := range out {
		x, err := fromStarlark(v.Index(i), depth+1, redact)
		if err != nil {
			return nil, fmt.Errorf("index %d: %w", i, err)
		}
		out[i] = x
	}
	return out, nil
}
