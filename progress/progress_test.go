package progress

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/wait"
	"glrun/glapi/wait/waittest"
)

var testEpoch = time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC)

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

func jobKind() wait.Kind {
	return wait.Kind{Finished: wait.JobFinished, Label: wait.JobLabel, State: wait.JobState}
}

// scriptedKind is a job Kind whose jobs move through states at fixed
// offsets from the start of the virtual clock, and which records when it
// was polled.
type scriptedKind struct {
	clk    *clock.Virtual
	script map[string][]step // id -> states by time
	polls  int               // number of fetches
}

// step is a job's state from an offset on.
type step = waittest.Step

func (s *scriptedKind) kind() wait.Kind {
	k := jobKind()
	k.Fetch = func(ctx context.Context, pending []glapi.Object) ([]glapi.Object, error) {
		s.polls++
		out := make([]glapi.Object, len(pending))
		for i, p := range pending {
			out[i] = waittest.Job(p.ID(), s.script[p.ID()], s.clk.Now().Sub(testEpoch))
		}
		return out, nil
	}
	return k
}

func ids(ids ...string) []glapi.Object {
	out := make([]glapi.Object, len(ids))
	for i, id := range ids {
		out[i] = glapi.Object{"id": id}
	}
	return out
}

// TestDisplayLogsAboveBars: a log line written while bars are shown appears
// whole, on its own line above the bars, and every other line is a bar.
func TestDisplayLogsAboveBars(t *testing.T) {
	clk := clock.NewVirtual(testEpoch)
	var term bytes.Buffer
	d := NewDisplay(&term)
	p := newBarProgress(d, clk, jobKind(), clk.Now())
	p.Show([]glapi.Object{job("a", "PENDING"), job("b", "RUNNING")}, clk.Now())
	const logLine = `time=03:00:05 level=INFO msg="restarting batch 2 of 3" servers="prod-web-05, prod-web-06"`
	if _, err := d.Write([]byte(logLine + "\n")); err != nil {
		t.Fatal(err)
	}
	clk.Advance(5 * time.Second)
	p.Show([]glapi.Object{job("a", "COMPLETE"), job("b", "RUNNING")}, clk.Now())
	p.Close()

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
			p.Show([]glapi.Object{job(id, "RUNNING"), job(id+"2", "RUNNING")}, clk.Now())
		})
	}
	wg.Wait()
	p1.Show([]glapi.Object{job("a", "COMPLETE"), job("a2", "COMPLETE")}, clk.Now())
	p1.Close()
	if d.p == nil {
		t.Fatal("the display shut down while another wait still shows bars")
	}
	p2.Show([]glapi.Object{job("c", "ERROR"), job("c2", "COMPLETE")}, clk.Now())
	p2.Close()
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
	d := NewDisplay(&term)
	sk := &scriptedKind{clk: clk, script: map[string][]step{"a": {{At: 0, State: "RUNNING", Extra: glapi.Object{"progressPercent": 30}}}}}
	_, err := wait.For(context.Background(), sk.kind(), ids("a"),
		wait.Options{What: "w", Timeout: time.Minute, Poll: 10 * time.Second, Clock: clk, Report: For(d, nil, clk)})
	var wt *wait.TimeoutError
	if !errors.As(err, &wt) {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if d.p != nil {
		t.Error("the display still runs after the wait timed out")
	}
	lines := screenLines(term.String())
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "RUNNING  30%  1m0s") {
		t.Errorf("last line %q, want the job's last state, percent and elapsed time", last)
	}
}

func TestWaitProgress(t *testing.T) {
	script := map[string][]step{
		"a": {{At: 0, State: "PENDING", Extra: nil}, {At: 5 * time.Second, State: "RUNNING", Extra: glapi.Object{"progressPercent": 40}}, {At: 12 * time.Second, State: "COMPLETE", Extra: nil}},
		"b": {{At: 0, State: "RUNNING", Extra: nil}, {At: 20 * time.Second, State: "COMPLETE", Extra: nil}},
	}
	t.Run("terminal draws one bar per job redrawn after every poll", func(t *testing.T) {
		clk := clock.NewVirtual(testEpoch)
		var term, logs bytes.Buffer
		report := For(NewDisplay(&term), slog.New(slog.NewTextHandler(&logs, nil)), clk)
		sk := &scriptedKind{clk: clk, script: script}
		opts := wait.Options{What: "w", Timeout: time.Hour, Poll: 5 * time.Second, Clock: clk, Report: report}
		if _, err := wait.For(context.Background(), sk.kind(), ids("a", "b"), opts); err != nil {
			t.Fatal(err)
		}
		out := term.String()
		if n := strings.Count(out, "\x1b[2A\x1b[J"); n < sk.polls-1 {
			t.Errorf("the two bars were redrawn in place %d times, want at least %d (once per poll)", n, sk.polls-1)
		}
		for _, want := range []string{"job a (Server Restart on", "PENDING  0s", "RUNNING  40%  5s", "COMPLETE  40%  12s", "job b", "COMPLETE  23s"} {
			if !strings.Contains(out, want) {
				t.Errorf("terminal output lacks %q:\n%q", want, out)
			}
		}
		if logs.Len() != 0 {
			t.Errorf("terminal progress also logged:\n%s", logs.String())
		}
	})
	t.Run("no terminal logs one line per state change", func(t *testing.T) {
		clk := clock.NewVirtual(testEpoch)
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{
			ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{}
				}
				return a
			}}))
		sk := &scriptedKind{clk: clk, script: script}
		opts := wait.Options{What: "w", Timeout: time.Hour, Poll: 5 * time.Second, Clock: clk, Report: For(nil, log, clk)}
		if _, err := wait.For(context.Background(), sk.kind(), ids("a", "b"), opts); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		want := []string{
			`level=INFO msg="job a (Server Restart on P06760-B21+2M212504P8)" state=PENDING elapsed=0s`,
			`level=INFO msg="job b (Server Restart on P06760-B21+2M212504P8)" state=RUNNING elapsed=0s`,
			`level=INFO msg="job a (Server Restart on P06760-B21+2M212504P8)" state=RUNNING elapsed=5s progress=40%`,
			`level=INFO msg="job a (Server Restart on P06760-B21+2M212504P8)" state=COMPLETE elapsed=12s progress=40%`,
			`level=INFO msg="job b (Server Restart on P06760-B21+2M212504P8)" state=COMPLETE elapsed=23s`,
		}
		if diff := cmp.Diff(want, lines); diff != "" {
			t.Errorf("log lines (-want +got):\n%s", diff)
		}
	})
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
