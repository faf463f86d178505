package odata

import (
	"fmt"
	"glrun/internal/suggest"
	"sort"
	"strings"
)

// PropertyError is Validate's error for a property that the resource's
// list endpoint cannot filter by.
type PropertyError struct {
	// Resource is the resource name, such as "jobs".
	Resource string
	// Property is the refused path as written in the filter.
	Property string
	// Suggestion is the closest allowed property, or "".
	Suggestion string
	// Allowed lists the filterable properties; a name followed by "/..."
	// also allows every nested path.
	Allowed []string
	// Reason explains a refusal that is not a plain unknown name (such as a
	// prefix of nested paths); it may be empty.
	Reason string
}

// Error names the resource and the property, the did-you-mean and what is
// allowed.
func (e *PropertyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s cannot be filtered by %q", e.Resource, cut(e.Property))
	if e.Reason != "" {
		b.WriteString(": " + e.Reason)
	}
	if e.Suggestion != "" {
		fmt.Fprintf(&b, "; did you mean %q?", e.Suggestion)
	}
	fmt.Fprintf(&b, " (filterable: %s)", strings.Join(e.Allowed, ", "))
	return b.String()
}

// Properties returns the filterable properties of resource, sorted; nil for
// an unknown resource. Properties that also allow nested paths (servers'
// hardware, for one) are listed by their own name.
func Properties(resource string) []string {
	ps := resourceProperties(resource)
	if ps == nil {
		return nil
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.name
	}
	sort.Strings(out)
	return out
}

// allowedText lists the properties for an error message.
func allowedText(ps []property) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.name
		if p.nested {
			out[i] += "[/...]"
		}
	}
	sort.Strings(out)
	return out
}

// Validate checks that every property path in e is filterable on resource.
// An unknown property gets a *PropertyError with a did-you-mean; an unknown
// resource name is an error. Paths match exactly (names are case-sensitive,
// as GreenLake's are: "hardware/powerstate" is refused with a hint). A
// prefix of allowed nested paths (jobs' "resource", for resource/id and
// resource/type) is refused, since the object itself cannot be compared.
// Below a property documented with "all nested properties" (servers'
// hardware, host, state ...) every level of the path must name a property
// of the resource's schema in its OpenAPI description (shapes_gen.go), the
// did-you-mean given at the level that is wrong; below an object the
// description leaves free-form (groups' autoAddTags) any sub-path is
// accepted.
func Validate(resource string, e Expr) error {
	ps := resourceProperties(resource)
	if ps == nil {
		return fmt.Errorf("unknown resource %q for filter validation (known: %s)", resource, strings.Join(Resources(), ", "))
	}
	root := specShape(resource)
	for _, path := range Paths(e) {
		if err := checkPath(resource, ps, root, path); err != nil {
			return err
		}
	}
	return nil
}

// checkPath validates one path against the resource's properties and, below
// a nested one, its shape (root; nil when the table has none).
func checkPath(resource string, ps []property, root *shape, path string) error {
	segs := strings.Split(path, "/")
	var children []string
	for _, p := range ps {
		if path == p.name {
			return nil
		}
		if p.nested && strings.HasPrefix(path, p.name+"/") {
			return checkNested(resource, root, segs)
		}
		if strings.HasPrefix(p.name, path+"/") {
			children = append(children, p.name)
		}
	}
	perr := &PropertyError{Resource: resource, Property: path, Allowed: allowedText(ps)}
	if len(children) > 0 {
		perr.Reason = fmt.Sprintf("%q is an object; filter on %s", path, strings.Join(children, " or "))
		return perr
	}
	switch strings.ToLower(path) {
	case "none", "nil", "nul", "nothing", "undefined":
		perr.Reason = "no such property; for the null literal write null"
		return perr
	}
	if len(segs) > 1 {
		for _, p := range ps {
			if p.name != segs[0] {
				continue
			}
			// a filterable property that allows no nested path
			if s := root.lookup(segs[0]); s != nil && s.kind == shapeScalar {
				perr.Reason = fmt.Sprintf("%q is %s; it has no properties", segs[0], s.what())
			} else {
				perr.Reason = fmt.Sprintf("%q can be filtered on only as a whole, not by its nested properties", segs[0])
			}
			return perr
		}
	}
	perr.Suggestion = suggestProperty(ps, root, path)
	return perr
}

// checkNested validates a path below a property that allows nested paths,
// level by level against the resource's shape.
func checkNested(resource string, root *shape, segs []string) error {
	if root == nil {
		return nil
	}
	pe := walkShape(root, segs, 0)
	if pe == nil {
		return nil
	}
	perr := &PropertyError{Resource: resource, Property: strings.Join(segs, "/"), Reason: pe.reason, Allowed: pe.allowed}
	if pe.fix != nil {
		perr.Suggestion = strings.Join(pe.fix, "/")
	}
	if perr.Allowed == nil {
		perr.Allowed = allowedText(resourceProperties(resource))
	}
	return perr
}

// lookup returns the shape of a top-level property, or nil (also for a nil s).
func (s *shape) lookup(name string) *shape {
	if s == nil || s.kind != shapeObject {
		return nil
	}
	return s.field(name)
}

// suggestProperty returns the allowed property closest to path (case-insensitive
// edit distance, at most a third of the length and at least 2), or "". Below a
// nested property the rest of the path is corrected too, level by level.
func suggestProperty(ps []property, root *shape, path string) string {
	best, bestD := "", 0
	for _, p := range ps {
		if p.nested {
			// "hardwre/powrState" for "hardware/powerState": compare the
			// first segment, then correct the rest against the shape.
			if i := strings.IndexByte(path, '/'); i > 0 {
				if d := distanceFold(path[:i], p.name); d <= limit(p.name) && (best == "" || d < bestD) {
					rest := strings.Split(path[i+1:], "/")
					if s := root.lookup(p.name); s != nil {
						rest = correctRest(s, rest)
					}
					best, bestD = p.name+"/"+strings.Join(rest, "/"), d
				}
			}
		}
		if d := distanceFold(path, p.name); d <= limit(p.name) && (best == "" || d < bestD) {
			best, bestD = p.name, d
		}
	}
	if best != "" || len(path) < 3 {
		return best
	}
	// an abbreviation: the shortest property that starts with path
	for _, p := range ps {
		if strings.HasPrefix(strings.ToLower(p.name), strings.ToLower(path)) && (best == "" || len(p.name) < len(best)) {
			best = p.name
		}
	}
	return best
}

// distanceFold is the edit distance between a and b, ignoring case.
func distanceFold(a, b string) int {
	return suggest.Distance(strings.ToLower(a), strings.ToLower(b))
}

// limit is the largest edit distance taken as a typo of name.
func limit(name string) int {
	if n := len(name) / 3; n > 2 {
		return n
	}
	return 2
}
