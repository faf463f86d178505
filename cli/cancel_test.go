package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"glrun/clock"
	"glrun/exitcode"
	"glrun/glapi/sim"
)

// cancelClock is a virtual clock that interrupts the run (as Ctrl-C does)
// once a sleep has carried the simulated time past at.
type cancelClock struct {
	*clock.Virtual
	at     time.Time
	cancel context.CancelFunc
	once   sync.Once
}

// Sleep advances the time; when it reaches at, the run is interrupted.
func (c *cancelClock) Sleep(ctx context.Context, d time.Duration) error {
	err := c.Virtual.Sleep(ctx, d)
	if !c.Now().Before(c.at) {
		c.once.Do(c.cancel)
	}
	return err
}

// TestInterruptStopsTheRunWithASummary interrupts a run during a job wait,
// during a retry's backoff and during a tight loop: each ends with exit
// 130 and a report saying what was done and which jobs are still running.
// The interrupt comes from the virtual clock, so no test sleeps; the tight
// loop runs with a step limit it could not reach for minutes, so only the
// interrupt can have stopped it.
func TestInterruptStopsTheRunWithASummary(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		faults   string
		after    time.Duration
		args     []string
		inFlight bool // jobs were running when the run stopped
	}{
		{"during a wait", "", 30 * time.Second,
			[]string{"../runbooks/power_cycle.star", "group=prod-web", "batch=16"}, true},
		{"during a backoff", "429=1,seed=3", time.Second,
			[]string{"../runbooks/failed_jobs.star"}, false},
		{"during a tight loop", "", time.Second,
			[]string{"--max-steps", "1000000000000", "testdata/reliability/tight_loop.star"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := sim.ParseFaults(tc.faults)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			clk := &cancelClock{Virtual: clock.NewVirtual(relStart), at: relStart.Add(tc.after), cancel: cancel}
			s := sim.New(sim.Options{Clock: clk, TokenClock: clock.NewVirtual(relStart), Faults: f})
			var out, errb bytes.Buffer
			args := append([]string{"run", "-o", "json", "--sim"}, tc.args...)
			code := Execute(ctx, args, streams{in: strings.NewReader(""), out: &out, err: &errb, sim: s})
			if code != exitcode.Interrupted {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", code, exitcode.Interrupted, errb.String())
			}
			var rr runReport
			if err := json.Unmarshal(out.Bytes(), &rr); err != nil {
				t.Fatalf("stdout is not the JSON report: %v\n%s", err, out.String())
			}
			if rr.Status != statusInterrupted || rr.ExitCode != exitcode.Interrupted {
				t.Errorf("report status %q exit %d, want interrupted 130", rr.Status, rr.ExitCode)
			}
			if !strings.Contains(errb.String(), "interrupted after") {
				t.Errorf("stderr should summarize the interrupted run:\n%s", errb.String())
			}
			if tc.inFlight {
				if len(rr.Jobs) == 0 || len(rr.InFlight) == 0 {
					t.Fatalf("report should list the jobs and those in flight: %+v", rr)
				}
				if !strings.Contains(errb.String(), "still in flight") || !strings.Contains(errb.String(), rr.InFlight[0]) {
					t.Errorf("stderr should name the jobs still running:\n%s", errb.String())
				}
				if rr.Changes != len(rr.Jobs) {
					t.Errorf("report: %d changes for %d jobs", rr.Changes, len(rr.Jobs))
				}
			} else if len(rr.InFlight) != 0 {
				t.Errorf("no job was started, yet the report says %v are in flight", rr.InFlight)
			}
		})
	}
}
