package odata

import (
	"fmt"
	"sort"
	"strings"
)

//go:generate go run ./gen -specs=${GLRUN_SPECS} -o shapes_gen.go

// shapeKind is what a value of a resource is, as far as a property path
// can go into it.
type shapeKind int

const (
	// shapeScalar is a string, number, boolean or null: no path goes below it.
	shapeScalar shapeKind = iota
	// shapeObject has named properties; an open one (additionalProperties)
	// may have others too.
	shapeObject
	// shapeList is an array: a filter compares it whole, no path goes into
	// its items.
	shapeList
	// shapeFreeForm is an object whose description lists no properties
	// (or allows any): every sub-path is accepted.
	shapeFreeForm
)

// shape is the structure of a value of a resource, from its OpenAPI
// description (shapes_gen.go): an object's properties at every level.
type shape struct {
	kind shapeKind
	// typ is a scalar's JSON type, for messages ("string", "integer"...).
	typ string
	// fields are an object's properties, sorted by name.
	fields []namedShape
	// open reports that an object allows properties it does not list.
	open bool
	// elem is a list's item shape.
	elem *shape
}

// namedShape is one property of an object.
type namedShape struct {
	name string
	*shape
}

func object(fields ...namedShape) *shape {
	sort.Slice(fields, func(i, j int) bool { return fields[i].name < fields[j].name })
	return &shape{kind: shapeObject, fields: fields}
}

func openObject(fields ...namedShape) *shape {
	s := object(fields...)
	s.open = true
	return s
}

func field(name string, s *shape) namedShape { return namedShape{name: name, shape: s} }
func scalar(typ string) *shape               { return &shape{kind: shapeScalar, typ: typ} }
func list(elem *shape) *shape                { return &shape{kind: shapeList, elem: elem} }
func freeForm() *shape                       { return &shape{kind: shapeFreeForm} }

// field returns the property named name (exactly), or nil.
func (s *shape) field(name string) *shape {
	for _, f := range s.fields {
		if f.name == name {
			return f.shape
		}
	}
	return nil
}

// names returns the object's property names, sorted.
func (s *shape) names() []string {
	out := make([]string, len(s.fields))
	for i, f := range s.fields {
		out[i] = f.name
	}
	return out
}

// what describes the shape for a message: "an object", "a list", "a string".
func (s *shape) what() string {
	switch s.kind {
	case shapeObject, shapeFreeForm:
		return "an object"
	case shapeList:
		return "a list"
	}
	switch s.typ {
	case "", "value":
		return "a value"
	case "integer":
		return "an integer"
	}
	return "a " + s.typ
}

// pathError says why segs[i] cannot follow segs[:i] in a shape.
type pathError struct {
	at      int      // the index of the segment that is wrong
	reason  string   // what is wrong there
	allowed []string // the properties allowed at that level (full paths), or nil
	fix     []string // the path with the wrong segment (and, where close, those after it) corrected; nil when none is close
}

// walkShape follows segs down from s (the shape of segs[:start]) and
// returns nil when the path exists: every segment names a property of the
// object above it, or lies below a free-form object.
func walkShape(s *shape, segs []string, start int) *pathError {
	cur := s
	for i := start; i < len(segs); i++ {
		above := strings.Join(segs[:i], "/")
		switch cur.kind {
		case shapeFreeForm:
			return nil
		case shapeScalar:
			return &pathError{at: i, reason: fmt.Sprintf("%q is %s; it has no properties", above, cur.what())}
		case shapeList:
			return &pathError{at: i, reason: fmt.Sprintf("%q is a list; a filter compares it whole and cannot reach into its items", above)}
		}
		next := cur.field(segs[i])
		if next == nil {
			if cur.open {
				return nil
			}
			prefix, reason := above+"/", fmt.Sprintf("%q has no property %q", above, segs[i])
			if i == 0 {
				prefix, reason = "", fmt.Sprintf("no property %q at the top level", segs[i])
			}
			allowed := make([]string, 0, len(cur.fields))
			for _, f := range cur.fields {
				allowed = append(allowed, prefix+f.name+nestedMark(f.shape))
			}
			pe := &pathError{at: i, reason: reason, allowed: allowed}
			if name := closestName(cur.names(), segs[i]); name != "" {
				pe.fix = append(append(append([]string(nil), segs[:i]...), name), correctRest(cur.field(name), segs[i+1:])...)
			}
			return pe
		}
		cur = next
	}
	return nil
}

// correctRest returns segs with each segment that is not a property of the
// shape above it replaced by the closest one, as far as one is close; the
// rest is kept as written.
func correctRest(s *shape, segs []string) []string {
	out := append([]string(nil), segs...)
	cur := s
	for i, seg := range segs {
		if cur == nil || cur.kind != shapeObject {
			break
		}
		next := cur.field(seg)
		if next == nil && !cur.open {
			name := closestName(cur.names(), seg)
			if name == "" {
				break
			}
			out[i], next = name, cur.field(name)
		}
		cur = next
	}
	return out
}

// nestedMark is "[/...]" for a shape a path can go below, else "".
func nestedMark(s *shape) string {
	if s != nil && (s.kind == shapeObject || s.kind == shapeFreeForm) {
		return "[/...]"
	}
	return ""
}

// closestName returns the name closest to seg: the same name in another
// case first, else the nearest by case-insensitive edit distance within
// limit, else "".
func closestName(names []string, seg string) string {
	best, bestD := "", 0
	for _, n := range names {
		if strings.EqualFold(n, seg) {
			return n
		}
		d := distanceFold(seg, n)
		if d <= limit(n) && (best == "" || d < bestD) {
			best, bestD = n, d
		}
	}
	return best
}
