package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"glrun/glapi/sim"
)

// execArgsEnv, when set in the environment, makes the test binary act as
// the glrun command with these arguments (separated by \x1f), so tests can
// start 'glrun sim serve' in a real separate process without building it.
const execArgsEnv = "GLRUN_TEST_EXEC_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(execArgsEnv); args != "" {
		os.Exit(Main(strings.Split(args, "\x1f"), os.Stdin, os.Stdout, os.Stderr))
	}
	// Live runs journal under $XDG_STATE_HOME: never the tester's own.
	state, err := os.MkdirTemp("", "glrun-test-state-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_STATE_HOME", state)
	code := m.Run()
	os.RemoveAll(state)
	os.Exit(code)
}

// glrunProcess starts glrun with args in a separate process and returns it
// with a scanner over its standard output. The process is interrupted when
// the test ends.
func glrunProcess(t *testing.T, args ...string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), execArgsEnv+"="+strings.Join(args, "\x1f"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	return cmd, bufio.NewScanner(stdout)
}

// startSimServe starts 'glrun sim serve' in its own process on a free
// loopback port and returns its base URL.
func startSimServe(t *testing.T, extra ...string) string {
	t.Helper()
	args := append([]string{"sim", "serve", "--addr", "127.0.0.1:0"}, extra...)
	_, out := glrunProcess(t, args...)
	for out.Scan() {
		line := out.Text()
		if rest, ok := strings.CutPrefix(line, "glrun simulator listening on "); ok {
			go func() {
				for out.Scan() {
				}
			}()
			return strings.TrimSpace(rest)
		}
	}
	t.Fatalf("glrun sim serve did not say where it listens: %v", out.Err())
	return ""
}

// The example runbooks run against 'glrun sim serve' in another process,
// over real HTTP with a real token exchange, through --base-url and the
// demo credentials — as an operator would run them against GreenLake.
func TestRunbooksAgainstSimServeInAnotherProcess(t *testing.T) {
	t.Parallel()
	logPath := filepath.Join(t.TempDir(), "requests.jsonl")
	base := startSimServe(t, "--time-scale", "1200", "--request-log", logPath)
	env := demoEnv(t)

	runs := [][]string{
		{"../runbooks/power_cycle.star", "group=prod-db", "batch=11", "poll=1s"},
		{"../runbooks/firmware_update.star", "group=lab", "batch=5", "poll=1s"},
		{"../runbooks/onboard_user.star", "email=process.test@example.com"},
		{"../runbooks/offboard_user.star", "email=process.test@example.com"},
		{"../runbooks/failed_jobs.star", "days=2"},
	}
	for _, run := range runs {
		name := filepath.Base(run[0])
		args := append([]string{"run", "--base-url", base}, run...)
		r := glrunEnv(t, nil, env, args...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d\n%s", name, r.code, r.stderr)
		}
		if !strings.Contains(r.stderr, "done in") {
			t.Errorf("%s: no closing summary:\n%s", name, r.stderr)
		}
	}

	// The simulator's own log shows the token exchange and the changes.
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	var tokens, jobs, invites, deletes int
	for _, e := range requestLog(t, logPath, 0) {
		switch {
		case e.Path == "/as/token.oauth2":
			tokens++
		case e.Method == "POST" && e.Path == "/compute-ops-mgmt/v1/jobs":
			jobs++
		case e.Method == "POST" && e.Path == "/identity/v1/users":
			invites++
		case e.Method == "DELETE":
			deletes++
		}
	}
	if tokens != len(runs) {
		t.Errorf("%d token exchanges, want one per run (%d)", tokens, len(runs))
	}
	if jobs < 3 || invites != 1 || deletes != 2 {
		t.Errorf("request log: %d job creations, %d invitations, %d deletions; want >= 3, 1, 2", jobs, invites, deletes)
	}
	if strings.Contains(string(data), sim.DemoClientSecret) {
		t.Error("the request log holds the client secret")
	}
}

// requestLog reads the request log 'glrun sim serve' writes, from line
// `from` on.
func requestLog(t *testing.T, path string, from int) []sim.LogEntry {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []sim.LogEntry
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if i < from || line == "" {
			continue
		}
		var e sim.LogEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("request log line %q: %v", line, err)
		}
		out = append(out, e)
	}
	return out
}

// changesIn are the changes among entries: not reads, not the token
// exchange, not a dry-run=true validation.
func changesIn(entries []sim.LogEntry) []sentChange {
	return sentChanges(result{requests: entries})
}

