package builtins

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.starlark.net/starlark"

	"glrun/glapi"
)

func sampleJob() glapi.Object {
	return glapi.Object{
		"id":              "job-1",
		"state":           "RUNNING",
		"progressPercent": json.Number("40"),
		"ratio":           json.Number("0.5"),
		"whole":           json.Number("3.0"),
		"resource":        map[string]any{"id": "P06760-B21+2M212504P8", "type": "compute-ops-mgmt/server"},
		"tags":            []any{"a", json.Number("2"), true, nil},
		"secret":          glapi.NewSecret("s3cr3t-value"),
	}
}

func TestRecordFromStarlark(t *testing.T) {
	pre := starlark.StringDict{
		"job": ToStarlark(sampleJob()),
		"a":   ToStarlark(map[string]any{"id": "x", "n": []any{json.Number("1")}}),
		"b":   ToStarlark(glapi.Object{"id": "x", "n": []any{1}}),
		"c":   ToStarlark(glapi.Object{"id": "x", "n": []any{2}}),
	}
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"attribute", `print(job.state)`, "RUNNING"},
		{"nested attribute", `print(job.resource.id)`, "P06760-B21+2M212504P8"},
		{"integral number is int", `print(type(job.progressPercent), job.progressPercent + 1)`, "int 41"},
		{"fraction is float", `print(type(job.ratio), job.ratio)`, "float 0.5"},
		{"integral decimal is int", `print(type(job.whole))`, "int"},
		{"index", `print(job["state"])`, "RUNNING"},
		{"get present", `print(job.get("state", "x"))`, "RUNNING"},
		{"get default", `print(job.get("nope", "dflt"))`, "dflt"},
		{"get no default", `print(job.get("nope"))`, "None"},
		{"in", `print("state" in job, "nope" in job)`, "True False"},
		{"dir", `print(dir(job.resource))`, `["id", "type"]`},
		{"len", `print(len(job))`, "8"},
		{"list", `print(job.tags)`, `["a", 2, True, None]`},
		{"equal by value", `print(a == b, a != b, a == c)`, "True False False"},
		{"not equal", `print(job.resource == job)`, "False"},
		{"dict copy", `d = dict(job.resource); d["x"] = 1; print(sorted(d.keys()))`, `["id", "type", "x"]`},
		{"print is compact sorted JSON with redacted secret",
			`print(job.resource)`, `{"id":"P06760-B21+2M212504P8","type":"compute-ops-mgmt/server"}`},
		{"str", `print(str(job).startswith('{"id":"job-1","progressPercent":40,"ratio":0.5,"resource":'))`, "True"},
		{"json.encode", `print(json.encode(job.resource))`, `{"id":"P06760-B21+2M212504P8","type":"compute-ops-mgmt/server"}`},
		{"iterate keys", `print([k for k in job.resource])`, `["id", "type"]`},
	}
	pre["json"] = jsonModule()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runStar(t, pre, tt.src)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if got := strings.TrimSpace(out); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRecordErrors(t *testing.T) {
	pre := starlark.StringDict{"job": ToStarlark(sampleJob())}
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"missing attribute lists fields", `job.stat`, []string{`no field "stat"`, "progressPercent", "state"}},
		{"read-only", `job.state = "x"`, []string{"record"}},
		{"read-only list", `job.tags.append(1)`, []string{"frozen"}},
		{"missing key", `job["nope"]`, []string{"nope", "not in record"}},
		{"non-string key", `job[1]`, []string{"want a field name string", "int"}},
		{"ordered compare", `job < job`, []string{"not supported"}},
		{"get without field", `job.get()`, []string{"record.get", `parameter "field"`, "nothing"}},
		{"unhashable", `{job: 1}`, []string{"unhashable"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runStar(t, pre, tt.src)
			wantErr(t, err, tt.want...)
		})
	}
}

func TestSecretNeverPrints(t *testing.T) {
	rec := ToStarlark(sampleJob())
	pre := starlark.StringDict{"job": rec, "json": jsonModule()}
	src := `
s = job.secret
print(s)
print(str(s), repr(s), "%s %r" % (s, s))
print(job)
print(json.encode(job))
print([s], {"k": s})
print(type(s), bool(s), s == s, s == job.secret)
`
	out, err := runStar(t, pre, src)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "s3cr3t") {
		t.Fatalf("secret leaked: %s", out)
	}
	if !strings.Contains(out, "<redacted>") || !strings.Contains(out, "secret True True") {
		t.Errorf("unexpected output: %s", out)
	}
	for _, src := range []string{`job.secret + "x"`, `"x" + job.secret`, `job.secret[0]`, `[c for c in job.secret]`, `{job.secret: 1}`, `len(job.secret)`} {
		_, err := runStar(t, pre, src)
		if err == nil {
			t.Errorf("%s: want an error", src)
		} else if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: secret leaked in error %v", src, err)
		}
	}
	// Two secrets with the same value are different values.
	a, b := NewSecretValue(glapi.NewSecret("x")), NewSecretValue(glapi.NewSecret("x"))
	if eq, _ := starlark.Equal(a, b); eq {
		t.Error("distinct secrets compare equal")
	}
	v, err := FromStarlark(a)
	if err != nil || v.(glapi.Secret).Reveal() != "x" {
		t.Errorf("FromStarlark(secret) = %v, %v", v, err)
	}
}

func TestFromStarlark(t *testing.T) {
	when := time.Date(2024, 7, 1, 17, 44, 30, 0, time.UTC)
	dict := starlark.NewDict(2)
	_ = dict.SetKey(starlark.String("b"), starlark.NewList([]starlark.Value{starlark.MakeInt(1), starlark.Float(1.5)}))
	_ = dict.SetKey(starlark.String("a"), starlark.Tuple{starlark.True, starlark.None})
	large := new(big.Int).Lsh(big.NewInt(1), 70)
	tests := []struct {
		name string
		in   starlark.Value
		want any
	}{
		{"none", starlark.None, nil},
		{"int", starlark.MakeInt(3), int64(3)},
		{"big int", starlark.MakeBigInt(large), large},
		{"float", starlark.Float(2.5), 2.5},
		{"string", starlark.String("x"), "x"},
		{"dict", dict, map[string]any{"a": []any{true, nil}, "b": []any{int64(1), 1.5}}},
		{"record", ToStarlark(map[string]any{"id": "x", "n": json.Number("2")}), map[string]any{"id": "x", "n": int64(2)}},
		{"time", ToStarlark(when), when},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromStarlark(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b *big.Int) bool { return a.Cmp(b) == 0 })); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestFromStarlarkErrors(t *testing.T) {
	badKey := starlark.NewDict(1)
	_ = badKey.SetKey(starlark.MakeInt(1), starlark.None)
	nested := starlark.NewDict(1)
	_ = nested.SetKey(starlark.String("fn"), starlark.NewList([]starlark.Value{starlark.NewBuiltin("len", nil)}))
	self := starlark.NewList(nil)
	_ = self.Append(self)
	tests := []struct {
		name string
		in   starlark.Value
		want []string
	}{
		{"function", starlark.NewBuiltin("len", nil), []string{"builtin_function_or_method"}},
		{"int key", badKey, []string{"dict key 1 is a int, want a string"}},
		{"nested", nested, []string{`key "fn"`, "index 0", "builtin_function_or_method"}},
		{"cycle", self, []string{"nested more than"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromStarlark(tt.in)
			wantErr(t, err, tt.want...)
		})
	}
}
