package odata

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

// TestParseConstructs covers every construct of docs/filters.md: each input parses
// and prints in the expected canonical form.
func TestParseConstructs(t *testing.T) {
	tests := []struct{ in, want string }{
		// literals
		{"a eq null", "a eq null"},
		{"a eq NULL", "a eq null"},
		{"a eq true", "a eq true"},
		{"a eq False", "a eq false"},
		{"a eq -1", "a eq -1"},
		{"a eq +5", "a eq 5"},
		{"a eq 007", "a eq 7"},
		{"a eq 9223372036854775807", "a eq 9223372036854775807"},
		{"a eq -9223372036854775808", "a eq -9223372036854775808"},
		{"a eq 50.5", "a eq 50.5"},
		{"a eq 1.5e3", "a eq 1500.0"},
		{"a eq 1.5E-3", "a eq 0.0015"},
		{"a eq 2e21", "a eq 2e+21"},
		{"a eq -0.0", "a eq -0.0"},
		{"a eq 2024-01-01", "a eq 2024-01-01"},
		{"a eq 2024-07-01T17:44:30Z", "a eq 2024-07-01T17:44:30Z"},
		{"a eq 2024-07-01t17:44:30z", "a eq 2024-07-01T17:44:30Z"},
		{"a eq 2024-07-01T17:44Z", "a eq 2024-07-01T17:44Z"},
		{"a eq 2024-07-01T17:44:30.123456789012+02:00", "a eq 2024-07-01T17:44:30.123456789012+02:00"},
		{"a eq 2024-07-01T17:44:30-05:30", "a eq 2024-07-01T17:44:30-05:30"},
		{"a eq 'O''Brien'", "a eq 'O''Brien'"},
		{"a eq ''", "a eq ''"},
		{"a eq ''''", "a eq ''''"},
		{"a eq 'ünïcødé ✓'", "a eq 'ünïcødé ✓'"},
		{"a eq 'x{}y'", "a eq 'x{}y'"},
		// paths
		{"resource/id eq 'x'", "resource/id eq 'x'"},
		{"a/b/c_1 eq 1", "a/b/c_1 eq 1"},
		{"_x eq 1", "_x eq 1"},
		{"cancellable", "cancellable"},
		{"not cancellable", "not (cancellable)"},
		{"true", "true"},
		{"null/x eq 1", "null/x eq 1"},
		{"not/x eq 1", "not/x eq 1"},
		// comparisons, case-insensitive keywords, whitespace
		{"a ne 1", "a ne 1"},
		{"a gt 1", "a gt 1"},
		{"a ge 1", "a ge 1"},
		{"a lt 1", "a lt 1"},
		{"a le 1", "a le 1"},
		{"a Eq 1 AND b NE 2 Or c GT 3", "a eq 1 and b ne 2 or c gt 3"},
		{"a\teq\t1", "a eq 1"},
		{"  a   eq   1  ", "a eq 1"},
		{"'x' eq a", "'x' eq a"},
		{"1 eq 1", "1 eq 1"},
		// in
		{"a in (1, 2)", "a in (1, 2)"},
		{"a in (1,2,3)", "a in (1, 2, 3)"},
		{"a in ( 'x' , 'y' )", "a in ('x', 'y')"},
		{"a in ()", "a in ()"},
		{"a in ('x')", "a in ('x')"},
		{"a in (null, true, 1.5, 2024-01-01)", "a in (null, true, 1.5, 2024-01-01)"},
		{"2020 in createdAt", "2020 in createdAt"},
		{"'x' in (tags)", "'x' in tags"},
		{"a In (1)", "a in (1)"},
		// functions
		{"contains(a, 'x')", "contains(a, 'x')"},
		{"contains(a,'x')", "contains(a, 'x')"},
		{"startswith( a , 'x' )", "startswith(a, 'x')"},
		{"EndsWith(a, 'x')", "endswith(a, 'x')"},
		{"contains('abc', a)", "contains('abc', a)"},
		// logic and precedence
		{"a and b", "a and b"},
		{"a or b", "a or b"},
		{"a and b or c", "a and b or c"},
		{"a or b and c", "a or b and c"},
		{"(a or b) and c", "(a or b) and c"},
		{"a and (b or c)", "a and (b or c)"},
		{"((a))", "a"},
		{"(a eq 1)", "a eq 1"},
		{"a and (b and c)", "a and b and c"},
		{"not a eq 1", "not (a eq 1)"},
		{"not (a eq 1)", "not (a eq 1)"},
		{"not not a", "not (not (a))"},
		{"not a and b", "not (a) and b"},
		{"not (a and b)", "not (a and b)"},
		{"not endedAt eq null and contains(a, 'x')", "not (endedAt eq null) and contains(a, 'x')"},
		{"(not a) eq true", "(not (a)) eq true"},
		{"(a eq 1) eq true", "(a eq 1) eq true"},
		{"a in (b eq 1)", "a in (b eq 1)"},
		{"not a in (1, 2)", "not (a in (1, 2))"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got := e.String(); got != tt.want {
				t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestParseDocumentedExamples parses every example filter of the GreenLake API documentation and of
// the compute-ops-mgmt spec, as written there.
func TestParseDocumentedExamples(t *testing.T) {
	valid := []string{
		// async operations
		"state eq 'FAILED'",
		"createdAt le 2024-07-01T17:44:30Z",
		"not progressPercent eq 100",
		"not error eq null",
		"contains(sourceResourceUri,'groups/3e661d85-eb85-4320-9721-a950d1080641')",
		"not endedAt eq null and contains(sourceResourceUri,'groups/3e661d85-eb85-4320-9721-a950d1080641')",
		"generation in (1, 2)",
		// users
		"id eq '7600415a-8876-5722-9f3c-b0fd11112283'",
		"username eq 'user@example.com'",
		"userStatus ne 'UNVERIFIED'",
		"createdAt gt '2020-09-21T14:19:09.769747'",
		"updatedAt gt '2020-09-21T14:19:09.769747'",
		"lastLogin lt '2020-09-21T14:19:09.769747'",
		// the identity guide
		"workspaceName eq 'workspace example'",
		"createdBy eq 'user@example.com'",
		"2020 in createdAt",
		"contains(id, '20')",
		"endswith(workspaceName, 'test')",
		"startswith(workspaceName, 'test')",
		"createdAt eq '2020-09-21T14:19:09.769747' and workspaceName eq 'test'",
		// spec examples (jobs, servers, groups, appliance firmware)
		"state in ('running','pending','stalled')",
		"not cancellable eq false and contains(createdAt,'2022')",
		"contains(createdAt,'2022')",
		"jobTemplate eq  '0cbb2377-1834-488d-840c-d5bf788c34fb'",
		"resource/type eq 'compute-ops/server'",
		"not parentJobId eq null",
		"not resource/id eq none", // parses (none is a path); Validate refuses it
		"resource/id eq '252500-842%2B8899252500842931'",
		"state/managed in ('true','false')",
		"not name eq null and contains(createdAt,'2019')",
		"host/hostname eq 'myServer'",
		"state/managed eq 'true'",
		"not name eq 'MXQ89990RR'",
		"autoAddTags/Department in ('Development - Texas','Development - Colorado')",
		"not name eq null and contains(name,'Group')",
		"autoAddTags/Department eq 'Development - Texas'",
		"not autoAddTags/Department eq 'Development - Texas'",
		"applianceType eq 'VM' and applianceVersion eq '8.70.00'",
	}
	for _, s := range valid {
		if _, err := Parse(s); err != nil {
			t.Errorf("Parse(%q): %v", s, err)
		}
	}
	// URL-encoded examples: refused as written (with a hint), parsed once
	// decoded the way a server decodes a query value.
	encoded := []struct{ in, decodedErr string }{
		{"createdAt%20gt%202024-07-01T17%3A44%3A30Z", ""},
		{"name%20eq%20%27my%2Bgroup%27", ""},
		{"id%20eq%20%27497f6eca-6276-4993-bfeb-53cbbbba6f08", "unterminated string"}, // the spec's own example lacks the closing quote
	}
	for _, tt := range encoded {
		_, err := Parse(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(se.Hint, "URL-encoded") {
			t.Errorf("Parse(%q) = %v, want a URL-encoded hint", tt.in, err)
		}
		dec, derr := url.PathUnescape(tt.in)
		if derr != nil {
			t.Fatal(derr)
		}
		_, err = Parse(dec)
		if tt.decodedErr == "" && err != nil {
			t.Errorf("Parse(%q): %v", dec, err)
		}
		if tt.decodedErr != "" && (err == nil || !strings.Contains(err.Error(), tt.decodedErr)) {
			t.Errorf("Parse(%q) = %v, want %q", dec, err, tt.decodedErr)
		}
	}
}

// TestParseErrors checks the column and hint of malformed filters,
// including the invalid examples of the identity guide.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		col  int
		hint string // substring of the message or hint; "" means no check
	}{
		// the identity guide's invalid examples, as written there
		{"userStatus neq 'UNVERIFIED'", 12, "use ne"},
		{"createdAt ne '2020-09-21T14:19:09.769747’", 14, "typographic quote"},
		{"createdAt ge '2020-09-21T14:19:09.769747", 14, "close the string"},
		{"createdAt in ['2020-09-21T14:19:09.769747','2020-09-21T14:19:09.769747']", 14, "parentheses"},
		{"'tenantId eq <The tenantId of interest>'", 1, "outer quotes"},
		// operator typos
		{"a == 1", 3, "use eq"},
		{"a = 1", 3, "use eq"},
		{"a != 1", 3, "use ne"},
		{"a <> 1", 3, "use ne"},
		{"a < 1", 3, "use lt"},
		{"a <= 1", 3, "use le"},
		{"a > 1", 3, "use gt"},
		{"a >= 1", 3, "use ge"},
		{"a eq 1 && b eq 2", 8, "use and"},
		{"a eq 1 || b eq 2", 8, "use or"},
		{"a eq 1 & b eq 2", 8, "use and"},
		{"!a", 1, "not"},
		{"a NEQ 1", 3, "use ne"},
		{"a lte 1", 3, "use le"},
		{"a gte 1", 3, "use ge"},
		{"a equals 1", 3, "use eq"},
		{"a is null", 3, "eq null"},
		{"a like 'x'", 3, "contains"},
		{"a eq1", 3, "space after eq"},
		{"filter=a eq 1", 7, "after filter="},
		// quotes
		{`a eq "x"`, 6, "single quotes"},
		{"a eq ‘x’", 6, "straight single quote"},
		{"a eq 'x", 6, "close the string"},
		{"a eq 'it's'", 10, "written twice"},
		// not
		{"not(a eq 1)", 4, "not ("},
		{"NOT(a)", 4, "not ("},
		{"not", 4, ""},
		{"not ", 5, ""},
		{"a eq not b", 6, "whole condition"},
		// whitespace rules
		{"a eq'x'", 5, "space after eq"},
		{"(a)eq 1", 4, "whitespace around eq"},
		{"a and(b)", 6, "space"},
		{"a in(1, 2)", 5, "space after in"},
		{"contains (a, 'x')", 10, "without a space"},
		// structure
		{"", 1, ""},
		{"   ", 4, ""},
		{"a eq", 5, ""},
		{"a eq ", 6, ""},
		{"eq 1", 4, ""},
		{"a eq 1 and", 11, ""},
		{"a eq 1 or ", 11, ""},
		{"and b", 5, ""},
		{"a eq 1 eq 2", 8, "do not chain"},
		{"a eq 1 in (1)", 8, "do not chain"},
		{"a eq 1)", 7, ""},
		{"(a eq 1", 8, ""},
		{"((a eq 1)", 10, ""},
		{"()", 2, ""},
		{"a eq ()", 7, ""},
		{"a eq 1, b eq 2", 7, "and / or"},
		{"name 'x'", 6, "forget an operator"},
		{"a b", 3, ""},
		{"a eq 1 b", 8, ""},
		{"resource/", 10, ""},
		{"resource/ id eq 1", 11, ""},
		{"/id eq 1", 1, ""},
		{"resource.id eq 1", 9, "separated by /"},
		{"$filter eq 1", 1, "without $"},
		{"a eq {}", 6, "placeholders"},
		{"a eq 1\nand b", 7, "single line"},
		{"a eq 'x' and", 13, ""},
		// literals
		{"a eq 1.", 8, ""},
		{"a eq 1.e5", 8, ""},
		{"a eq 1e", 8, ""},
		{"a eq .5", 6, ""},
		{"a eq 12345678901234567890", 6, ""},
		{"a eq 9223372036854775808", 6, ""},
		{"a eq 1e999", 6, ""},
		{"a eq 2024-13-01", 6, ""},
		{"a eq 2024-02-30", 6, ""},
		{"a eq 2024-07-01T17:44:30", 25, "add Z"},
		{"a eq 2024-07-01T25:00:00Z", 17, ""},
		{"a eq 2024-07-01T17:44:30.Z", 26, ""},
		{"a eq 2024-07-01T17:44:30.1234567890123Z", 26, ""},
		{"a eq 2024-07-01T17:44:30+0200", 25, ""},
		{"a eq 2024-07-01T1", 17, ""},
		{"id eq 7600415a-8876", 14, "single quotes"},
		{"a eq 5abc", 7, "single quotes"},
		{"a eq -", 6, ""},
		{"a eq - 1", 6, ""},
		// in lists
		{"a in (b, 1)", 7, "literals only"},
		{"a in (1, b)", 10, "literals only"},
		{"a in (1 2)", 9, ""},
		{"a in (1,)", 9, ""},
		{"a in 1, 2", 7, ""},
		{"a eq (1, 2)", 8, "only follows in"},
		// functions
		{"contains(a)", 1, "2 arguments"},
		{"contains(a, 'b', 'c')", 1, "2 arguments"},
		{"contains()", 1, "2 arguments"},
		{"substringof('x', a)", 1, "use contains"},
		{"tolower(a) eq 'x'", 1, "contains, startswith and endswith"},
		{"contains(a 'x')", 12, ""},
		{"contains(a, 'x'", 16, ""},
		// non-boolean filters
		{"'x'", 1, "outer quotes"},
		{"1", 1, ""},
		{"null", 1, ""},
		{"a and 'x'", 7, ""},
		{"not 5", 5, ""},
	}
	if len(tests) < 60 {
		t.Fatalf("only %d malformed inputs", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %q, want an error", tt.in, e)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error %T is not a *SyntaxError", tt.in, err)
			}
			if se.Column != tt.col {
				t.Errorf("Parse(%q) column = %d, want %d\n%v", tt.in, se.Column, tt.col, err)
			}
			if tt.hint != "" && !strings.Contains(se.Msg+" "+se.Hint, tt.hint) {
				t.Errorf("Parse(%q) message %q hint %q, want %q", tt.in, se.Msg, se.Hint, tt.hint)
			}
			if se.Input != tt.in {
				t.Errorf("Input = %q, want %q", se.Input, tt.in)
			}
		})
	}
}

