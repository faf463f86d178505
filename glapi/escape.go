package glapi

import (
	"net/url"
	"strings"

	"glrun/glapi/odata"
)

// escapeComponent percent-encodes a path segment: every byte but the
// unreserved characters of RFC 3986 (letters, digits, "-", ".", "_", "~")
// becomes %XX. Spaces become %20 and "+" becomes %2B, as GreenLake requires
// for server ids such as P06760-B21+2M212504P8. That is exactly how a
// filter value is encoded, so odata.Encode does it.
func escapeComponent(s string) string { return odata.Encode(s) }

// encodeFilter encodes a filter as the value of the filter query parameter
// (docs/filters.md, "Encoding": %20 for spaces, %2B for "+", never
// form-encoded).
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
