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
	maxInternedStrs = 8192 // the table stops growing here
	maxShapes       = 256  // distinct field name sets remembered
)

// emptyRecord is the one record with no fields ({} in JSON); records are
// immutable, so every empty object can be it.
var emptyRecord = &Record{}

// Converter is ToStarlark for many values at once, such as the items of
// a list builtin: it shares what repeats between them, so a list of 100,000
// jobs keeps one copy of the field names of a job, one boxed value of each
// repeated short string ("COMPLETE", a template id, a server id) and one
// empty record, instead of 100,000 of each. The zero value is ready to
// use; a Converter is not safe for concurrent use.
type Converter struct {
	shapes map[string][]string       // field names joined by NUL -> shared sorted names
	strs   map[string]starlark.Value // interned short strings
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
		return c.str(v)
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

// str returns s as a Starlark value, the same boxed value for the same
// short string.
func (c *Converter) str(s string) starlark.Value {
	if len(s) > maxInternLen {
		return starlark.String(s)
	}
	if v, ok := c.strs[s]; ok {
		return v
	}
	v := starlark.Value(starlark.String(s))
	if c.strs == nil {
		c.strs = make(map[string]starlark.Value)
	}
	if len(c.strs) < maxInternedStrs {
		c.strs[s] = v
	}
	return v
}

// record converts an object, sharing its sorted field names with the
// objects of the same shape converted before.
func (c *Converter) record(m map[string]any) *Record {
	if len(m) == 0 {
		return emptyRecord
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	shape := strings.Join(keys, "\x00")
	if shared, ok := c.shapes[shape]; ok {
		keys = shared
	} else {
		if c.shapes == nil {
			c.shapes = make(map[string][]string)
		}
		if len(c.shapes) < maxShapes {
			c.shapes[shape] = keys
		}
	}
	vals := make([]starlark.Value, len(keys))
	for i, k := range keys {
		vals[i] = c.Value(m[k])
	}
	return &Record{keys: keys, vals: vals}
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
		for i, k := range v.keys {
			x, err := fromStarlark(v.vals[i], depth+1, redact)
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
