package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// glrunExec runs glrun with args in a separate process (the test binary,
// see TestMain) and returns it started, with its standard error as lines.
func glrunExec(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer, <-chan string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), execArgsEnv+"="+strings.Join(args, "\x1f"))
	stdout := new(bytes.Buffer)
	cmd.Stdout = stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd, stdout, lines
}

// await reads lines until one contains want, and returns what it read.
func await(t *testing.T, lines <-chan string, want string) string {
	t.Helper()
	var seen strings.Builder
	timeout := time.After(time.Minute)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("glrun ended before printing %q:\n%s", want, seen.String())
			}
			seen.WriteString(line + "\n")
			if strings.Contains(line, want) {
				return seen.String()
			}
		case <-timeout:
			t.Fatalf("glrun did not print %q within a minute:\n%s", want, seen.String())
		}
	}
}

// rest returns every line left, once the process ended.
func rest(lines <-chan string) string {
	var b strings.Builder
	for line := range lines {
		b.WriteString(line + "\n")
	}
	return b.String()
}

// A second Ctrl-C while the runbook is inside a long builtin (a sort of
// eight million items, which no cancellation reaches) ends glrun at once
// with exit 130, and still says what the run did and which jobs go on in
// GreenLake without it.
func TestSecondInterruptExitsAtOnceWithWhatIsInFlight(t *testing.T) {
	cmd, stdout, lines := glrunExec(t, "run", "--sim", "testdata/stuck/long_sort.star")
	await(t, lines, "sorting")
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	await(t, lines, "interrupt: stopping")
	sent := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	took := time.Since(sent)
	stderr := rest(lines)
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("exit %d (%v), want 130\nstderr:\n%s", code, err, stderr)
	}
	for _, want := range []string{
		"long_sort.star interrupted after",
		"2 API requests, 1 change (POST /compute-ops-mgmt/v1/jobs ×1)",
		"1 job(s) still in flight in GreenLake (not cancelled by glrun)",
		"glrun: interrupted again: exiting now",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if stdout.Len() != 0 {
		t.Errorf("the sort finished (stdout %q): the second interrupt did not end the run", stdout)
	}
	t.Logf("exited %s after the second interrupt", took)
}

// One step that builds gigabytes out of a few kilobytes (the repr of shared
// lists, logged) is stopped by the memory watchdog even though the step never
// ends: glrun exits 1 with its report (-o json too) instead of growing
// until the system kills it.
func TestMemoryLimitStopsOneHugeStep(t *testing.T) {
	cmd, stdout, lines := glrunExec(t, "run", "--sim", "-o", "json", "--max-memory", "64MiB", "testdata/stuck/log_shared.star")
	err := cmd.Wait()
	stderr := rest(lines)
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("exit %d (%v), want 1\nstderr:\n%s", code, err, stderr)
	}
	for _, want := range []string{
		"log_shared.star failed after",
		"glrun: log_shared.star: runbook exceeded 64 MiB of memory; raise --max-memory (stopped inside one operation that could not be interrupted)",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	var report struct {
		Status   string `json:"status"`
		ExitCode int    `json:"exitCode"`
		Error    string `json:"error"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, stdout)
	}
	if report.Status != "failed" || report.ExitCode != 1 || !strings.Contains(report.Error, "exceeded 64 MiB of memory") {
		t.Errorf("report %+v, want failed, 1, over 64 MiB", report)
	}
	// The string would be 10 GB; the process stopped well before.
	if rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10; rss > 1<<30 {
		t.Errorf("the process grew to %d MiB", rss>>20)
	}
}
