package cli

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var e sim.LogEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("request log line %q: %v", line, err)
		}
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
