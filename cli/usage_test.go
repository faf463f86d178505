package cli

import (
	"strings"
	"testing"

	"glrun/exitcode"
)

// Bad input gets a clear error naming what is wrong, the documented exit
// code, and nothing is sent to the API.
func TestBadInvocationsSendNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		code int
		want []string // substrings of stderr
	}{
		{"missing required parameter", []string{"run", "--sim", "../runbooks/power_cycle.star"},
			exitcode.Usage, []string{"group", "required", "batch = 5"}},
		{"mistyped parameter", []string{"run", "--sim", "../runbooks/power_cycle.star", "group=lab", "batch=five"},
			exitcode.Usage, []string{"batch", "five", "int"}},
		{"unknown parameter with did-you-mean", []string{"run", "--sim", "../runbooks/power_cycle.star", "group=lab", "bacth=3"},
			exitcode.Usage, []string{"bacth", "batch"}},
		{"argument that is not NAME=VALUE", []string{"run", "--sim", "../runbooks/power_cycle.star", "lab"},
			exitcode.Usage, []string{`"lab"`, "NAME=VALUE"}},
		{"runbook that does not exist", []string{"run", "--sim", "testdata/nope.star"},
			exitcode.Usage, []string{"nope.star"}},
		{"syntax error names file and line", []string{"run", "--sim", "testdata/syntax_error.star", "group=x"},
			exitcode.Usage, []string{"syntax_error.star:3:"}},
		{"unknown module names file and line", []string{"run", "--sim", "testdata/unknown_module.star"},
			exitcode.Usage, []string{"unknown_module.star:2:", "computer"}},
		{"unknown flag", []string{"run", "--simulate", "../runbooks/power_cycle.star"},
			exitcode.Usage, []string{"--simulate"}},
		{"--sim with --base-url", []string{"run", "--sim", "--base-url", "http://127.0.0.1:1", "../runbooks/power_cycle.star", "group=lab"},
			exitcode.Usage, []string{"--sim", "--base-url"}},
		{"bad sim time scale", []string{"run", "--sim", "--sim-time-scale", "0", "../runbooks/power_cycle.star", "group=lab"},
			exitcode.Usage, []string{"--sim-time-scale"}},
		{"misspelled module member is caught before running", []string{"run", "--sim", "testdata/misspelled.star"},
			exitcode.Usage, []string{"misspelled.star:2:", `compute.servers has no member lst (did you mean "list"?)`}},
		{"batch out of range is the runbook's own check", []string{"run", "--sim", "../runbooks/power_cycle.star", "group=lab", "batch=0"},
			exitcode.Failed, []string{"power_cycle.star:", "batch must be at least 1"}},
		{"unknown group lists the groups", []string{"run", "--sim", "../runbooks/power_cycle.star", "group=prod-wbe"},
			exitcode.Failed, []string{"no group named \"prod-wbe\"", "prod-web", "lib/fleet.star"}},
		{"unknown bundle", []string{"run", "--sim", "../runbooks/firmware_update.star", "group=lab", "bundle=1999.01"},
			exitcode.Failed, []string{"no firmware bundle \"1999.01\"", "2024.04.00.00"}},
		{"invalid email is refused before sending", []string{"run", "--sim", "../runbooks/onboard_user.star", "email=not-an-email"},
			exitcode.Usage, []string{"identity.users.", "email"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSim(t)
			r := glrunSim(t, s, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", r.code, tt.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if m := r.mutations(); len(m) != 0 {
				t.Errorf("sent %d mutations: %v", len(m), m)
			}
		})
	}
}

func TestLiveRunWithoutCredentialsSaysWhatToSet(t *testing.T) {
	t.Parallel()
	config := t.TempDir()
	noCredentials := func(name string) string { // no GREENLAKE_* nor GLRUN_PROFILE
		if name == "XDG_CONFIG_HOME" {
			return config
		}
		return ""
	}
	r := glrunEnv(t, nil, noCredentials, "run", "../runbooks/failed_jobs.star")
	if r.code != exitcode.Usage {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitcode.Usage, r.stderr)
	}
	for _, w := range []string{"GREENLAKE_CLIENT_ID", "GREENLAKE_CLIENT_SECRET", "--sim"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
}

func TestDescribeShowsDocAndParameters(t *testing.T) {
	t.Parallel()
	r := glrunSim(t, nil, "describe", "../runbooks/power_cycle.star")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, w := range []string{"Restart a group's powered-on servers", "group (required, string)", `batch = 5 (int)`, `timeout = "30m" (string)`, "Run: glrun run ../runbooks/power_cycle.star group=..."} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("describe output lacks %q:\n%s", w, r.stdout)
		}
	}
}

func TestCheckReportsEveryBadFile(t *testing.T) {
	t.Parallel()
	r := glrunSim(t, nil, "check", "testdata/syntax_error.star", "testdata/unknown_module.star", "../runbooks/power_cycle.star")
	if r.code != exitcode.Usage {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitcode.Usage, r.stderr)
	}
	for _, w := range []string{"syntax_error.star:3:", "unknown_module.star:2:", "2 of 3 files have errors"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	// Files are checked concurrently; their errors still come in the
	// order the files were named.
	if a, b := strings.Index(r.stderr, "syntax_error.star:3:"), strings.Index(r.stderr, "unknown_module.star:2:"); a > b {
		t.Errorf("errors out of order (syntax_error.star was named first):\n%s", r.stderr)
	}
}

func TestFilterCommands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		stdin      string
		code       int
		wantOut    string
		wantStderr []string
	}{
		{"canonical form", []string{"filter", "check", "state EQ 'FAILED' AND (progressPercent lt 100)"}, "", 0,
			"state eq 'FAILED' and progressPercent lt 100\n", nil},
		{"neq gets the ne hint", []string{"filter", "check", "userStatus neq 'UNVERIFIED'"}, "", exitcode.Usage,
			"", []string{"column 12", "^", "ne"}},
		{"unknown property for the resource", []string{"filter", "check", "--resource", "users", "usrname eq 'a@b.c'"}, "", exitcode.Usage,
			"", []string{"usrname", "username"}},
		{"match JSON lines", []string{"filter", "match", "contains(name, 'web')"},
			`{"name":"prod-web-01","id":"P1+2"}` + "\n" + `{"name":"prod-db-01"}` + "\n", 0,
			`{"id":"P1+2","name":"prod-web-01"}` + "\n", nil},
		{"match a JSON array", []string{"filter", "match", "powerState eq 'OFF'"},
			`[{"powerState":"OFF","n":1},{"powerState":"ON","n":2}]`, 0,
			`{"n":1,"powerState":"OFF"}` + "\n", nil},
		{"bad JSON names the line", []string{"filter", "match", "a eq 1"}, "{\"a\":1}\nnot json\n", exitcode.Usage,
			"", []string{"line 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb strings.Builder
			code := Execute(t.Context(), tt.args, streams{in: strings.NewReader(tt.stdin), out: &out, err: &errb})
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", code, tt.code, errb.String())
			}
			if out.String() != tt.wantOut {
				t.Errorf("stdout = %q, want %q", out.String(), tt.wantOut)
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errb.String())
				}
			}
		})
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	r := glrunSim(t, nil, "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "glrun ") {
		t.Errorf("version: exit %d, %q", r.code, r.stdout)
	}
}
