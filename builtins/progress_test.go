package builtins

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
)

// ansiRE matches the cursor movements the display writes.
var ansiRE = regexp.MustCompile(`\x1b\[[0-9]*[A-Za-z]`)

// screenLines splits what a display wrote into lines, without escapes.
func screenLines(out string) []string {
	return strings.Split(strings.TrimSuffix(ansiRE.ReplaceAllString(out, ""), "\n"), "\n")
}

// barLine matches one bar: state, elapsed, the bar, the label.
var barLine = regexp.MustCompile(`^[A-Z_/]+( +[0-9]+%)? +[0-9hms]+ +\[[=>-]+\] job `)

func job(id, state string) glapi.Object {
	return glapi.Object{"id": id, "state": state, "jobTemplate": "30110551-cad6-4069-95b8-dbce9bbd8525",
		"resource": map[string]any{"id": "srv-" + id, "type": glapi.ResourceServer}}
}

func jobKind() waitKind {
	return waitKind{finished: jobFinished, label: jobLabel, state: jobState}
}

// TestDisplayLogsAboveBars: a log line written while bars are shown appears
// whole, on its own line above the bars, and every other line is a bar.
func TestDisplayLogsAboveBars(t *testing.T) {
	clk := clock.NewVirtual(testEpoch)
	var term bytes.Buffer
	d := NewDisplay(&term)
	p := newBarProgress(d, clk, jobKind(), clk.Now())
	p.show([]glapi.Object{job("a", "PENDING"), job("b", "RUNNING")}, clk.Now())
	const logLine = `time=03:00:05 level=INFO msg="restarting batch 2 of 3" servers="prod-web-05, prod-web-06"`
	if _, err := d.Write([]byte(logLine + "\n")); err != nil {
		t.Fatal(err)
	}
	clk.Advance(5 * time.Second)
	p.show([]glapi.Object{job("a", "COMPLETE"), job("b", "RUNNING")}, clk.Now())
	p.close()

	seen := 0
	for _, line := range screenLines(term.String()) {
		switch {
		case line == logLine:
			seen++
		case barLine.MatchString(line):
		default:
			t.Errorf("line is neither a bar nor the log line: %q", line)
		}
	}
	if seen != 1 {
		t.Errorf("the log line appears %d times, want 1:\n%q", seen, term.String())
	}
	if !strings.Contains(term.String(), "COMPLETE  5s") {
		t.Errorf("the last frame lacks a's final state:\n%q", term.String())
	}
	// Once no wait shows bars, logs go straight to the terminal.
	term.Reset()
	if _, err := d.Write([]byte("after\n")); err != nil || term.String() != "after\n" {
		t.Errorf("a log without bars wrote %q, %v; want it as is", term.String(), err)
	}
}

// TestDisplaySharedByConcurrentWaits: two waits at once (parallel.map) draw
// their bars in one block on one display, and the display ends with them.
func TestDisplaySharedByConcurrentWaits(t *testing.T) {
	clk := clock.NewVirtual(testEpoch)
	var term bytes.Buffer
	d := NewDisplay(&term)
	p1 := newBarProgress(d, clk, jobKind(), clk.Now())
	p2 := newBarProgress(d, clk, jobKind(), clk.Now())
	var wg sync.WaitGroup
	for i, p := range []*barProgress{p1, p2} {
		wg.Go(func() {
			id := string(rune('a' + 2*i))
			p.show([]glapi.Object{job(id, "RUNNING"), job(id+"2", "RUNNING")}, clk.Now())
		})
	}
	wg.Wait()
	p1.show([]glapi.Object{job("a", "COMPLETE"), job("a2", "COMPLETE")}, clk.Now())
	p1.close()
	if d.p == nil {
		t.Fatal("the display shut down while another wait still shows bars")
	}
	p2.show([]glapi.Object{job("c", "ERROR"), job("c2", "COMPLETE")}, clk.Now())
	p2.close()
	if d.p != nil {
		t.Error("the display still runs after the last wait ended")
	}
	out := term.String()
	if !strings.Contains(out, "\x1b[4A\x1b[J") {
		t.Errorf("the four bars were never redrawn together:\n%q", out)
	}
	for _, want := range []string{"job a (", "job a2 (", "job c (", "job c2 (", "ERROR"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%q", want, out)
		}
	}
}

// TestBarsEndOnTimeout: a wait that times out leaves its bars where they
// were (no hang, no bar left running) and the display stops.
func TestBarsEndOnTimeout(t *testing.T) {
	clk := clock.NewVirtual(testEpoch)
	var term bytes.Buffer
	env := &Env{Clock: clk, Progress: NewDisplay(&term)}
	sk := &scriptedKind{clk: clk, script: map[string][]step{"a": {{0, "RUNNING", glapi.Object{"progressPercent": 30}}}}}
	_, err := waitFor(context.Background(), env, sk.kind(), ids("a"), waitOptions{what: "w", timeout: time.Minute, poll: 10 * time.Second})
	var wt *WaitTimeoutError
	if !errors.As(err, &wt) {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if env.Progress.p != nil {
		t.Error("the display still runs after the wait timed out")
	}
	lines := screenLines(term.String())
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "RUNNING  30%  1m0s") {
		t.Errorf("last line %q, want the job's last state, percent and elapsed time", last)
	}
}

// TestFitLabel: labels are cut to the room left, never below 10 runes.
func TestFitLabel(t *testing.T) {
	tests := []struct {
		label string
		width int
		want  string
	}{
		{"job a (Server Restart on x)", 80, "job a (Server Restart on x)"},
		{"job a (Server Restart on x)", 12, "job a (Serv…"},
		{"job a (Server Restart on x)", 2, "job a (Se…"},
		{"job é (ünïcode)", 8, "job é (ün…"},
	}
	for _, tc := range tests {
		if got := fitLabel(tc.label, tc.width); got != tc.want {
			t.Errorf("fitLabel(%q, %d) = %q, want %q", tc.label, tc.width, got, tc.want)
		}
	}
}
