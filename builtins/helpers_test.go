package builtins

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.starlark.net/starlark"

	"glrun/clock"
	"glrun/glapi"
)

var helperEpoch = time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC)

// testEnv returns an Env with a virtual clock and a JSON logger into buf.
func testEnv(buf *bytes.Buffer) (*Env, *clock.Virtual) {
	vc := clock.NewVirtual(helperEpoch)
	return &Env{Clock: vc, Log: slog.New(slog.NewJSONHandler(buf, nil))}, vc
}

// helperNames are the predeclared helpers that need no GreenLake client.
func helperPredeclared(env *Env) starlark.StringDict {
	return starlark.StringDict{
		"log": logModule(env), "fail": starlark.NewBuiltin("fail", failBuiltin),
		"chunks": member(env, "chunks"), "sleep": sleepBuiltin(env),
		"json": jsonModule(), "time": timeModule(env), "parallel": parallelModule(),
		"secret": NewSecretValue(glapi.NewSecret("hunter2-value")),
	}
}

func TestHelpers(t *testing.T) {
	tests := []outputCase{
		{"chunks", `print(chunks([1, 2, 3, 4, 5], 2))`, "[[1, 2], [3, 4], [5]]"},
		{"chunks tuple", `print(chunks((1, 2), 5))`, "[[1, 2]]"},
		{"chunks empty", `print(chunks([], 3))`, "[]"},
		{"time.now is the clock", `print(time.now())`, "2025-03-01 03:00:00 +0000 UTC"},
		{"sleep advances the clock", `sleep("90s"); sleep(30); print(time.now())`, "2025-03-01 03:02:00 +0000 UTC"},
		{"sleep accepts time durations", `sleep(time.minute * 2); print(time.now())`, "2025-03-01 03:02:00 +0000 UTC"},
		{"time members kept", `print(time.parse_duration("1h") == time.hour)`, "True"},
		{"json", `print(json.decode(json.encode({"a": [1, None]}))["a"])`, "[1, None]"},
		{"json secret", `print(json.encode({"s": secret}))`, `{"s":"<redacted>"}`},
	}
	checkHelperOutputs(t, tests)
}

func TestHelperArgumentErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"chunks missing n", `chunks([1])`, []string{`chunks: parameter "n": want a chunk size from 1, got nothing`}},
		{"chunks zero", `chunks([1], 0)`, []string{`chunks: parameter "n": want an int from 1 to`, "got int 0"}},
		{"chunks wrong items", `chunks("abc", 2)`, []string{`chunks: parameter "items": want a list or tuple, got string "abc"`}},
		{"chunks unknown kw", `chunks([1], size=2)`, []string{`chunks: parameter "size": want one of the parameters items, n`}},
		{"sleep missing", `sleep()`, []string{`sleep: parameter "duration": want a duration such as "90s"`, "got nothing"}},
		{"sleep garbage", `sleep("soon")`, []string{`sleep: parameter "duration"`, `got string "soon"`}},
		{"sleep negative", `sleep(-3)`, []string{`sleep: parameter "duration"`, "got int -3"}},
		{"log no msg", `log.info()`, []string{`log.info: parameter "msg": want one message string`, "got nothing"}},
		{"log two msgs", `log.warn("a", "b")`, []string{`log.warn: parameter "msg"`, `got tuple ("a", "b")`}},
		{"log msg type", `log.error(3)`, []string{`log.error: parameter "msg": want a message string, got int 3`}},
		{"time.now args", `time.now(1)`, []string{"time.now: want at most 0 positional arguments"}},
		{"fail", `fail("server", 3, "is down")`, []string{"fail: server 3 is down"}},
		{"fail sep", `fail("a", "b", sep="-")`, []string{"fail: a-b"}},
		{"fail kw", `fail("a", code=2)`, []string{`fail: parameter "code": want only sep= and result= as keywords`}},
		{"fail secret", `fail("token", secret)`, []string{"fail: token <redacted>"}},
		// Kilobytes in memory, gigabytes as text: refused, not printed.
		{"fail of shared lists", `a = ["abcdefgh"] * 1000
b = [a] * 1000
fail("state:", [b] * 1000)`, []string{"fail: the result would exceed 128 MiB"}},
		{"fail result of shared lists", `a = ["abcdefgh"] * 1000
b = [a] * 1000
fail("partial", result = {"done": [b] * 1000})`, []string{"fail: the result would exceed 128 MiB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := testEnv(new(bytes.Buffer))
			_, err := runStar(t, helperPredeclared(env), tt.src)
			wantErr(t, err, tt.want...)
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("secret leaked: %v", err)
			}
		})
	}
}

func TestFailIsAFailError(t *testing.T) {
	env, _ := testEnv(new(bytes.Buffer))
	_, err := runStar(t, helperPredeclared(env), `fail("stop here")`)
	var fe *FailError
	if !errors.As(err, &fe) || fe.Msg != "stop here" {
		t.Fatalf("err = %v, want a *FailError with the message", err)
	}
}

func TestLogWritesFieldsAndRedacts(t *testing.T) {
	var buf bytes.Buffer
	env, _ := testEnv(&buf)
	pre := helperPredeclared(env)
	pre["job"] = ToStarlark(glapi.Object{"id": "j1", "clientSecret": glapi.NewSecret("hunter2-value")})
	src := `
log.info("restarted", count=3, group="prod", ok=True, ratio=0.5)
log.warn("credential", secret=secret, job=job)
log.error("failed", ids=["a", "b"])
`
	if _, err := runStar(t, pre, src); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "hunter2") {
		t.Fatalf("secret leaked into the log: %s", out)
	}
	for _, want := range []string{
		`"level":"INFO","msg":"restarted","count":3,"group":"prod","ok":true,"ratio":0.5`,
		`"level":"WARN","msg":"credential","secret":"<redacted>","job":"{\"clientSecret\":\"<redacted>\",\"id\":\"j1\"}"`,
		`"level":"ERROR","msg":"failed","ids":"[\"a\", \"b\"]"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

func TestSleepCancelled(t *testing.T) {
	env, vc := testEnv(new(bytes.Buffer))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	thread := &starlark.Thread{Name: "t"}
	SetContext(thread, ctx)
	_, err := starlark.Call(thread, sleepBuiltin(env), starlark.Tuple{starlark.String("1h")}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want one wrapping context.Canceled", err)
	}
	if !vc.Now().Equal(helperEpoch) {
		t.Errorf("a cancelled sleep moved the clock to %v", vc.Now())
	}
}

func TestPredeclaredNames(t *testing.T) {
	pre := Predeclared(&Env{})
	var got []string
	for name := range pre {
		got = append(got, name)
	}
	names := Names()
	if len(got) != len(names) {
		t.Fatalf("Predeclared has %v, Names() says %v", pre.Keys(), names)
	}
	for _, n := range names {
		if _, ok := pre[n]; !ok {
			t.Errorf("Names() lists %q, Predeclared lacks it", n)
		}
	}
	for _, n := range []string{"compute", "identity", "workspaces", "odata", "log", "fail", "chunks", "sleep", "parallel", "json", "time"} {
		if _, ok := pre[n]; !ok {
			t.Errorf("module %q (docs/builtins.md) is missing", n)
		}
	}
}

// outputCase is a snippet run with the helper modules and what it prints.
type outputCase struct {
	name string
	src  string
	want string
}

// checkHelperOutputs runs each case with the helper modules on a fresh
// environment and compares what it printed.
func checkHelperOutputs(t *testing.T, tests []outputCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := testEnv(new(bytes.Buffer))
			out, err := runStar(t, helperPredeclared(env), tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(out); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
