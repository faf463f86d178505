package builtins_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.starlark.net/starlark"

	"glrun/builtins"
	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
	"glrun/runtime"

	"glrun/exitcode"
)

// simWorld is a simulator on a virtual clock and the predeclared builtins
// bound to it.
type simWorld struct {
	sim  *sim.Sim
	clk  *clock.Virtual
	pre  starlark.StringDict
	logs *bytes.Buffer
}

func newSimWorld(t *testing.T, mode string) *simWorld {
	t.Helper()
	vc := clock.NewVirtual(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	s := sim.New(sim.Options{Clock: vc, Seed: 1})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	logs := new(bytes.Buffer)
	logger := slog.New(slog.NewTextHandler(logs, nil))
	c, err := glapi.New(glapi.Config{BaseURL: srv.URL, ClientID: sim.DemoClientID,
		ClientSecret: glapi.NewSecret(sim.DemoClientSecret), Clock: vc, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return &simWorld{sim: s, clk: vc, logs: logs,
		pre: builtins.Predeclared(&builtins.Env{Client: c, Clock: vc, Log: logger, Mode: mode})}
}

// runMain writes src (a runbook with a main) to a file and runs main
// under the runtime's sandbox with opts, returning what it printed.
func runMain(t *testing.T, src string, opts runtime.Options, ctx context.Context) (string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rb.star")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	opts.Print = func(_ *starlark.Thread, msg string) { out.WriteString(msg + "\n") }
	rb, err := runtime.Load(ctx, path, opts)
	if err != nil {
		t.Fatal(err)
	}
	_, err = rb.Call(ctx, nil)
	return out.String(), err
}

// TestCatchTurnsFailuresIntoValues checks the error record of each kind
// of failure a runbook meets.
func TestCatchTurnsFailuresIntoValues(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"success", `r = catch(lambda x, y = 0: x + y, 1, y = 2)
print(r.value, r.error)`, "3 None"},
		{"starlark error", `r = catch(lambda: {}["nope"])
print(r.value, r.error.kind, r.error.message)`, `None error key "nope" not in dict`},
		{"fail with a partial result", `def f():
    fail("gave up on", "web-02", result = {"updated": ["web-01"]})
r = catch(f)
print(r.error.kind, r.error.message, r.error.result["updated"])`, `fail fail: gave up on web-02 ["web-01"]`},
		{"api error", `r = catch(compute.servers.get, "P00000-B21+NOSUCHSERVER")
print(r.error.kind, r.error.status, r.error.message.startswith("compute.servers.get: GET /compute-ops-mgmt/v1/servers/"))`, "api 404 True"},
		{"argument error", `r = catch(compute.jobs.create, "restrat", "x")
print(r.error.kind, "did you mean" in r.error.message)`, "argument True"},
		{"failed job", `s = compute.servers.list(filter = "name eq 'prod-web-01'")[0]
sim_fail_next("restart")
j = compute.jobs.create("restart", s)
r = catch(compute.jobs.wait, j)
print(r.error.kind, r.error.job.id == j.id, r.error.job.state, r.error.job.resource.id == s.id, len(r.error.jobs))`, "job_failed True ERROR True 1"},
		{"failed jobs of wait_all", `ss = compute.servers.list(filter = "startswith(name, 'prod-web-0')", limit = 3)
sim_fail_next("restart")
sim_fail_next("restart")
r = catch(compute.jobs.wait_all, [compute.jobs.create("restart", s) for s in ss])
print(r.error.kind, len(r.error.jobs))`, "job_failed 2"},
		{"wait timeout", `s = compute.servers.list(filter = "name eq 'prod-web-01'")[0]
j = compute.jobs.create("firmware_update", s, params = {"bundle_id": compute.firmware_bundles.list()[0].id})
r = catch(compute.jobs.wait, j, timeout = "1m")
print(r.error.kind, r.error.job.id == j.id, r.error.job.state, "timed out after 1m0s" in r.error.message)`, "timeout True RUNNING True"},
		{"nested catch in a def", `def outer():
    inner = catch(fail, "inner")
    return inner.error.message
print(catch(outer).value)`, "fail: inner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newSimWorld(t, "")
			w.pre["sim_fail_next"] = starlark.NewBuiltin("sim_fail_next", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
				return starlark.None, w.sim.FailNextJob(string(args[0].(starlark.String)))
			})
			src := "def main():\n    " + strings.ReplaceAll(tt.src, "\n", "\n    ") + "\n"
			out, err := runMain(t, src, runtime.Options{Predeclared: w.pre}, context.Background())
			if err != nil {
				t.Fatalf("run failed: %v", err)
			}
			if got := strings.TrimSpace(out); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// blockingBuiltin returns a builtin that waits until the run's context is
// done and fails as a wait does, having called before() first.
func blockingBuiltin(before func()) *starlark.Builtin {
	return starlark.NewBuiltin("block", func(thread *starlark.Thread, _ *starlark.Builtin, _ starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		if before != nil {
			before()
		}
		ctx := builtins.Context(thread)
		<-ctx.Done()
		return nil, fmt.Errorf("block: %w", ctx.Err())
	})
}

// TestCatchNeverCatchesWhatStopsTheRun checks that an interrupt, the run's
// timeout, the step limit and the memory limit go through catch and retry
// and end the run with their own exit code, and that nothing after the
// call runs.
func TestCatchNeverCatchesWhatStopsTheRun(t *testing.T) {
	const after = "\n    print(\"after\", r)\n"
	tests := []struct {
		name string
		body string // main's body: r = ...
		opts func(cancel context.CancelFunc) runtime.Options
		code int
		want string
	}{
		{"interrupt", `r = catch(block)`, func(cancel context.CancelFunc) runtime.Options {
			return runtime.Options{Predeclared: starlark.StringDict{"block": blockingBuiltin(cancel)}}
		}, exitcode.Interrupted, "block: interrupted"},
		{"interrupt under retry", `r = retry(block)`, func(cancel context.CancelFunc) runtime.Options {
			return runtime.Options{Predeclared: starlark.StringDict{"block": blockingBuiltin(cancel)}}
		}, exitcode.Interrupted, "block: interrupted"},
		{"run timeout", `r = catch(block)`, func(context.CancelFunc) runtime.Options {
			return runtime.Options{Timeout: 20 * time.Millisecond, Predeclared: starlark.StringDict{"block": blockingBuiltin(nil)}}
		}, exitcode.Timeout, "block: the run's --timeout of 20ms ran out"},
		{"step limit", `r = catch(spin)`, func(context.CancelFunc) runtime.Options {
			return runtime.Options{MaxSteps: 10_000}
		}, exitcode.Failed, "exceeded 10000 execution steps"},
		{"step limit under retry", `r = retry(spin, backoff = "0s")`, func(context.CancelFunc) runtime.Options {
			return runtime.Options{MaxSteps: 10_000}
		}, exitcode.Failed, "exceeded 10000 execution steps"},
		{"memory limit", `r = catch(hoard)`, func(context.CancelFunc) runtime.Options {
			return runtime.Options{MaxSteps: 1 << 62, MaxMemory: 32 << 20}
		}, exitcode.Failed, "exceeded 32 MiB of memory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			opts := tt.opts(cancel)
			pre := builtins.Predeclared(&builtins.Env{})
			for k, v := range opts.Predeclared {
				pre[k] = v
			}
			opts.Predeclared = pre
			src := `def spin():
    n = 0
    while True:
        n += 1

def hoard():
    h = []
    while True:
        h.append("x" * 4096)

def main():
    ` + tt.body + after
			out, err := runMain(t, src, opts, ctx)
			if err == nil {
				t.Fatalf("the run went on: %q", out)
			}
			if strings.Contains(out, "after") {
				t.Errorf("code after the call ran: %q", out)
			}
			re, ok := err.(*runtime.Error)
			if !ok {
				t.Fatalf("error %T %v, want a *runtime.Error", err, err)
			}
			if re.ExitCode() != tt.code || !strings.Contains(re.Msg, tt.want) {
				t.Errorf("exit %d %q, want exit %d with %q", re.ExitCode(), re.Msg, tt.code, tt.want)
			}
		})
	}
}

// TestRetry checks that retry calls again on the run's clock, backing off,
// and gives up with the last error.
func TestRetry(t *testing.T) {
	tests := []struct {
		name, src, want string
		wantErr         string
	}{
		{"succeeds on the third attempt", `calls = []
def flaky():
    calls.append(time.now())
    if len(calls) < 3:
        fail("not yet")
    return "done"
print(retry(flaky, attempts = 3, backoff = "10s"), [str(calls[i] - calls[0]) for i in range(3)])`,
			`done ["0s", "10s", "30s"]`, ""},
		{"max_backoff caps the wait", `calls = []
def flaky():
    calls.append(time.now())
    if len(calls) < 4:
        fail("not yet")
print([str(calls[i] - calls[i - 1]) for i in range(1, 4)] if retry(flaky, attempts = 4, backoff = "1m", max_backoff = "90s") == None else "")`,
			`["1m0s", "1m30s", "1m30s"]`, ""},
		{"gives up with the last error", `n = [0]
def always():
    n[0] += 1
    fail("attempt", n[0])
retry(always, attempts = 2, backoff = "1s")`, "", "retry: gave up after 2 attempts: fail: attempt 2"},
		{"when says no", `n = [0]
def f():
    n[0] += 1
    fail("permanent")
r = catch(retry, f, when = lambda e: "transient" in e.message)
print(n[0], r.error.message)`, "1 fail: permanent", ""},
		{"argument errors are not retried", `n = [0]
def f():
    n[0] += 1
    chunks([1], 0)
r = catch(retry, f)
print(n[0], r.error.kind)`, "1 argument", ""},
		{"attempts bounds", `retry(lambda: 1, attempts = 0)`, "", `retry: parameter "attempts": want an int from 1 to 100, got int 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newSimWorld(t, "")
			src := "def main():\n    " + strings.ReplaceAll(tt.src, "\n", "\n    ") + "\n"
			out, err := runMain(t, src, runtime.Options{Predeclared: w.pre}, context.Background())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("run failed: %v", err)
			}
			if got := strings.TrimSpace(out); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestRunbookModeAndPlannedLogs checks runbook_mode() in each mode, and
// that log lines made while planning say so.
func TestRunbookModeAndPlannedLogs(t *testing.T) {
	for _, tt := range []struct{ mode, want string }{{"", "live"}, {"plan", "plan"}, {"test", "test"}} {
		t.Run(tt.want, func(t *testing.T) {
			w := newSimWorld(t, tt.mode)
			out, err := runMain(t, "def main():\n    print(runbook_mode())\n    log.info(\"restarting\", server = \"web-01\")\n",
				runtime.Options{Predeclared: w.pre}, context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(out); got != tt.want {
				t.Errorf("runbook_mode() = %s, want %s", got, tt.want)
			}
			planned := strings.Contains(w.logs.String(), "planned=true")
			if planned != (tt.want == "plan") {
				t.Errorf("log line %q: marked planned = %v, want %v", w.logs.String(), planned, tt.want == "plan")
			}
		})
	}
}

// driftLike is an error that must stop the run, as an apply's drift from
// its plan does.
type driftLike struct{}

func (driftLike) Error() string     { return "drift: the runbook sent what the plan did not hold" }
func (driftLike) Uncatchable() bool { return true }

func TestCatchDoesNotCatchUncatchableErrors(t *testing.T) {
	pre := builtins.Predeclared(&builtins.Env{})
	pre["drift"] = starlark.NewBuiltin("drift", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
		return nil, fmt.Errorf("compute.jobs.create: %w", driftLike{})
	})
	for _, call := range []string{"catch(drift)", "retry(drift)"} {
		out, err := runMain(t, "def main():\n    r = "+call+"\n    print(\"after\")\n", runtime.Options{Predeclared: pre}, context.Background())
		if err == nil || !strings.Contains(err.Error(), "drift:") || strings.Contains(out, "after") {
			t.Errorf("%s: error %v, output %q; want the drift to stop the run", call, err, out)
		}
	}
}
