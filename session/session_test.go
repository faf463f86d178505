package session_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.starlark.net/starlark"

	"glrun/builtins"
	"glrun/clock"
	"glrun/exitcode"
	"glrun/glapi"
	"glrun/glapi/sim"
	"glrun/glapi/wait"
	"glrun/plan"
	"glrun/session"
)

// simAPI is a client configuration for a simulator served in memory.
func simAPI(t *testing.T, s *sim.Sim) glapi.Config {
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return glapi.Config{
		BaseURL:      srv.URL,
		ClientID:     sim.DemoClientID,
		ClientSecret: glapi.NewSecret(sim.DemoClientSecret),
	}
}

func writeRunbook(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rb.star")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOpenRunsAgainstTheConfiguredAPI: a runbook opened by Open sees the
// builtins, bound to the client Config.API describes, and the Extra names.
func TestOpenRunsAgainstTheConfiguredAPI(t *testing.T) {
	t.Parallel()
	path := writeRunbook(t, `
def main():
    return [len(compute.servers.list()), greeting]
`)
	var printed []string
	ss, err := session.Open(context.Background(), session.Config{
		API:   simAPI(t, sim.New(sim.Options{Seed: 1})),
		Extra: starlark.StringDict{"greeting": starlark.String("hello")},
		Print: func(_ *starlark.Thread, msg string) { printed = append(printed, msg) },
	}, path)
	if err != nil {
		t.Fatal(err)
	}
	v := callMain(t, ss)
	got := v.(*starlark.List)
	if n, _ := starlark.AsInt32(got.Index(0)); n == 0 {
		t.Errorf("compute.servers.list() found no servers in the simulator: %v", v)
	}
	if got.Index(1) != starlark.String("hello") {
		t.Errorf("Extra name greeting = %v, want \"hello\"", got.Index(1))
	}
	if ss.Predeclared["compute"] == nil || ss.Predeclared["greeting"] == nil {
		t.Errorf("Predeclared lacks compute or greeting: %v", ss.Predeclared.Keys())
	}
}

// TestNewKeepsTheCredentialsError: a missing secret is still
// glapi.ErrNoCredentials, so the command line can suggest --sim.
func TestNewKeepsTheCredentialsError(t *testing.T) {
	t.Parallel()
	_, err := session.New(session.Config{API: glapi.Config{BaseURL: "http://x.invalid"}})
	if !errors.Is(err, glapi.ErrNoCredentials) {
		t.Fatalf("New without credentials: %v, want glapi.ErrNoCredentials", err)
	}
}

// TestCheckKnowsTheBuiltinsAndExtra: Check refuses unknown names, accepts
// builtins and the extra names given.
func TestCheckKnowsTheBuiltinsAndExtra(t *testing.T) {
	t.Parallel()
	path := writeRunbook(t, "def main():\n    compute.servers.list()\n    assert.eq(1, 1)\n")
	if err := session.Check(path); err == nil || !strings.Contains(err.Error(), "assert") {
		t.Errorf("Check without extra names: %v, want an error naming assert", err)
	}
	if err := session.Check(path, "assert"); err != nil {
		t.Errorf("Check with assert: %v", err)
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err    error
		code   int
		wantOK bool
	}{
		{fmt.Errorf("apply: %w", &plan.DriftError{}), exitcode.Drift, true},
		{&wait.TimeoutError{What: "compute.jobs.wait"}, exitcode.Timeout, true},
		{&builtins.ArgError{Fn: "compute.jobs.create"}, exitcode.Usage, true},
		{&glapi.FilterError{Resource: "jobs", Err: errors.New("bad")}, exitcode.Usage, true},
		{errors.New("something else"), 0, false},
	} {
		code, ok := session.Classify(tc.err)
		if code != tc.code || ok != tc.wantOK {
			t.Errorf("Classify(%T) = %d, %v; want %d, %v", tc.err, code, ok, tc.code, tc.wantOK)
		}
	}
}

// TestJobWaitsLearnDurationsOverTheRun: the waits of one run share what
// they saw of how long a template's jobs take, so the second restart of a
// server is noticed soon after it ends, not at the backoff's next poll.
func TestJobWaitsLearnDurationsOverTheRun(t *testing.T) {
	t.Parallel()
	clk := clock.NewVirtual(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	api := simAPI(t, sim.New(sim.Options{Seed: 1, Clock: clk}))
	api.Clock = clk
	path := writeRunbook(t, `
def main():
    s = [x for x in compute.servers.list() if x.hardware.powerState == "ON"][0]
    lags = []
    for i in range(3):
        j = compute.jobs.wait(compute.jobs.create("restart", s))
        lags.append((time.now() - time.parse_time(j.updatedAt)).seconds)
    return lags
`)
	ss, err := session.Open(context.Background(), session.Config{API: api, Clock: clk}, path)
	if err != nil {
		t.Fatal(err)
	}
	v := callMain(t, ss)
	var lags []float64
	for i := range v.(*starlark.List).Len() {
		f, _ := starlark.AsFloat(v.(*starlark.List).Index(i))
		lags = append(lags, f)
	}
	// The first wait knows nothing: the 5s backoff polls at 80.625s and
	// 100.625s for a job that ends at 93s. The next ones poll 2% after the
	// 93s they observed.
	want := []float64{7.625, 1.86, 1.86}
	if len(lags) != len(want) {
		t.Fatalf("lags = %v, want %v", lags, want)
	}
	for i := range want {
		if math.Abs(lags[i]-want[i]) > 0.01 {
			t.Errorf("lags = %v (seconds from each job's end to the wait's return), want %v", lags, want)
			break
		}
	}
	tmpl, _ := glapi.LookupTemplate("restart")
	if exp, n := ss.Env.Durations.Expected(tmpl.ID); exp != 93*time.Second || n != 3 {
		t.Errorf("the run's expected restart = %s from %d jobs, want 93s from 3", exp, n)
	}
}

// callMain calls the main of the session's runbook with no arguments.
func callMain(t *testing.T, ss *session.Session) starlark.Value {
	t.Helper()
	main := ss.Runbook.Globals()["main"].(starlark.Callable)
	v, err := ss.Runbook.Exec(context.Background(), "main", main, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
