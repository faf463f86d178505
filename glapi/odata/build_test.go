package odata

import (
	"math"
	"strings"
	"testing"
	"time"
)

// injections are values that would change a naively spliced filter.
var injections = []string{
	"x' or 'a' eq 'a",
	"')",
	"') or true or ('",
	"%27",
	"%27 or 1 eq 1",
	"P06760-B21+2M212504P8",
	"ünïcødé ✓ 日本",
	"'",
	"''",
	"{}",
	"a, b",
	") or (name ne 'x",
	" and not ",
	"\t\n",
	"",
}

// TestFillInjection: every value survives as one literal and matches only
// an object holding exactly that value.
func TestFillInjection(t *testing.T) {
	for _, v := range injections {
		e, err := Fill("name eq {}", v)
		if err != nil {
			t.Fatalf("Fill(%q): %v", v, err)
		}
		c, ok := e.(*Compare)
		if !ok {
			t.Fatalf("Fill(%q) changed the structure: %s", v, e)
		}
		if lit, ok := c.Right.(*Lit); !ok || lit.Kind != KindString || lit.Str != v {
			t.Errorf("Fill(%q) literal = %#v", v, c.Right)
		}
		if !Eval(e, map[string]any{"name": v}) {
			t.Errorf("Fill(%q) does not match itself", v)
		}
		for _, other := range append(injections, "a", "x") {
			if other != v && Eval(e, map[string]any{"name": other}) {
				t.Errorf("Fill(%q) matches %q", v, other)
			}
		}
		// the canonical text parses back to the same single comparison
		p, err := Parse(e.String())
		if err != nil || p.String() != e.String() {
			t.Errorf("Fill(%q) prints %q which reparses to %v, %v", v, e, p, err)
		}
		if got, err := Fill("contains(name, {})", v); err != nil {
			t.Errorf("contains: %v", err)
		} else if _, ok := got.(*Call); !ok {
			t.Errorf("contains(name, %q) changed the structure: %s", v, got)
		}
	}
}

func TestFillTypes(t *testing.T) {
	when := time.Date(2024, 7, 1, 17, 44, 30, 500000000, time.UTC)
	east := time.Date(2024, 7, 1, 19, 44, 30, 0, time.FixedZone("CEST", 7200))
	tests := []struct {
		tmpl string
		args []any
		want string
	}{
		{"a eq {}", []any{"x"}, "a eq 'x'"},
		{"a eq {}", []any{true}, "a eq true"},
		{"a eq {}", []any{nil}, "a eq null"},
		{"a eq {}", []any{42}, "a eq 42"},
		{"a eq {}", []any{int64(-7)}, "a eq -7"},
		{"a eq {}", []any{uint16(7)}, "a eq 7"},
		{"a eq {}", []any{2.5}, "a eq 2.5"},
		{"a eq {}", []any{3.0}, "a eq 3.0"},
		{"a eq {}", []any{when}, "a eq 2024-07-01T17:44:30.5Z"},
		{"a eq {}", []any{east}, "a eq 2024-07-01T19:44:30+02:00"},
		{"a in {}", []any{[]any{"x", 1, nil}}, "a in ('x', 1, null)"},
		{"a in {}", []any{[]any{}}, "a in ()"},
		{"a in {}", []any{[]string{"p+q", "r"}}, "a in ('p+q', 'r')"},
		{"a in ({}, {})", []any{"x", "y"}, "a in ('x', 'y')"},
		{"a eq '{}' and b eq {}", []any{"x"}, "a eq '{}' and b eq 'x'"},
		{"a eq 'it''s {}' or b eq {}", []any{1}, "a eq 'it''s {}' or b eq 1"},
		{"{} in createdAt", []any{2020}, "2020 in createdAt"},
		{"not {} eq null", []any{"x"}, "not ('x' eq null)"},
		{"state eq 'X'", nil, "state eq 'X'"},
	}
	for _, tt := range tests {
		e, err := Fill(tt.tmpl, tt.args...)
		if err != nil {
			t.Errorf("Fill(%q, %v): %v", tt.tmpl, tt.args, err)
			continue
		}
		if e.String() != tt.want {
			t.Errorf("Fill(%q, %v) = %q, want %q", tt.tmpl, tt.args, e, tt.want)
		}
	}
	// the filled time matches the instant, whatever the zone
	e, _ := Fill("createdAt eq {}", east)
	if !Eval(e, map[string]any{"createdAt": "2024-07-01T17:44:30Z"}) {
		t.Error("filled time does not match the same instant in UTC")
	}
}

