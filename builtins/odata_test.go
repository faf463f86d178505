package builtins

import (
	"strings"
	"testing"
	"time"

	"go.starlark.net/starlark"

	"glrun/glapi"
)

func odataPredeclared() starlark.StringDict {
	return starlark.StringDict{
		"odata": odataModule(),
		"time":  timeModule(&Env{}),
		"job": ToStarlark(glapi.Object{
			"id": "j1", "state": "ERROR", "resource": map[string]any{"id": "P06760-B21+2M212504P8"},
			"createdAt": "2024-07-01T17:44:30Z",
		}),
		"when": ToStarlark(time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)),
	}
}

func TestOdataModule(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"filter string", `print(odata.filter("name eq {}", "O'Brien"))`, `name eq 'O''Brien'`},
		{"filter injection stays a literal", `print(odata.filter("name eq {}", "x' or 'a' eq 'a"))`, `name eq 'x'' or ''a'' eq ''a'`},
		{"filter int bool none", `print(odata.filter("a eq {} and b eq {} and c eq {}", 3, True, None))`, `a eq 3 and b eq true and c eq null`},
		{"filter float", `print(odata.filter("p gt {}", 50.5))`, `p gt 50.5`},
		{"filter time", `print(odata.filter("createdAt gt {}", when))`, `createdAt gt 2024-07-01T00:00:00Z`},
		{"filter list for in", `print(odata.filter("id in {}", ["a", "b+c"]))`, `id in ('a', 'b+c')`},
		{"parse canonical", `print(odata.parse("State EQ 'RUNNING' AND NOT endedAt eq null"))`, `State eq 'RUNNING' and not (endedAt eq null)`},
		{"builders", `print(odata.eq("state", "ERROR") & odata.gt("progressPercent", 50))`, `state eq 'ERROR' and progressPercent gt 50`},
		{"or", `print(odata.ne("a", 1) | odata.le("b", 2.5))`, `a ne 1 or b le 2.5`},
		{"combined with string", `print(odata.eq("a", 1) & "b eq 2")`, `a eq 1 and b eq 2`},
		{"string on the left", `print("b eq 2" | odata.eq("a", 1))`, `b eq 2 or a eq 1`},
		{"precedence kept", `print((odata.eq("a", 1) | odata.eq("b", 2)) & odata.eq("c", 3))`, `(a eq 1 or b eq 2) and c eq 3`},
		{"in_", `print(odata.in_("id", ("x", "y")))`, `id in ('x', 'y')`},
		{"functions", `print(odata.contains("name", "db"), odata.startswith("name", "a"), odata.endswith("name", "z"))`,
			`contains(name, 'db') startswith(name, 'a') endswith(name, 'z')`},
		{"not_", `print(odata.not_(odata.eq("a", 1)))`, `not (a eq 1)`},
		{"not_ string", `print(odata.not_("a eq 1"))`, `not (a eq 1)`},
		{"ge lt", `print(odata.ge("a", 1) & odata.lt("a", 9))`, `a ge 1 and a lt 9`},
		{"equal filters", `print(odata.parse("a eq 1") == odata.eq("a", 1))`, `True`},
		{"matches record", `print(odata.eq("state", "ERROR").matches(job), odata.eq("state", "COMPLETE").matches(job))`, `True False`},
		{"matches nested path", `print(odata.eq("resource/id", "P06760-B21+2M212504P8").matches(job))`, `True`},
		{"matches dict", `print(odata.gt("n", 2).matches({"n": 3}), odata.gt("n", 2).matches({"n": 1}))`, `True False`},
		{"matches time", `print(odata.filter("createdAt gt {}", when).matches(job))`, `True`},
		{"type", `print(type(odata.eq("a", 1)))`, `filter`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runStar(t, odataPredeclared(), tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(out); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestOdataArgumentErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"filter no template", `odata.filter()`, []string{`odata.filter: parameter "template": want a filter template string`, "got nothing"}},
		{"filter template type", `odata.filter(3)`, []string{`odata.filter: parameter "template"`, "got int 3"}},
		{"filter arg type", `odata.filter("a eq {}", {"x": 1})`, []string{`odata.filter: parameter "args[0]": want a string, int, float, bool, None or time value`, `got dict {"x": 1}`}},
		{"filter count", `odata.filter("a eq {} and b eq {}", 1)`, []string{`odata.filter: parameter "template"`, "1 given"}},
		{"filter syntax", `odata.filter("a eq {} and", 1)`, []string{`odata.filter: parameter "template"`, "column"}},
		{"filter keyword", `odata.filter("a eq {}", value=1)`, []string{`odata.filter: parameter "value": want only positional arguments`}},
		{"parse syntax column", `odata.parse("state neq 'x'")`, []string{`odata.parse: parameter "text": want a valid OData filter`, `got string "state neq 'x'"`, "column 7", "ne"}},
		{"parse type", `odata.parse(None)`, []string{`odata.parse: parameter "text"`, "got None"}},
		{"eq missing value", `odata.eq("a")`, []string{`odata.eq: parameter "value": want a string, int, float, bool, None or time value, got nothing`}},
		{"eq value type", `odata.eq("a", [1])`, []string{`odata.eq: parameter "value"`, "got list [1]"}},
		{"eq path type", `odata.eq(1, 2)`, []string{`odata.eq: parameter "path": want a property path string`, "got int 1"}},
		{"eq bad path", `odata.eq("a b", 2)`, []string{`odata.eq: parameter "path"`, `got string "a b"`}},
		{"contains text type", `odata.contains("name", 3)`, []string{`odata.contains: parameter "text": want a string, got int 3`}},
		{"in_ values type", `odata.in_("id", "abc")`, []string{`odata.in_: parameter "values": want a list or tuple`, `got string "abc"`}},
		{"in_ element type", `odata.in_("id", ["a", {}])`, []string{`odata.in_: parameter "values"`, "dict {} at index 1"}},
		{"not_ type", `odata.not_(3)`, []string{`odata.not_: parameter "filter": want an OData filter`, "got int 3"}},
		{"not_ missing", `odata.not_()`, []string{`odata.not_: parameter "filter"`, "got nothing"}},
		{"and with int", `odata.eq("a", 1) & 3`, []string{"filter &: want an OData filter", "got int 3"}},
		{"and with bad string", `odata.eq("a", 1) & "b eq"`, []string{"filter &", "column"}},
		{"matches type", `odata.eq("a", 1).matches([1])`, []string{`odata.filter.matches: parameter "obj": want a dict or a record`, "got list [1]"}},
		{"unknown keyword", `odata.eq("a", 1, vaule=2)`, []string{`odata.eq: parameter "vaule"`, `did you mean "value"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runStar(t, odataPredeclared(), tt.src)
			wantErr(t, err, tt.want...)
		})
	}
}

func TestFilterArgument(t *testing.T) {
	pre := odataPredeclared()
	doc := Doc{Name: "test.list", Params: []ParamDoc{{Name: "filter", Default: "None", Desc: "a filter"}}}
	pre["probe"] = NewBuiltin(doc, func(_ *starlark.Thread, a *Args) (starlark.Value, error) {
		var filter FilterArg
		err := a.Unpack("filter", &filter)
		return starlark.String(filter.Text), err
	})
	out, err := runStar(t, pre, `print(probe(), "|", probe(None), "|", probe("A EQ 1"), "|", probe(odata.eq("b", "x+y")))`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(out), `|  | A eq 1 | b eq 'x+y'`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
