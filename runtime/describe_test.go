package runtime_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.starlark.net/starlark"

	"glrun/runtime"
)

func TestDescribe(t *testing.T) {
	type param struct {
		Name, Default, Type string
		Required            bool
	}
	tests := []struct {
		file   string
		doc    string
		params []param
	}{
		{"params.star", "Shows the parameters it was given.", []param{
			{"group", "", "string", true},
			{"count", "10", "int", false},
			{"ratio", "0.5", "float", false},
			{"force", "False", "bool", false},
			{"tags", `["a"]`, "list", false},
			{"pair", `("x", "y")`, "tuple", false},
			{"note", "None", "string", false},
			{"mode", `"fast"`, "string", false},
			{"region", `"us-west"`, "string", false},
		}},
		{"moduledoc.star", "Restart every server of a group.\n\nServers that are off are skipped.", []param{
			{"group", "", "string", true},
		}},
		{"kwargs.star", "", []param{{"name", `"n"`, "string", false}}},
		{"dictparam.star", "", []param{{"opts", "{}", "dict", false}}},
		{"typed.star", "Required parameters declared by their type.", []param{
			{"emails", "", "list", true},
			{"group", "", "string", true},
			{"batch", "", "int", true},
			{"ratio", "", "float", true},
			{"force", "", "bool", true},
			{"pair", "", "tuple", true},
			{"labels", "", "dict", true},
			{"note", `"n"`, "string", false},
		}},
		{"unsettable.star", "", []param{{"r", "range(3)", "range", false}}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			rb := mustLoad(t, tc.file, runtime.Options{Predeclared: starlark.StringDict{}})
			d, err := rb.Describe()
			if err != nil {
				t.Fatalf("Describe: %v", err)
			}
			if d.Path != "testdata/"+tc.file || d.Doc != tc.doc {
				t.Errorf("Path, Doc = %q, %q; want %q, %q", d.Path, d.Doc, "testdata/"+tc.file, tc.doc)
			}
			var got []param
			for _, p := range d.Params {
				def := ""
				if p.Default != nil {
					def = p.Default.String()
				}
				got = append(got, param{p.Name, def, p.Type, p.Required})
			}
			if diff := cmp.Diff(tc.params, got); diff != "" {
				t.Errorf("params (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDescribeWithoutMain(t *testing.T) {
	rb := mustLoad(t, "nomain.star", runtime.Options{})
	_, err := rb.Describe()
	checkErr(t, err, 2, "nomain.star: no main function")
}
