package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"glrun/exitcode"
)

// TestOutputJSON: every command with -o json prints one JSON document on
// stdout with the fields tools rely on, and nothing else there.
func TestOutputJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		check func(t *testing.T, v any)
	}{
		{"describe", "", []string{"describe", "-o", "json", "../runbooks/power_cycle.star"}, exitcode.OK, func(t *testing.T, v any) {
			d := v.(map[string]any)
			params := d["params"].([]any)
			first, second := params[0].(map[string]any), params[1].(map[string]any)
			if first["name"] != "group" || first["required"] != true || first["type"] != "string" {
				t.Errorf("first param %v, want group, required, string", first)
			}
			if second["name"] != "batch" || second["default"] != float64(5) || second["type"] != "int" {
				t.Errorf("second param %v, want batch = 5 (int)", second)
			}
			if !strings.HasPrefix(d["doc"].(string), "Restart a group's powered-on servers") {
				t.Errorf("doc %q", d["doc"])
			}
		}},
		{"filter check", "", []string{"filter", "check", "-o", "json", "--resource", "servers", "name  eq 'web'"}, exitcode.OK, func(t *testing.T, v any) {
			want := map[string]any{"filter": "name  eq 'web'", "canonical": "name eq 'web'", "resource": "servers"}
			if m := v.(map[string]any); len(m) != 3 || m["canonical"] != want["canonical"] || m["filter"] != want["filter"] || m["resource"] != want["resource"] {
				t.Errorf("got %v, want %v", m, want)
			}
		}},
		{"filter match", `{"name":"db"}` + "\n" + `{"name":"web","n":1}` + "\n", []string{"filter", "match", "-o", "json", "name eq 'web'"}, exitcode.OK, func(t *testing.T, v any) {
			if a := v.([]any); len(a) != 1 || a[0].(map[string]any)["name"] != "web" {
				t.Errorf("got %v, want only the web object", a)
			}
		}},
		{"filter match none", `[{"name":"db"}]`, []string{"filter", "match", "-o", "json", "name eq 'web'"}, exitcode.OK, func(t *testing.T, v any) {
			if a := v.([]any); len(a) != 0 {
				t.Errorf("got %v, want []", a)
			}
		}},
		{"show", "", []string{"show", "-o", "json", "../testdata/plans/failed_jobs.plan.json"}, exitcode.OK, func(t *testing.T, v any) {
			if _, ok := v.(map[string]any)["mutations"]; !ok {
				t.Errorf("no mutations in %v", v)
			}
		}},
		{"test", "", []string{"test", "-o", "json", "../runbooks/power_cycle_test.star"}, exitcode.OK, func(t *testing.T, v any) {
			r := v.(map[string]any)
			tests := r["tests"].([]any)
			if r["failed"] != float64(0) || r["passed"] != float64(len(tests)) || len(tests) == 0 {
				t.Errorf("got %v", r)
			}
			first := tests[0].(map[string]any)
			for _, k := range []string{"file", "name", "passed", "failures", "elapsed_ms"} {
				if _, ok := first[k]; !ok {
					t.Errorf("test result lacks %q: %v", k, first)
				}
			}
		}},
		{"lint", "", []string{"lint", "-o", "json", "testdata/misspelled.star"}, exitcode.Failed, func(t *testing.T, v any) {
			if a, ok := v.([]any); !ok || len(a) == 0 {
				t.Errorf("got %v, want findings", v)
			}
		}},
		{"plan", "", []string{"plan", "--sim", "-o", "json", "../runbooks/onboard_user.star", "email=ana@example.com"}, exitcode.OK, func(t *testing.T, v any) {
			if m, ok := v.(map[string]any)["mutations"].([]any); !ok || len(m) == 0 {
				t.Errorf("no mutations in %v", v)
			}
		}},
		{"config", "", []string{"config", "-o", "json", "--region", "eu-central"}, exitcode.OK, func(t *testing.T, v any) {
			if a, ok := v.([]any); !ok || len(a) == 0 {
				t.Errorf("got %v, want the settings", v)
			}
		}},
		{"version", "", []string{"version", "-o", "json"}, exitcode.OK, func(t *testing.T, v any) {
			m := v.(map[string]any)
			for _, k := range []string{"version", "go", "os", "arch"} {
				if s, _ := m[k].(string); s == "" {
					t.Errorf("no %q in %v", k, m)
				}
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := glrunTool(t, tc.stdin, tc.args...)
			if got.code != tc.code {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", got.code, tc.code, got.stderr)
			}
			var v any
			if err := json.Unmarshal([]byte(got.stdout), &v); err != nil {
				t.Fatalf("stdout is not one JSON document: %v\n%s", err, got.stdout)
			}
			tc.check(t, v)
		})
	}
}