func TestFillErrors(t *testing.T) {
	tests := []struct {
		tmpl string
		args []any
		want string
	}{
		{"a eq {}", nil, "1 {} placeholder(s) but 0 argument(s)"},
		{"a eq {}", []any{1, 2}, "1 {} placeholder(s) but 2 argument(s)"},
		{"a eq '{}'", []any{1}, "0 {} placeholder(s) but 1"},
		{"a eq {}", []any{struct{}{}}, "cannot use a value of type struct {}"},
		{"a eq {}", []any{math.NaN()}, "NaN"},
		{"a eq {}", []any{math.Inf(1)}, "+Inf"},
		{"a eq {}", []any{uint64(math.MaxUint64)}, "beyond the range"},
		{"a eq {}", []any{[]any{1}}, "list of values can only follow in"},
		{"contains(a, {})", []any{[]any{"x"}}, "list of values can only follow in"},
		{"a in ({}, 1)", []any{[]any{1}}, "literals only"},
		{"a in {}", []any{[]any{[]any{1}}}, "list item 0"},
		{"a eq {} {}", []any{1, 2}, "expected an operator"},
		{"a eq {}", []any{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "0000-9999"},
		{"{}", []any{"x"}, "expected a condition"},
	}
	for _, tt := range tests {
		_, err := Fill(tt.tmpl, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Fill(%q, %v) = %v, want %q", tt.tmpl, tt.args, err, tt.want)
		}
	}
}

func TestBuilders(t *testing.T) {
	must := func(e Expr, err error) Expr {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	tests := []struct {
		e    Expr
		want string
	}{
		{must(Eq("resource/id", "P06760-B21+2M212504P8")), "resource/id eq 'P06760-B21+2M212504P8'"},
		{must(Ne("state", "x' or 'a' eq 'a")), "state ne 'x'' or ''a'' eq ''a'"},
		{must(Gt("generation", 2)), "generation gt 2"},
		{must(Ge("progressPercent", 50.5)), "progressPercent ge 50.5"},
		{must(Lt("createdAt", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))), "createdAt lt 2024-01-02T03:04:05Z"},
		{must(Le("x", nil)), "x le null"},
		{must(In("id", []any{"a", "b+c"})), "id in ('a', 'b+c')"},
		{must(In("id", nil)), "id in ()"},
		{must(Contains("name", "')")), "contains(name, ''')')"},
		{must(StartsWith("name", "prod")), "startswith(name, 'prod')"},
		{must(EndsWith("name", "-01")), "endswith(name, '-01')"},
		{Not(must(Eq("a", 1))), "not (a eq 1)"},
	}
	for _, tt := range tests {
		if tt.e.String() != tt.want {
			t.Errorf("built %q, want %q", tt.e, tt.want)
		}
	}
	for _, bad := range []string{"", "a b", "a eq 1", "a/", "1", "null", "not", "a.b", "a/'x'"} {
		if _, err := Eq(bad, 1); err == nil {
			t.Errorf("Eq(%q, 1): no error", bad)
		}
	}
	if _, err := Eq("a", []any{1}); err == nil {
		t.Error("Eq with a list: no error")
	}
	if _, err := In("a", []any{map[string]any{}}); err == nil {
		t.Error("In with a map item: no error")
	}
	e, _ := Contains("name", "x' or 'a' eq 'a")
	if Eval(e, map[string]any{"name": "a"}) || !Eval(e, map[string]any{"name": "-x' or 'a' eq 'a-"}) {
		t.Error("Contains injection value not taken literally")
	}
}

// namedState is a named string type, as callers use for enums.
type namedState string

func TestLiteral(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{"it's", "'it''s'"},
		{1e-7, "1e-07"},
		{123456789.0, "123456789.0"},
		{-0.5, "-0.5"},
		{int8(-3), "-3"},
		{[]any{1, "a"}, "(1, 'a')"},
		{namedState("RUNNING"), "'RUNNING'"},
	}
	for _, tt := range tests {
		e, err := Literal(tt.v)
		if err != nil {
			t.Fatalf("Literal(%v): %v", tt.v, err)
		}
		if e.String() != tt.want {
			t.Errorf("Literal(%v) = %q, want %q", tt.v, e, tt.want)
		}
	}
}
