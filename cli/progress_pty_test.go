package cli

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"glrun/exitcode"

	"github.com/creack/pty"
)

// ansiEscape matches the cursor movements of the progress display.
var ansiEscape = regexp.MustCompile(`\x1b\[([0-9;]*)([A-Za-z])`)

// emulateScreen replays what was written to a terminal and returns the
// lines left on it (scrollback included): text, newlines, carriage
// returns, cursor up (ESC[nA) and erase below (ESC[J), the sequences the
// display uses. A log line that a redraw overwrote is gone from the result.
func emulateScreen(raw string) []string {
	var lines []string
	row := 0
	put := func(text string) {
		for i, part := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
			if i > 0 {
				row++
			}
			for len(lines) <= row {
				lines = append(lines, "")
			}
			lines[row] += part
		}
	}
	for raw != "" {
		loc := ansiEscape.FindStringSubmatchIndex(raw)
		if loc == nil {
			put(raw)
			break
		}
		put(raw[:loc[0]])
		arg, cmd := raw[loc[2]:loc[3]], raw[loc[4]:loc[5]]
		switch cmd {
		case "A":
			n := 1
			if arg != "" {
				n, _ = strconv.Atoi(arg)
			}
			row = max(row-n, 0)
		case "J":
			if row < len(lines) {
				lines = lines[:row+1]
				lines[row] = ""
			}
		}
		raw = raw[loc[1]:]
	}
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// ptyLine patterns: what may appear on the terminal of a run with waits.
var (
	ptyBar    = regexp.MustCompile(`^(PENDING|RUNNING|COMPLETE/SUCCESS)( +[0-9]+%)? +[0-9hms.]+ +\[[=>-]{18}\] job [0-9a-f]{8} \(Server Restart on `)
	ptyLog    = regexp.MustCompile(`^time=\d\d:\d\d:\d\d level=INFO msg=(running runbook=two_groups\.star target="built-in simulator at http://127\.0\.0\.1:\d+"|restarting group=prod-(web|db) servers=3|"restarted one server of prod-(web|db)" job=[0-9a-f-]{36})$`)
	ptyReport = regexp.MustCompile(`^glrun: (two_groups\.star done in |jobs: 6 \(6 COMPLETE\))`)
)

// TestProgressOnPty runs a runbook whose two parallel workers wait for jobs
// and log at the same time, through 'glrun run --sim' with standard error
// on a pseudo-terminal. The screen it leaves (replayed by emulateScreen)
// shows bars with the jobs' states, every log line whole on its own line
// (none broken or overwritten by a bar), and nothing but bars, log lines
// and the run's report.
func TestProgressOnPty(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	tty, screen := ptyScreen(t)
	var out bytes.Buffer
	code := Execute(t.Context(), []string{"run", "--sim", "--sim-time-scale", "3000", "testdata/progress/two_groups.star"},
		streams{in: strings.NewReader(""), out: &out, err: tty})
	tty.Close()
	raw := <-screen
	if code != exitcode.OK {
		t.Fatalf("exit %d; terminal:\n%s", code, raw)
	}
	if got := strings.Join(strings.Fields(out.String()), ""); got != "[3,3]" {
		t.Errorf("stdout %q, want the result [3, 3] (bars and logs stay on standard error)", out.String())
	}

	lines := emulateScreen(raw)
	text := strings.Join(lines, "\n")
	var bars, logs int
	for _, line := range lines {
		switch {
		case ptyBar.MatchString(line):
			bars++
		case ptyLog.MatchString(line):
			logs++
		case ptyReport.MatchString(line):
		default:
			t.Errorf("broken or unexpected line on the terminal: %q", line)
		}
	}
	if logs != 9 {
		t.Errorf("%d whole log lines, want 9 (running, 2 restarting, 6 restarted)", logs)
	}
	if bars == 0 || !strings.Contains(text, "COMPLETE/SUCCESS") {
		t.Errorf("no bar reached COMPLETE/SUCCESS on the terminal:\n%s", text)
	}
	if !strings.Contains(raw, "\x1b[") {
		t.Error("the bars were never redrawn in place (no cursor movement)")
	}
}

// ptyScreen opens a 40x120 pseudo-terminal (the test is skipped where
// there is none): write to tty, close it, and screen gives everything the
// terminal received.
func ptyScreen(t *testing.T) (tty *os.File, screen <-chan string) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 120}); err != nil {
		t.Fatal(err)
	}
	out := make(chan string, 1)
	go func() {
		var b bytes.Buffer
		_, _ = io.Copy(&b, ptmx) // ends with EIO once tty is closed
		out <- b.String()
	}()
	return tty, out
}
