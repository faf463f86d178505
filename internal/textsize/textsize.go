// Package textsize estimates how much text a Starlark scalar becomes, for
// the checks that refuse to build text too large before building it (the
// repr of a value, json.encode). It is one estimate for both, so the two
// checks cannot drift apart.
package textsize

import "go.starlark.net/starlark"

// Scalar returns about how many bytes the text of v takes, as repr or JSON
// writes it (quotes included for a string), and true; or 0 and false when
// v is not None, a bool, an int, a float or a string.
func Scalar(v starlark.Value) (int64, bool) {
	switch v := v.(type) {
	case starlark.NoneType, starlark.Bool:
		return 4, true
	case starlark.Int:
		return 1 + int64(v.BigInt().BitLen())*3/10, true // decimal digits of the bits, and a sign
	case starlark.Float:
		return 3, true
	case starlark.String:
		return int64(len(v)) + 2, true
	}
	return 0, false
}
