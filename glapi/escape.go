package glapi

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"glrun/glapi/odata"
)

// escapeComponent percent-encodes a path segment: every byte but the
// unreserved characters of RFC 3986 (letters, digits, "-", ".", "_", "~")
// becomes %XX. Spaces become %20 and "+" becomes %2B, as GreenLake requires
// for server ids such as P06760-B21+2M212504P8. That is exactly how a
// filter value is encoded, so odata.Encode does it.
func escapeComponent(s string) string { return odata.Encode(s) }

// encodeFilter encodes a filter as the value of the filter query parameter
// (docs/filters.md, encoding: %20 for spaces, %2B for "+", never form-encoded).
func encodeFilter(filter string) string { return odata.Encode(filter) }

// joinPath appends escaped segments to an (already clean) prefix.
func joinPath(prefix string, segments ...string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(escapeComponent(s))
	}
	return b.String()
}

// unescapePath returns the readable form of an escaped path, for messages.
func unescapePath(p string) string {
	if u, err := url.PathUnescape(p); err == nil {
		return u
	}
	return p
}

// IDError is returned, before anything is sent, for an object id that
// cannot be put in a path as one segment: empty (it would address the
// collection), "." or ".." (a server resolves them to another endpoint),
// containing "/" (also percent-encoded as %2F: decoded, it is another
// path) or a control character.
type IDError struct {
	ID     string
	Reason string
}

// Error quotes the id (control characters escaped) and says why.
func (e *IDError) Error() string {
	if strings.TrimSpace(e.ID) == "" {
		return "id must not be empty"
	}
	return fmt.Sprintf("id %q is not a valid id: %s", e.ID, e.Reason)
}

// checkID returns an *IDError when id is not a safe path segment, nil
// otherwise.
func checkID(id string) error {
	if strings.TrimSpace(id) == "" {
		return &IDError{ID: id}
	}
	forms := []string{id}
	if dec, err := url.PathUnescape(id); err == nil && dec != id {
		forms = append(forms, dec)
	}
	for _, s := range forms {
		switch {
		case s == "." || s == "..":
			return &IDError{ID: id, Reason: fmt.Sprintf("%q would address another endpoint", s)}
		case strings.ContainsAny(s, "/\\"):
			return &IDError{ID: id, Reason: "it contains a slash, which would address another endpoint"}
		case strings.IndexFunc(s, unicode.IsControl) >= 0:
			return &IDError{ID: id, Reason: "it contains a control character"}
		}
	}
	return nil
}
