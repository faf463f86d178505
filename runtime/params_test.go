package runtime_test

import (
	"context"
	"strings"
	"testing"

	"go.starlark.net/starlark"

	"glrun/runtime"
)

func TestCallConvertsParameters(t *testing.T) {
	const defaults = `count=10 ratio=0.5 force=False tags=["a"] pair=("x", "y") note=None mode="fast" region="us-west"`
	tests := []struct {
		name string
		file string
		args []string
		want string
	}{
		{"required only", "params.star", []string{"group=prod"}, `group="prod" ` + defaults},
		{"every type", "params.star",
			[]string{"group=g", "count=-5", "ratio=2.5", "force=yes", "tags=a, b,,c ", "pair=p", "note=hello", "mode=", "region=eu-central"},
			`group="g" count=-5 ratio=2.5 force=True tags=["a", "b", "c"] pair=("p",) note="hello" mode="" region="eu-central"`},
		{"value with =", "params.star", []string{"group=a=b"}, `group="a=b" ` + defaults},
		{"int as float", "params.star", []string{"group=g", "ratio=3"}, `group="g" count=10 ratio=3.0 force=False tags=["a"] pair=("x", "y") note=None mode="fast" region="us-west"`},
		{"empty list", "params.star", []string{"group=g", "tags="}, `group="g" count=10 ratio=0.5 force=False tags=[] pair=("x", "y") note=None mode="fast" region="us-west"`},
		{"kwargs get strings", "kwargs.star", []string{"name=a", "other=b"}, `name="a" extra={"other": "b"}`},
		{"no params", "noparams.star", nil, "ok"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rb := mustLoad(t, tc.file, runtime.Options{})
			v, err := rb.Call(context.Background(), tc.args)
			if err != nil {
				t.Fatalf("Call: %v", err)
			}
			got, ok := starlark.AsString(v)
			if !ok || got != tc.want {
				t.Errorf("got  %s\nwant %s", v, tc.want)
			}
		})
	}
}

func TestCallConvertsBools(t *testing.T) {
	for in, want := range map[string]string{
		"true": "True", "TRUE": "True", "yes": "True", "Yes": "True", "1": "True",
		"false": "False", "False": "False", "no": "False", "NO": "False", "0": "False",
	} {
		t.Run(in, func(t *testing.T) {
			rb := mustLoad(t, "params.star", runtime.Options{})
			v, err := rb.CallParams(context.Background(), map[string]string{"group": "g", "force": in})
			if err != nil {
				t.Fatalf("Call: %v", err)
			}
			if got := v.String(); !strings.Contains(got, "force="+want+" ") {
				t.Errorf("force=%s gave %s, want force=%s", in, got, want)
			}
		})
	}
}

func TestCallUsageErrors(t *testing.T) {
	listing := []string{"parameters (NAME=VALUE):", "group (required, string)", "count = 10 (int)", "ratio = 0.5 (float)",
		"force = False (bool)", `tags = ["a"] (list)`, "note = None (string)", `region = "us-west" (string)`}
	tests := []struct {
		name  string
		file  string
		args  []string
		wants []string
	}{
		{"missing required", "params.star", nil, append([]string{"params.star: missing required parameter group"}, listing...)},
		{"not an int", "params.star", []string{"group=g", "count=ten"}, append([]string{`parameter count: "ten" is not an int`}, listing...)},
		{"not a float", "params.star", []string{"group=g", "ratio=half"}, []string{`parameter ratio: "half" is not a float`}},
		{"not a bool", "params.star", []string{"group=g", "force=maybe"}, []string{`parameter force: "maybe" is not a bool (true/false, yes/no, 1/0)`}},
		{"unknown with suggestion", "params.star", []string{"gruop=g"}, append([]string{"unknown parameter gruop (did you mean group?)", "missing required parameter group"}, listing...)},
		{"unknown without suggestion", "params.star", []string{"group=g", "zzzzzz=1"}, []string{"unknown parameter zzzzzz\n"}},
		{"not NAME=VALUE", "params.star", []string{"prod"}, []string{`argument "prod" is not NAME=VALUE`, "group (required, string)"}},
		{"given twice", "params.star", []string{"group=a", "group=b"}, []string{"parameter group given twice"}},
		{"dict default", "dictparam.star", []string{"opts=x"}, []string{"parameter opts: cannot be set from the command line (its default is a dict)"}},
		{"no parameters", "noparams.star", []string{"x=1"}, []string{"unknown parameter x", "main takes no parameters"}},
		{"no main", "nomain.star", nil, []string{"nomain.star: no main function"}},
		{"main not a function", "mainvalue.star", nil, []string{"mainvalue.star: main is a int, not a function"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rb, f, err := loadRunbook(t, tc.file, runtime.Options{})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			_, err = rb.Call(context.Background(), tc.args)
			checkErr(t, err, 2, tc.wants...)
			if f.counted.Load() != 0 {
				t.Errorf("main ran despite the usage error")
			}
		})
	}
}
