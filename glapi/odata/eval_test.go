package odata

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// job is a sample object shaped like a COM job.
func job() map[string]any {
	return map[string]any{
		"id":          "j1",
		"state":       "COMPLETE",
		"cancellable": false,
		"generation":  float64(3),
		"progress":    json.Number("100"),
		"ratio":       json.Number("0.5"),
		"count":       int(7),
		"big":         int64(9007199254740993),
		"parentJobId": nil,
		"createdAt":   "2022-03-04T10:00:00.000Z",
		"updatedAt":   "2022-03-04T12:00:00+02:00",
		"user":        "O'Brien",
		"tags":        []any{"a", "b", float64(2)},
		"resource":    map[string]any{"id": "P06760-B21+2M212504P8", "type": "compute-ops-mgmt/server"},
		"lastLogin":   "2020-09-21T14:19:09.769747",
		"day":         "2024-01-01",
	}
}

func TestEvalSemantics(t *testing.T) {
	tests := []struct {
		filter string
		want   bool
	}{
		{"state eq 'COMPLETE'", true},
		{"state eq 'complete'", false}, // byte-wise
		{"state ne 'COMPLETE'", false},
		{"state gt 'A'", true},
		{"state lt 'Z'", true},
		{"user eq 'O''Brien'", true},
		// null and missing
		{"parentJobId eq null", true},
		{"missing eq null", true},
		{"resource/missing/deeper eq null", true},
		{"state/x eq null", true},
		{"not parentJobId eq null", false},
		{"not resource/id eq null", true},
		{"state ne null", true},
		{"missing ne 'x'", true},
		{"missing gt 1", false},
		{"missing lt 1", false},
		{"missing ge null", false},
		{"null eq null", true},
		// numbers
		{"generation eq 3", true},
		{"generation eq 3.0", true},
		{"generation ge 2.5", true},
		{"generation lt 3", false},
		{"progress eq 100", true},
		{"not progress eq 100", false},
		{"ratio lt 1", true},
		{"ratio eq 0.5", true},
		{"count eq 7", true},
		{"count gt 6.9", true},
		{"big eq 9007199254740993", true},
		{"big eq 9007199254740992", false}, // integers compare exactly
		{"generation in (1, 2)", false},
		{"generation in (1, 3)", true},
		// booleans
		{"cancellable eq false", true},
		{"cancellable", false},
		{"not cancellable", true},
		{"cancellable lt true", false},
		{"not cancellable eq false and contains(createdAt, '2022')", false},
		// different kinds: false, never an error
		{"generation eq '3'", false},
		{"generation ne '3'", true},
		{"state eq 1", false},
		{"state gt 1", false},
		{"cancellable eq 'false'", false},
		{"resource eq 'x'", false},
		{"tags eq 'a'", false},
		// timestamps
		{"createdAt eq 2022-03-04T10:00:00Z", true},
		{"createdAt eq 2022-03-04T11:00:00+01:00", true},
		{"createdAt gt 2022-03-04T09:59:59.999Z", true},
		{"createdAt le 2024-07-01T17:44:30Z", true},
		{"updatedAt eq 2022-03-04T10:00:00Z", true},
		{"updatedAt gt createdAt", false},
		{"createdAt gt '2020-09-21T14:19:09.769747'", true},
		{"lastLogin lt '2020-09-21T14:19:10'", true},
		{"lastLogin eq '2020-09-21T14:19:09.769747Z'", true},
		{"lastLogin gt 2020-09-21T14:19:09Z", true},
		{"createdAt eq 2022-03-04", true},
		{"createdAt gt 2022-03-03", true},
		{"createdAt lt 2022-03-04", false},
		{"day eq 2024-01-01", true},
		{"day ge 2024-01-02", false},
		{"state eq 2024-01-01", false},
		{"state gt 2024-01-01T00:00:00Z", false},
		// functions
		{"contains(createdAt, '2022')", true},
		{"contains(resource/id, '+')", true},
		{"startswith(state, 'COM')", true},
		{"endswith(state, 'ETE')", true},
		{"contains(missing, 'x')", false},
		{"startswith(parentJobId, '')", false},
		{"endswith(generation, '3')", false},
		{"contains(state, missing)", false},
		// in
		{"state in ('RUNNING', 'COMPLETE')", true},
		{"state in ()", false},
		{"parentJobId in (null)", true},
		{"'a' in tags", true},
		{"2 in tags", true},
		{"'c' in tags", false},
		{"2022 in createdAt", true},
		{"2021 in createdAt", false},
		{"'03-04' in createdAt", true},
		{"true in createdAt", false},
		{"'x' in missing", false},
		// nested paths
		{"resource/id eq 'P06760-B21+2M212504P8'", true},
		{"resource/type eq 'compute-ops-mgmt/server'", true},
		// logic
		{"state eq 'COMPLETE' and generation eq 3", true},
		{"state eq 'X' or generation eq 3", true},
		{"state eq 'X' or generation eq 4 and true", false},
		{"not (state eq 'X' or generation eq 4)", true},
		{"true", true},
		{"false or true", true},
	}
	obj := job()
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			e, err := Parse(tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := Eval(e, obj); got != tt.want {
				t.Errorf("Eval(%q) = %v, want %v", tt.filter, got, tt.want)
			}
			if got := Match(obj, e); got != tt.want {
				t.Errorf("Match(%q) = %v, want %v", tt.filter, got, tt.want)
			}
		})
	}
}

// TestEvalGoValues covers Go values that are not produced by
// encoding/json but that callers may put in an object.
func TestEvalGoValues(t *testing.T) {
	when := time.Date(2024, 7, 1, 17, 44, 30, 0, time.UTC)
	obj := map[string]any{"t": when, "u8": uint8(5), "i32": int32(-2), "f32": float32(1.5), "strs": []any{"x"}}
	tests := []struct {
		filter string
		want   bool
	}{
		{"t eq 2024-07-01T17:44:30Z", true},
		{"t gt 2024-07-01", false},
		{"t eq 2024-07-01", true},
		{"u8 eq 5", true},
		{"i32 lt 0", true},
		{"f32 eq 1.5", true},
		{"'x' in strs", true},
	}
	for _, tt := range tests {
		e, err := Parse(tt.filter)
		if err != nil {
			t.Fatal(err)
		}
		if got := Eval(e, obj); got != tt.want {
			t.Errorf("Eval(%q) = %v, want %v", tt.filter, got, tt.want)
		}
	}
}

// TestEvalDecodedJSON evaluates over objects decoded with UseNumber and
// without, which must agree.
func TestEvalDecodedJSON(t *testing.T) {
	const doc = `{"id":"s1","state":{"powerState":"ON","managed":true},"hardware":{"memoryMb":65536},"generation":2}`
	var plain map[string]any
	if err := json.Unmarshal([]byte(doc), &plain); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var num map[string]any
	if err := dec.Decode(&num); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"state/powerState eq 'ON' and state/managed", "hardware/memoryMb ge 65536", "generation in (1, 2)", "not state/managed eq 'true'"} {
		e, err := Parse(f)
		if err != nil {
			t.Fatal(err)
		}
		if !Eval(e, plain) || !Eval(e, num) {
			t.Errorf("%q: plain %v, UseNumber %v, want both true", f, Eval(e, plain), Eval(e, num))
		}
	}
}
