package cli

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"glrun/glapi/sim"
)

// glrunCmd returns glrun (this test binary acting as it) with args, in an
// environment holding only the simulator's demo credentials besides the
// process's own (no GREENLAKE_* or GLRUN_PROFILE of the tester's), with
// its output in out.
func glrunCmd(t *testing.T, out *bytes.Buffer, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GREENLAKE_") && !strings.HasPrefix(kv, "GLRUN_") && !strings.HasPrefix(kv, "XDG_CONFIG_HOME=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env,
		"GREENLAKE_CLIENT_ID="+sim.DemoClientID,
		"GREENLAKE_CLIENT_SECRET="+sim.DemoClientSecret,
		"XDG_CONFIG_HOME="+t.TempDir(),
		execArgsEnv+"="+strings.Join(args, "\x1f"))
	cmd.Stdout, cmd.Stderr = out, out
	return cmd
}

// TestKill9ThenResume runs the test runbook as a real process against
// 'glrun sim serve' in another process, kills it with SIGKILL at a random
// moment (seeded), resumes it with 'glrun resume' (no id: the latest run
// started here) and kills that too, three kills in all, then lets a last
// resume finish. The simulator's request log must show each change once:
// two job creations and one invitation.
func TestKill9ThenResume(t *testing.T) {
	t.Parallel()
	logPath := filepath.Join(t.TempDir(), "requests.jsonl")
	base := startSimServe(t, "--time-scale", "60", "--request-log", logPath)
	state := t.TempDir()
	seed := uint64(2026)
	if v, err := strconv.ParseUint(os.Getenv("GLRUN_TEST_KILL_SEED"), 10, 64); err == nil {
		seed = v // to try other moments: GLRUN_TEST_KILL_SEED=N go test -run Kill9 ./cli
	}
	rng := rand.New(rand.NewPCG(seed, 12))
	const kills = 3
	started := false // a run exists to resume
	for i := 0; i < kills; i++ {
		args := []string{"resume", "--state-dir", state}
		if !started {
			args = []string{"run", "--base-url", base, "--state-dir", state, resumeRunbook}
		}
		var out bytes.Buffer
		cmd := glrunCmd(t, &out, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(30+rng.IntN(1800)) * time.Millisecond
		timer := time.AfterFunc(delay, func() { _ = cmd.Process.Kill() })
		err := cmd.Wait()
		timer.Stop()
		if err == nil {
			t.Logf("kill %d: %s finished before the kill at %s", i+1, args[0], delay)
			break
		}
		t.Logf("kill %d: %s killed after %s", i+1, args[0], delay)
		runs, _ := os.ReadDir(state)
		started = len(runs) > 0
	}
	var out bytes.Buffer
	args := []string{"resume", "--state-dir", state}
	if !started {
		args = []string{"run", "--base-url", base, "--state-dir", state, resumeRunbook}
	}
	if err := glrunCmd(t, &out, args...).Run(); err != nil && !strings.Contains(out.String(), "no run to resume") {
		t.Fatalf("the last %s: %v\n%s", args[0], err, out.String())
	}

	var runs []struct {
		Status string `json:"status"`
	}
	out.Reset()
	if err := glrunCmd(t, &out, "runs", "--state-dir", state, "-o", "json").Run(); err != nil {
		t.Fatalf("glrun runs: %v\n%s", err, out.String())
	}
	if err := json.Unmarshal(out.Bytes(), &runs); err != nil || len(runs) != 1 || runs[0].Status != "finished" {
		t.Errorf("glrun runs -o json: %v, want one finished run (%v)\n%s", runs, err, out.String())
	}
	got := changes(requestLog(t, logPath, 0))
	if got["POST /compute-ops-mgmt/v1/jobs"] != 2 || got["POST /identity/v1/users"] != 1 || len(got) != 2 {
		t.Errorf("the simulator received %v; want two job creations and one invitation, each once", got)
	}
}
