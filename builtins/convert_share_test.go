package builtins

import (
	"fmt"
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