// onboard_server against 'glrun sim serve' in another process, through
// --base-url: it does and reports every step, and a second run changes
// nothing. Plan, show and apply of another server: the apply sends exactly
// the plan's changes. Each part has a simulator process of its own, so the
// two run side by side (the runbook's waits are on the wall clock).
func TestOnboardServerAgainstSimServeInAnotherProcess(t *testing.T) {
	t.Parallel()
	env := demoEnv(t)
	serve := func(t *testing.T) (base, logPath string) {
		logPath = filepath.Join(t.TempDir(), "requests.jsonl")
		// Simulated time runs fast (the runbook looks at a device operation
		// every op_poll of wall time), but not so fast that an operation
		// expires (24 simulated hours after it ended) between two looks.
		return startSimServe(t, "--time-scale", "10000", "--request-log", logPath), logPath
	}
	onboard := func(serial string) []string {
		return []string{"../runbooks/onboard_server.star", "serial=" + serial, "part=P52534-B21", "group=lab", "poll=1s", "op_poll=1s"}
	}

	t.Run("run twice", func(t *testing.T) {
		t.Parallel()
		base, logPath := serve(t)
		run := func() (map[string]any, []sim.LogEntry) {
			t.Helper()
			before := len(requestLog(t, logPath, 0))
			r := glrunEnv(t, nil, env, append([]string{"run", "--base-url", base, "-o", "json"}, onboard("CZ2401ONB1")...)...)
			if r.code != 0 {
				t.Fatalf("onboard_server: exit %d\n%s", r.code, r.stderr)
			}
			var rep struct {
				Status string         `json:"status"`
				Result map[string]any `json:"result"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.Status != statusOK {
				t.Fatalf("run report: %v, status %q\n%s", err, rep.Status, r.stdout)
			}
			return rep.Result, requestLog(t, logPath, before)
		}
		first, sent := run()
		wantSteps := []string{"add to the workspace", "assign to Compute Ops Management", "subscribe",
			"appear in Compute Ops Management", "add to group lab", "update to the group's firmware baseline", "power on", "mark as onboarded"}
		steps, _ := first["steps"].([]any)
		var got []string
		for _, st := range steps {
			if m, ok := st.(map[string]any); ok {
				got = append(got, fmt.Sprint(m["step"]))
			}
		}
		if strings.Join(got, "|") != strings.Join(wantSteps, "|") {
			t.Errorf("steps reported:\n %q\nwant\n %q", got, wantSteps)
		}
		if changed, _ := first["changed"].([]any); len(changed) != len(wantSteps)-1 { // appearing in COM is not a change of the run's
			t.Errorf("first run changed %v, want every step but the wait", changed)
		}
		if n := len(changesIn(sent)); n != 7 {
			t.Errorf("first run: the simulator received %d changes, want 7: %v", n, changesIn(sent))
		}
		second, sent := run()
		if changed, _ := second["changed"].([]any); len(changed) != 0 {
			t.Errorf("second run changed %v, want nothing", changed)
		}
		if c := changesIn(sent); len(c) != 0 {
			t.Errorf("second run sent changes: %v", c)
		}
	})

	t.Run("plan show apply", func(t *testing.T) {
		t.Parallel()
		base, logPath := serve(t)
		out := filepath.Join(t.TempDir(), "onboard.plan.json")
		r := glrunEnv(t, nil, env, append(append([]string{"plan", "--base-url", base}, onboard("CZ2401ONB2")...), "--out", out)...)
		if r.code != 0 {
			t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
		}
		if c := changesIn(requestLog(t, logPath, 0)); len(c) != 0 {
			t.Fatalf("planning sent changes: %v", c)
		}
		p := readPlan(t, out)
		if len(p.Mutations) != 7 {
			t.Fatalf("%d planned changes, want 7", len(p.Mutations))
		}
		show := glrunEnv(t, nil, env, "show", out)
		if show.code != 0 || !strings.Contains(show.stdout+show.stderr, "CZ2401ONB2") {
			t.Errorf("show: exit %d\n%s%s", show.code, show.stdout, show.stderr)
		}
		before := len(requestLog(t, logPath, 0))
		a := glrunEnv(t, nil, env, "apply", "--base-url", base, out)
		if a.code != 0 {
			t.Fatalf("apply: exit %d\n%s", a.code, a.stderr)
		}
		if diff := cmp.Diff(plannedChanges(p, nil), changesIn(requestLog(t, logPath, before))); diff != "" {
			t.Errorf("apply against sim serve sent other changes than planned (-planned +sent):\n%s", diff)
		}
	})
}
