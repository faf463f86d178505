package progress

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/wait"
)

// TestRunningJobsShowTheirPhaseAndProgress: while a job runs, its bar and
// its log lines say what it is doing (its status) and how far it is (the
// progressPercent of its statusDetails), and its bar moves; once finished,
// the phase goes.
func TestRunningJobsShowTheirPhaseAndProgress(t *testing.T) {
	script := map[string][]step{
		"a": {
			{At: 0, State: "PENDING", Extra: glapi.Object{"status": "Pending"}},
			{At: 5 * time.Second, State: "RUNNING", Extra: glapi.Object{"status": "Staging firmware", "statusDetails": map[string]any{"progressPercent": 20}}},
			{At: 10 * time.Second, State: "RUNNING", Extra: glapi.Object{"status": "Updating server firmware", "statusDetails": map[string]any{"progressPercent": 60}}},
			{At: 15 * time.Second, State: "COMPLETE", Extra: glapi.Object{"status": "Complete", "statusDetails": map[string]any{}}},
		},
	}
	named := func(k wait.Kind) wait.Kind {
		k.Label = wait.JobLabelNamed(func(string) string { return "prod-web-01" })
		return k
	}
	t.Run("terminal", func(t *testing.T) {
		clk := clock.NewVirtual(testEpoch)
		var term bytes.Buffer
		sk := &scriptedKind{clk: clk, script: script}
		opts := wait.Options{What: "w", Timeout: time.Hour, Poll: 5 * time.Second, Clock: clk, Report: For(NewDisplay(&term), nil, clk)}
		if _, err := wait.For(context.Background(), named(sk.kind()), ids("a"), opts); err != nil {
			t.Fatal(err)
		}
		out := term.String()
		for _, want := range []string{
			// the label, cut to the 80 columns of a terminal that does
			// not say its width, ends with the phase
			"RUNNING  20%  5s  [===>", "job a (Server Restart on prod-web-01): S",
			"RUNNING  60%  12s  [==========>",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("terminal output lacks %q:\n%q", want, out)
			}
		}
		last := screenLines(out)
		if l := last[len(last)-1]; strings.Contains(l, "Updating") || !strings.Contains(l, "COMPLETE") {
			t.Errorf("the finished bar %q still shows a phase", l)
		}
	})
	t.Run("log", func(t *testing.T) {
		clk := clock.NewVirtual(testEpoch)
		var logs bytes.Buffer
		sk := &scriptedKind{clk: clk, script: script}
		opts := wait.Options{What: "w", Timeout: time.Hour, Poll: 5 * time.Second, Clock: clk,
			Report: For(nil, slog.New(slog.NewTextHandler(&logs, nil)), clk)}
		if _, err := wait.For(context.Background(), named(sk.kind()), ids("a"), opts); err != nil {
			t.Fatal(err)
		}
		got := logs.String()
		for _, want := range []string{
			`"job a (Server Restart on prod-web-01)" state=PENDING elapsed=0s` + "\n",
			`state=RUNNING elapsed=5s status="Staging firmware" progress=20%`,
			`state=RUNNING elapsed=12s status="Updating server firmware" progress=60%`,
			`state=COMPLETE elapsed=23s` + "\n",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("logs lack %q:\n%s", want, got)
			}
		}
	})
}