// TestSyntaxErrorMessage checks the layout a user sees: message with
// column, the input, a caret under the column and the hint.
func TestSyntaxErrorMessage(t *testing.T) {
	tests := []struct{ in, want string }{
		{"userStatus neq 'UNVERIFIED'", "filter syntax error at column 12: expected an operator (eq, ne, gt, ge, lt, le, in, and, or) or the end of the filter, found \"neq\"\n" +
			"  userStatus neq 'UNVERIFIED'\n" +
			"             ^\n" +
			"  hint: use ne (not equal): userStatus ne 'UNVERIFIED'"},
		{"x eq 'é' and\tnot(y)", "filter syntax error at column 17: expected whitespace after not\n" +
			"  x eq 'é' and\tnot(y)\n" +
			"              \t   ^\n" +
			"  hint: write not (...) with a space: not (x eq 1)"},
		{"a eq", "filter syntax error at column 5: expected a value after eq, found the end of the filter\n" +
			"  a eq\n" +
			"      ^"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) error =\n%v\nwant\n%s", tt.in, err, tt.want)
		}
	}
}

// TestParseDepthLimit checks that deep nesting is an error, not a crash.
func TestParseDepthLimit(t *testing.T) {
	in := strings.Repeat("(", 10000) + "a" + strings.Repeat(")", 10000)
	if _, err := Parse(in); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("deep nesting: err = %v", err)
	}
	in = strings.Repeat("not ", 10000) + "a"
	if _, err := Parse(in); err == nil {
		t.Errorf("deep not chain: no error")
	}
}

