package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
)

// result is what one glrun invocation did.
type result struct {
	code     int
	stdout   string
	stderr   string
	requests []sim.LogEntry // what the simulator received during the call
}

// newTestSim returns a simulator on a virtual clock, so a runbook's waits
// take no wall time.
func newTestSim(t *testing.T) *sim.Sim {
	t.Helper()
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	return sim.New(sim.Options{Clock: clock.NewVirtual(start), TokenClock: clock.NewVirtual(start)})
}

// glrunSim runs glrun with args; a --sim in args uses s.
func glrunSim(t *testing.T, s *sim.Sim, args ...string) result {
	t.Helper()
	return glrunEnv(t, s, nil, args...)
}

// demoEnv is an environment holding only the simulator's demo credentials
// (and an empty configuration directory), for runs against a simulator
// reached by --base-url. Tests that use it instead of t.Setenv can run in
// parallel.
func demoEnv(t *testing.T) func(string) string {
	env := map[string]string{
		"GREENLAKE_CLIENT_ID":     sim.DemoClientID,
		"GREENLAKE_CLIENT_SECRET": sim.DemoClientSecret,
		"XDG_CONFIG_HOME":         t.TempDir(),
	}
	return func(name string) string { return env[name] }
}

// glrunEnv runs glrun with args, reading the environment from getenv (nil:
// the process's); a --sim in args uses s.
func glrunEnv(t *testing.T, s *sim.Sim, getenv func(string) string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	before := 0
	if s != nil {
		before = len(s.Requests())
	}
	code := Execute(context.Background(), args, streams{in: strings.NewReader(""), out: &out, err: &errb, sim: s, getenv: getenv})
	r := result{code: code, stdout: out.String(), stderr: errb.String()}
	if s != nil {
		r.requests = s.Requests()[before:]
	}
	return r
}

// mutations returns the requests that change something.
func (r result) mutations() []sim.LogEntry {
	var out []sim.LogEntry
	for _, e := range r.requests {
		// A request with dry-run=true only asks the platform to validate
		// it: it changes nothing.
		dryRun := strings.Contains("&"+e.Query+"&", "&dry-run=true&")
		if e.Method != "GET" && e.Path != "/as/token.oauth2" && !dryRun {
			out = append(out, e)
		}
	}
	return out
}

// decode decodes the runbook's JSON result from stdout.
func (r result) decode(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatalf("stdout is not a JSON object: %v\nstdout:\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
	return m
}

// strings returns the string items of a JSON list value.
func stringList(t *testing.T, v any) []string {
	t.Helper()
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("want a JSON list, got %T %v", v, v)
	}
	out := make([]string, len(l))
	for i, x := range l {
		out[i], _ = x.(string)
	}
	return out
}

// field reads a nested field of a simulator object, e.g. field(o, "hardware", "powerState").
func field(o glapi.Object, path ...string) any {
	var cur any = map[string]any(o)
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}
