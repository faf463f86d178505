package odata

import "strings"

// Encode percent-encodes a filter as one query parameter value (docs/filters.md
// "Encoding"): every byte but the unreserved characters A-Z a-z 0-9 - . _ ~
// becomes %XX (uppercase hex), so a space is %20, + is %2B and ' is %27.
// It never form-encodes: a + can never turn into a space.
func Encode(filter string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(filter) * 3)
	for i := 0; i < len(filter); i++ {
		c := filter[i]
		if isIdentByte(c) || c == '-' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
