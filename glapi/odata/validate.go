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
	fmt.Fprintf(&b, "%s cannot be filtered by %q", e.Resource, e.Property)
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
// as GreenLake's are). A prefix of allowed nested paths (jobs' "resource",
// for resource/id and resource/type) is refused, since the object itself
// cannot be compared; below a property documented with "all nested
// properties" (servers' hardware, host, state ...) every path is allowed.
func Validate(resource string, e Expr) error {
	ps := resourceProperties(resource)
	if ps == nil {
		return fmt.Errorf("unknown resource %q for filter validation (known: %s)", resource, strings.Join(Resources(), ", "))
	}
	for _, path := range Paths(e) {
		if err := checkPath(resource, ps, path); err != nil {
			return err
		}
	}
	return nil
}

// checkPath validates one path against the resource's properties.
func checkPath(resource string, ps []property, path string) error {
	var children []string
	for _, p := range ps {
		if path == p.name || (p.nested && strings.HasPrefix(path, p.name+"/")) {
			return nil
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
	perr.Suggestion = suggestProperty(ps, path)
	return perr
}

// suggestProperty returns the allowed property closest to path (case-insensitive
// edit distance, at most a third of the length and at least 2), or "".
func suggestProperty(ps []property, path string) string {
	best, bestD := "", 0
	for _, p := range ps {
		cands := []string{p.name}
		if p.nested {
			// "hardware/x" misspelt as "hardwre/x": compare the first segment.
			if i := strings.IndexByte(path, '/'); i > 0 {
				if d := suggest.Distance(strings.ToLower(path[:i]), strings.ToLower(p.name)); d <= limit(p.name) {
					cand := p.name + path[i:]
					if best == "" || d < bestD {
						best, bestD = cand, d
					}
				}
			}
		}
		for _, c := range cands {
			d := suggest.Distance(strings.ToLower(path), strings.ToLower(c))
			if d <= limit(c) && (best == "" || d < bestD) {
				best, bestD = c, d
			}
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

// limit is the largest edit distance taken as a typo of name.
func limit(name string) int {
	if n := len(name) / 3; n > 2 {
		return n
	}
	return 2
}
