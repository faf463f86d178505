package odata

import "testing"

// roundTripInputs are filters whose canonical form must be stable and
// mean the same as the original.
var roundTripInputs = []string{
	"state eq 'COMPLETE'",
	"not endedAt eq null and contains(sourceResourceUri,'groups/x')",
	"a or b and c",
	"(a or b) and c",
	"a and (b or c)",
	"(a and b) or c",
	"a or (b or c)",
	"not (a or b) and not c",
	"not not cancellable",
	"(generation eq 3) eq true",
	"(not cancellable) eq true",
	"state in ('RUNNING', 'COMPLETE') or generation in (3)",
	"2022 in createdAt",
	"'a' in (tags)",
	"generation in (generation eq 3)",
	"contains(createdAt, '2022') and not (startswith(state, 'X') or endswith(state, 'E'))",
	"user eq 'O''Brien' or user eq ''''",
	"createdAt gt 2022-03-04t09:59:59.5z and generation ge +2.50e0",
	"createdAt eq 2022-03-04 OR NOT missing NE null",
	"((((state eq 'COMPLETE'))))",
	"true and (false or cancellable)",
}

// TestPrintStable checks print(parse(print(parse(s)))) == print(parse(s)).
func TestPrintStable(t *testing.T) {
	for _, s := range roundTripInputs {
		e, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		once := e.String()
		e2, err := Parse(once)
		if err != nil {
			t.Fatalf("canonical %q of %q does not parse: %v", once, s, err)
		}
		if twice := e2.String(); twice != once {
			t.Errorf("unstable: %q -> %q -> %q", s, once, twice)
		}
	}
}

// TestPrintKeepsMeaning evaluates each filter and its canonical form over
// sample objects; they must agree everywhere.
func TestPrintKeepsMeaning(t *testing.T) {
	samples := []map[string]any{
		job(),
		{},
		{"a": true, "b": false, "c": true},
		{"a": false, "b": true, "c": false},
		{"a": false, "b": false, "c": true},
		{"a": true, "b": true, "c": false},
		{"state": "E", "cancellable": true, "generation": float64(3), "tags": []any{"a"}},
		{"state": "XE", "user": "'", "createdAt": "2022-03-04"},
	}
	for _, s := range roundTripInputs {
		e, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(e.String())
		if err != nil {
			t.Fatal(err)
		}
		for i, obj := range samples {
			if Eval(e, obj) != Eval(p, obj) {
				t.Errorf("%q and its canonical %q disagree on sample %d", s, e.String(), i)
			}
		}
	}
}

// TestPrintBuiltTrees prints trees built in code, whose shape the printer
// must preserve with parentheses.
func TestPrintBuiltTrees(t *testing.T) {
	a, _ := Eq("a", 1)
	b, _ := Eq("b", 2)
	c, _ := Eq("c", 3)
	tests := []struct {
		e    Expr
		want string
	}{
		{And(Or(a, b), c), "(a eq 1 or b eq 2) and c eq 3"},
		{Or(a, And(b, c)), "a eq 1 or b eq 2 and c eq 3"},
		{And(a, Or(b, c)), "a eq 1 and (b eq 2 or c eq 3)"},
		{Not(Or(a, b)), "not (a eq 1 or b eq 2)"},
		{And(Not(a), b), "not (a eq 1) and b eq 2"},
		{&Compare{Op: OpEq, Left: Not(a), Right: &Lit{Kind: KindBool, Bool: true}}, "(not (a eq 1)) eq true"},
		{&Compare{Op: OpEq, Left: a, Right: b}, "(a eq 1) eq (b eq 2)"},
		{And(nil, a), "a eq 1"},
		{Or(a, nil), "a eq 1"},
	}
	for _, tt := range tests {
		if got := tt.e.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
		p, err := Parse(tt.e.String())
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.e.String(), err)
		}
		if p.String() != tt.want {
			t.Errorf("reparsed %q prints %q", tt.want, p.String())
		}
	}
}
