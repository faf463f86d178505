package builtins

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"glrun/glapi"
)

// A Converter shares names and strings between the records it makes; what
// a runbook sees must be exactly what ToStarlark gives for each item alone.
func TestConverterRecordsEqualToStarlark(t *testing.T) {
	page := benchPage(t, 50)
	// Items of other shapes, empty objects and more distinct strings than
	// the intern table holds.
	page = append(page,
		glapi.Object{},
		glapi.Object{"id": "x", "results": map[string]any{}, "tags": []any{"a", "b", map[string]any{}}},
		glapi.Object{"id": "y", "state": "COMPLETE"},
		// Strings too long to keep in a record's own data, and a record
		// whose own strings pass the offset an entry can say.
		glapi.Object{"id": "z", "huge": strings.Repeat("h", 70000), "n": json.Number("12"), "f": json.Number("1.5")},
		glapi.Object{"a": strings.Repeat("a", 40000), "b": "after-the-long-one", "c": "c", "d": true, "e": nil},
		glapi.Object{"resource": map[string]any{"id": "srv-1", "type": "server"}, "n": json.Number("12")},
		glapi.Object{"resource": map[string]any{"id": "srv-1", "type": "server"}, "tags": []any{}},
	)
	for i := range maxInternedStrs + 10 {
		page = append(page, glapi.Object{"id": fmt.Sprintf("id-%d", i), "state": "RUNNING"})
	}
	var conv Converter
	for i, o := range page {
		shared, alone := conv.Value(o), ToStarlark(o)
		eq, err := starlark.Compare(syntax.EQL, shared, alone)
		if err != nil || !eq {
			t.Fatalf("item %d: converter gives %s, ToStarlark %s (err %v)", i, shared, alone, err)
		}
		if shared.String() != alone.String() {
			t.Fatalf("item %d prints %s, want %s", i, shared, alone)
		}
	}
	if got := conv.Value(glapi.Object{}).String(); got != "{}" {
		t.Errorf("an empty object prints %s, want {}", got)
	}
	r := conv.Value(page[0]).(*Record)
	if v, ok := r.Field("state"); !ok || v != starlark.String("COMPLETE") {
		t.Errorf("job.state = %v, %v; want COMPLETE", v, ok)
	}
	if _, ok := r.Field("nope"); ok {
		t.Errorf("a missing field was found")
	}
}

// Every kind of value reads back as it went in, wherever the record keeps
// it: in its own data, in the shared table, or boxed when too long.
func TestRecordFieldsReadBack(t *testing.T) {
	long := strings.Repeat("a", 40000)
	huge := strings.Repeat("h", 70000)
	var conv Converter
	obj := glapi.Object{"a": long, "b": "after-the-long-one", "c": "c", "d": true, "e": nil, "huge": huge,
		"n": json.Number("12"), "f": json.Number("1.5"), "r": map[string]any{"id": "srv-1"}, "l": []any{"x"}}
	for range 3 { // first sight, second sight (now shared) and after
		r := conv.Value(obj).(*Record)
		tests := []struct {
			field string
			want  starlark.Value
		}{
			{"a", starlark.String(long)},
			{"b", starlark.String("after-the-long-one")},
			{"c", starlark.String("c")},
			{"d", starlark.True},
			{"e", starlark.None},
			{"huge", starlark.String(huge)},
			{"n", starlark.MakeInt(12)},
			{"f", starlark.Float(1.5)},
		}
		for _, tt := range tests {
			got, ok := r.Field(tt.field)
			if !ok {
				t.Fatalf("field %s missing", tt.field)
			}
			if eq, err := starlark.Equal(got, tt.want); err != nil || !eq {
				t.Errorf("field %s = %.40s, want %.40s", tt.field, got, tt.want)
			}
		}
		if got, _ := r.Field("r"); got.String() != `{"id":"srv-1"}` {
			t.Errorf("field r = %s", got)
		}
		if got, _ := r.Field("l"); got.String() != `["x"]` {
			t.Errorf("field l = %s", got)
		}
	}
}
