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

// A parameter whose default is a type (emails = list) is required and of
// that type: its value converts from the command line, from a test's
// runbook.run (strings as on the command line, values of the type as they
// are) and from a plan's recorded strings alike.
func TestTypedRequiredParameters(t *testing.T) {
	const all = `emails=["a@x.io", "b@x.io"] group="g" batch=3 ratio=0.5 force=True pair=("p", "q") labels={"env": "prod", "team": "web"} note="n"`
	cmdline := map[string]string{"emails": "a@x.io, b@x.io", "group": "g", "batch": "3", "ratio": "0.5", "force": "yes", "pair": "p,q", "labels": "env=prod, team = web"}
	values := map[string]starlark.Value{
		"emails": starlark.NewList([]starlark.Value{starlark.String("a@x.io"), starlark.String("b@x.io")}),
		"group":  starlark.String("g"),
		"batch":  starlark.MakeInt(3),
		"ratio":  starlark.Float(0.5),
		"force":  starlark.True,
		"pair":   starlark.NewList([]starlark.Value{starlark.String("p"), starlark.String("q")}),
		"labels": dictOf("env", "prod", "team", "web"),
	}
	strs := map[string]starlark.Value{}
	for k, v := range cmdline {
		strs[k] = starlark.String(v)
	}
	tests := []struct {
		name string
		call func(rb *runtime.Runbook) (starlark.Value, error)
	}{
		{"command line", func(rb *runtime.Runbook) (starlark.Value, error) {
			var args []string
			for k, v := range cmdline {
				args = append(args, k+"="+v)
			}
			return rb.Call(context.Background(), args)
		}},
		{"plan params", func(rb *runtime.Runbook) (starlark.Value, error) { return rb.CallParams(context.Background(), cmdline) }},
		{"strings in a test", func(rb *runtime.Runbook) (starlark.Value, error) { return rb.CallValues(context.Background(), strs) }},
		{"values in a test", func(rb *runtime.Runbook) (starlark.Value, error) { return rb.CallValues(context.Background(), values) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := tc.call(mustLoad(t, "typed.star", runtime.Options{}))
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if got, _ := starlark.AsString(v); got != all {
				t.Errorf("got  %s\nwant %s", got, all)
			}
		})
	}
}

// A value of another type for a parameter declared with a type is a usage
// error naming the parameter; nothing runs.
func TestTypedParameterRefusesAValueOfAnotherType(t *testing.T) {
	rb, f, err := loadRunbook(t, "typed.star", runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = rb.CallValues(context.Background(), map[string]starlark.Value{
		"emails": starlark.MakeInt(1), "group": starlark.String("g"), "batch": starlark.MakeInt(1),
		"ratio": starlark.MakeInt(1), "force": starlark.False, "pair": starlark.Tuple{}, "labels": starlark.NewDict(0),
	})
	checkErr(t, err, 2, "parameter emails: want a list (or a string as on the command line), got int")
	if f.counted.Load() != 0 {
		t.Errorf("main ran despite the usage error")
	}
}

func dictOf(kv ...string) *starlark.Dict {
	d := starlark.NewDict(len(kv) / 2)
	for i := 0; i < len(kv); i += 2 {
		_ = d.SetKey(starlark.String(kv[i]), starlark.String(kv[i+1]))
	}
	return d
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
		{"not a dict", "dictparam.star", []string{"opts=x"}, []string{`parameter opts: "x" is not KEY=VALUE (a dict is given as KEY=VALUE,KEY=VALUE)`}},
		{"dict key twice", "dictparam.star", []string{"opts=a=1,a=2"}, []string{`parameter opts: key "a" given twice`}},
		{"range default", "unsettable.star", []string{"r=x"}, []string{"parameter r: cannot be set from the command line (its default is a range)"}},
		{"typed required missing", "typed.star", []string{"group=g", "batch=1", "ratio=1", "force=no", "pair=a", "labels="},
			[]string{"missing required parameter emails", "emails (required, list)", "labels (required, dict)", `note = "n" (string)`}},
		{"typed int", "typed.star", []string{"emails=a", "group=g", "batch=many", "ratio=1", "force=no", "pair=a", "labels="},
			[]string{`parameter batch: "many" is not an int`}},
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