// TestOutputRefusesUnknownFormats: -o yaml and --log-format xml are usage
// errors naming the flag, before anything runs or is sent.
func TestOutputRefusesUnknownFormats(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"describe", "-o", "yaml", "../runbooks/power_cycle.star"},
		{"filter", "check", "-o", "yaml", "a eq 1"},
		{"filter", "match", "-o", "yaml", "a eq 1"},
		{"show", "-o", "yaml", "../testdata/plans/failed_jobs.plan.json"},
		{"test", "-o", "yaml", "../runbooks/power_cycle_test.star"},
		{"run", "-o", "yaml", "--sim", "../runbooks/failed_jobs.star"},
		{"lint", "-o", "yaml", "testdata/misspelled.star"},
		{"config", "-o", "yaml"},
		{"version", "-o", "yaml"},
		{"--log-format", "xml", "run", "--sim", "../runbooks/failed_jobs.star"},
	} {
		sm := newTestSim(t)
		var out, errb strings.Builder
		code := Execute(t.Context(), args, streams{in: strings.NewReader(""), out: &out, err: &errb, sim: sm})
		if code != exitcode.Usage {
			t.Errorf("%v: exit %d, want %d", args, code, exitcode.Usage)
		}
		if !strings.Contains(errb.String(), `"yaml": want text or json`) && !strings.Contains(errb.String(), `--log-format "xml": want text or json`) {
			t.Errorf("%v: stderr does not name the flag and what it wants:\n%s", args, errb.String())
		}
		if n := len(sm.Requests()); n != 0 {
			t.Errorf("%v: %d requests sent", args, n)
		}
	}
}

// TestLogFormat: --log-format json makes every log line a JSON object with
// time, level and msg; the default is text. Without a terminal (or with
// NO_COLOR) there are no bars and no escape sequences: waits log their
// state changes.
func TestLogFormat(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			got := glrunTool(t, "", "--log-format", format, "run", "--sim", "--sim-time-scale", "100000",
				"../runbooks/power_cycle.star", "group=prod-db", "batch=12")
			if got.code != exitcode.OK {
				t.Fatalf("exit %d\n%s", got.code, got.stderr)
			}
			if strings.Contains(got.stderr, "\x1b") {
				t.Errorf("escape sequences without a terminal:\n%q", got.stderr)
			}
			var logs int
			for _, line := range strings.Split(strings.TrimSpace(got.stderr), "\n") {
				if strings.HasPrefix(line, "glrun: ") {
					continue // the run report
				}
				logs++
				if format == "text" {
					if !strings.HasPrefix(line, "time=") || !strings.Contains(line, " level=") {
						t.Errorf("not a text log line: %q", line)
					}
					continue
				}
				var rec map[string]any
				if err := json.Unmarshal([]byte(line), &rec); err != nil {
					t.Errorf("not a JSON log line: %q: %v", line, err)
					continue
				}
				for _, k := range []string{"time", "level", "msg"} {
					if _, ok := rec[k]; !ok {
						t.Errorf("JSON log line lacks %q: %s", k, line)
					}
				}
			}
			if logs < 5 || !strings.Contains(got.stderr, "COMPLETE") {
				t.Errorf("%d log lines, want the run's logs and the jobs' state changes:\n%s", logs, got.stderr)
			}
		})
	}
}
