package odata

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// fuzzSamples are objects on which a filter and its canonical form must
// agree.
var fuzzSamples = []map[string]any{
	{},
	{"a": true, "b": "x", "c": float64(1), "d": nil, "createdAt": "2024-07-01T17:44:30Z", "tags": []any{"x", float64(1)}},
	{"a": false, "b": "", "c": float64(-1.5), "d": map[string]any{"e": "2020"}, "createdAt": "2020-09-21T14:19:09.769747"},
}

// FuzzParsePrint checks that no input panics, that errors are
// *SyntaxError values with a column inside the input, and that the
// canonical form is stable and keeps the meaning:
// print(parse(print(parse(s)))) == print(parse(s)).
func FuzzParsePrint(f *testing.F) {
	for _, s := range roundTripInputs {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error %T is not a *SyntaxError", s, err)
			}
			if se.Column < 1 || se.Column > utf8.RuneCountInString(s)+1 {
				t.Fatalf("Parse(%q) column %d outside the input", s, se.Column)
			}
			_ = se.Error()
			return
		}
		once := e.String()
		e2, err := Parse(once)
		if err != nil {
			t.Fatalf("canonical %q of %q does not parse: %v", once, s, err)
		}
		if twice := e2.String(); twice != once {
			t.Fatalf("unstable: %q -> %q -> %q", s, once, twice)
		}
		for i, obj := range fuzzSamples {
			if Eval(e, obj) != Eval(e2, obj) {
				t.Fatalf("%q and its canonical %q disagree on sample %d", s, once, i)
			}
		}
		_ = Encode(once)
	})
}