// TestParseDepthCanonical: a filter just inside the depth limit still
// parses once printed canonically (not x prints as not (x)).
func TestParseDepthCanonical(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("not ", maxDepth-1) + "a",
		strings.Repeat("not (", maxDepth-1) + "a" + strings.Repeat(")", maxDepth-1),
		strings.Repeat("(", maxDepth-1) + "a" + strings.Repeat(")", maxDepth-1),
		strings.Repeat("contains(", maxDepth/2) + "a" + strings.Repeat(", 'x')", maxDepth/2),
	} {
		e, err := Parse(in)
		if err != nil {
			t.Fatalf("Parse(%.40q...): %v", in, err)
		}
		if _, err := Parse(e.String()); err != nil {
			t.Errorf("canonical form of %.40q... does not parse: %v", in, err)
		}
	}
}

// TestSyntaxErrorOfAHugeFilter: an error in a 2 MB filter keeps its column
// and shows a window of the text around it, not the whole input, and cuts
// a message that quotes a huge token.
func TestSyntaxErrorOfAHugeFilter(t *testing.T) {
	pad := strings.Repeat("a eq 1 and ", 200000) // 2.2 MB
	tests := []struct {
		name, in string
		wants    []string
	}{
		{"error at the end", pad + "b neq 2", []string{
			"filter syntax error at column 2200003: expected an operator",
			"\n  ...nd a eq 1 and", "a eq 1 and b neq 2\n",
			// 120 characters end with the input; the caret under the
			// "n" of neq, past the "...".
			"\n  " + strings.Repeat(" ", 3+115) + "^\n",
		}},
		{"error at the start", "b neq 2 and " + pad, []string{
			"filter syntax error at column 3:",
			"\n  b neq 2 and a eq 1 and",
			"...\n    ^\n",
		}},
		{"a huge token", "x eq 1 and " + strings.Repeat("f", 1<<21) + "(y)", []string{
			"unknown function fffff", "...\n",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if len(msg) > 1000 {
				t.Errorf("the message is %d bytes long", len(msg))
			}
			for _, w := range tt.wants {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
		})
	}
}

// TestPropertyErrorOfAHugeName: refusing a property whose name is a
// megabyte long does not echo it whole.
func TestPropertyErrorOfAHugeName(t *testing.T) {
	e, err := Parse(strings.Repeat("p", 1<<20) + " eq 1")
	if err != nil {
		t.Fatal(err)
	}
	err = Validate("jobs", e)
	if err == nil {
		t.Fatal("no error")
	}
	if msg := err.Error(); len(msg) > 2000 || !strings.Contains(msg, `jobs cannot be filtered by "pppp`) {
		t.Errorf("message (%d bytes): %.300s", len(msg), msg)
	}
}
