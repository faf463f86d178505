package builtins

import (
	"fmt"
	"strings"
	"testing"

	"go.starlark.net/starlark"
)

// probeDoc declares the test builtin probe.
var probeDoc = Doc{Name: "test.probe", Params: []ParamDoc{
	{Name: "id", Desc: "an id"},
	{Name: "name", Default: "None", Desc: "a name"},
	{Name: "limit", Default: "7", Desc: "a limit"},
	{Name: "flag", Default: "True", Desc: "a flag"},
	{Name: "timeout", Default: `"1m"`, Desc: "a timeout"},
	{Name: "items", Default: "None", Desc: "items"},
}}

// probe is a test builtin exercising the common ArgKinds.
func probe(_ *starlark.Thread, a *Args) (starlark.Value, error) {
	id := IDArg{What: "job"}
	name := StringArg{What: "a name string"}
	limit := IntArg{Min: 1, Max: 600}
	var flag BoolArg
	var timeout DurationArg
	items := ListArg{What: "a list of ids"}
	if err := a.Unpack("id", &id, "name", &name, "limit", &limit, "flag", &flag, "timeout", &timeout, "items", &items); err != nil {
		return nil, err
	}
	return starlark.String(fmt.Sprintf("%s|%s|%d|%t|%s|%d", id.ID, name.Value, limit.Value, flag.Value, timeout.Duration, len(items.Items))), nil
}

func TestArgsBinding(t *testing.T) {
	pre := starlark.StringDict{
		"probe": NewBuiltin(probeDoc, probe),
		"job":   ToStarlark(map[string]any{"id": "job-9", "state": "RUNNING"}),
	}
	tests := []struct {
		src  string
		want string
	}{
		{`probe("j1")`, "j1||7|true|1m0s|0"},
		{`probe(job)`, "job-9||7|true|1m0s|0"},
		{`probe({"id": "d1"})`, "d1||7|true|1m0s|0"},
		{`probe("j1", "n", 5, False, "90s", [1, 2])`, "j1|n|5|false|1m30s|2"},
		{`probe(id="j1", timeout=30, limit=None, name=None)`, "j1||7|true|30s|0"},
		{`probe("j1", items=(1,))`, "j1||7|true|1m0s|1"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			out, err := runStar(t, pre, "print("+tt.src+")")
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(out); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestArgsErrors(t *testing.T) {
	pre := starlark.StringDict{
		"probe": NewBuiltin(probeDoc, probe),
		"rec":   ToStarlark(map[string]any{"name": "no id"}),
	}
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"missing", `probe()`, []string{`test.probe: parameter "id": want a job id string or a job record with an id, got nothing`}},
		{"wrong type", `probe(3)`, []string{`parameter "id"`, "got int 3"}},
		{"empty id", `probe("")`, []string{`parameter "id"`, `got string ""`}},
		{"record without id", `probe(rec)`, []string{`parameter "id"`, `got record {"name":"no id"}`}},
		{"none id", `probe(None)`, []string{`parameter "id"`, "got None"}},
		{"unknown keyword", `probe("j", limt=3)`, []string{`test.probe: parameter "limt": want one of the parameters id, name, limit, flag, timeout, items (did you mean "limit"?), got an unknown keyword argument limt=int 3`}},
		{"too many", `probe(1, 2, 3, 4, 5, 6, 7)`, []string{"test.probe: want at most 6 positional arguments (id, name, limit, flag, timeout, items), got 7"}},
		{"twice", `probe("j", id="k")`, []string{`parameter "id": want one value, got it twice`}},
		{"int type", `probe("j", limit="5")`, []string{`parameter "limit": want an int from 1 to 600, got string "5"`}},
		{"int low", `probe("j", limit=0)`, []string{`parameter "limit": want an int from 1 to 600, got int 0`}},
		{"int high", `probe("j", limit=601)`, []string{`got int 601`}},
		{"bool", `probe("j", flag=1)`, []string{`parameter "flag": want True or False, got int 1`}},
		{"string", `probe("j", name=[1])`, []string{`parameter "name": want a name string, got list [1]`}},
		{"duration", `probe("j", timeout="soon")`, []string{`parameter "timeout": want a duration such as "90s"`, `got string "soon"`}},
		{"negative duration", `probe("j", timeout=-1)`, []string{`parameter "timeout"`, "got int -1"}},
		{"list", `probe("j", items="abc")`, []string{`parameter "items": want a list of ids, got string "abc"`}},
		{"long value is cut", `probe("j", name=["x" * 200])`, []string{"..."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runStar(t, pre, tt.src)
			wantErr(t, err, tt.want...)
		})
	}
}
