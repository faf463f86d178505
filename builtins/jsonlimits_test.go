package builtins

import (
	goruntime "runtime"
	"strings"
	"testing"

	"go.starlark.net/starlark"
)

// TestJSONLimits: the json functions refuse deep nesting and oversized
// results before doing the work, and otherwise answer as the library does.
func TestJSONLimits(t *testing.T) {
	json := starlark.StringDict{"json": newModule("json", starlark.StringDict{
		"encode":        boundedJSON("encode"),
		"encode_indent": boundedJSON("encode_indent"),
		"decode":        boundedJSON("decode"),
		"indent":        boundedJSON("indent"),
	})}
	tests := []struct {
		name, src string
		want      string // printed, when ok
		err       string // the error, when not
	}{
		{"decode", `print(json.decode('{"a": [1, "[[["]}'))`, `{"a": [1, "[[["]}`, ""},
		{"decode at the depth limit", `print(len(json.decode("[" * 1000 + "]" * 1000)))`, "1", ""},
		{"decode past it", `json.decode("[" * 2000000)`, "", "json.decode: at offset 1000, arrays and objects nest deeper than 1000 levels"},
		{"brackets in strings do not nest", `print(len(json.decode('"' + "[" * 5000 + '"')))`, "5000", ""},
		{"escaped quotes stay in the string", `print(len(json.decode('"\\"' + "[" * 5000 + '"')))`, "5001", ""},
		{"default instead of the depth error", `print(json.decode("[" * 5000, default = "bad"))`, "bad", ""},
		{"library errors unchanged", `json.decode("[1,")`, "", "json.decode: at offset 3, unexpected end of file"},
		{"encode", `print(json.encode({"b": [1, None, True], "a": "x"}))`, `{"a":"x","b":[1,null,true]}`, ""},
		{"encode_indent", `print(json.encode_indent([1], indent = " "))`, "[\n 1\n]", ""},
		{"encode of shared references", `row = ["x" * 1000] * 1000
json.encode([[row] * 1000] * 8)`, "", "json.encode: the result would exceed 128 MiB"},
		{"encode_indent counts the indentation", `deep = [1]
for i in range(900):
    deep = [deep, deep]
json.encode_indent(deep, indent = " " * 100000)`, "", "json.encode_indent: the result would exceed 128 MiB"},
		{"encode too deep", `deep = []
for i in range(2000):
    deep = [deep]
json.encode(deep)`, "", "json.encode: the value nests deeper than 1000 levels"},
		{"encode cycle still the library's error", `x = []
x.append(x)
json.encode(x)`, "", "cycle in JSON structure"},
		{"indent counts the indentation", `json.indent("[" * 900 + "]" * 900, indent = " " * 1000000)`, "", "json.indent: the result would exceed 128 MiB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before, after goruntime.MemStats
			goruntime.ReadMemStats(&before)
			out, err := runStar(t, json, tc.src)
			goruntime.ReadMemStats(&after)
			if tc.err != "" {
				wantErr(t, err, tc.err)
				// Refused before the work: nowhere near the budget allocated.
				if grown := after.TotalAlloc - before.TotalAlloc; grown > 32<<20 {
					t.Errorf("allocated %d MiB before refusing", grown>>20)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSuffix(out, "\n"); got != tc.want {
				t.Errorf("printed %q, want %q", got, tc.want)
			}
		})
	}
}
