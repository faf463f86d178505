package cli

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/exitcode"
	"glrun/glapi/sim"
)

// ptyJobBar matches a job's bar on the screen and captures its server.
var ptyJobBar = regexp.MustCompile(`^[A-Z/]+( +[0-9]+%)? +[0-9hms.]+ +\[[=>-]{18}\] job [0-9a-f]{8} \(Server Restart on (prod-web-\d\d)\)`)

// TestProgressEndsCleanlyOnEveryExit runs power_cycle.star with live bars
// on a pseudo-terminal and stops it while six restart jobs run: by Ctrl-C,
// by the run's --timeout, and by a job that fails. Whatever stopped it, the
// screen it leaves shows each job's bar exactly once, the bars of the batch
// in the order the jobs were started (when they stopped together), and
// the run's report after them, with no bar drawn again below it.
func TestProgressEndsCleanlyOnEveryExit(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	cases := []struct {
		name    string
		flags   []string
		clk     func(interrupt context.CancelFunc) clock.Clock
		failJob bool
		code    int
		ordered bool // the bars stopped together: in the order started
	}{
		{"interrupt", nil, func(interrupt context.CancelFunc) clock.Clock {
			return &cancelClock{Virtual: clock.NewVirtual(relStart), at: relStart.Add(30 * time.Second), cancel: interrupt}
		}, false, exitcode.Interrupted, true},
		{"timeout", []string{"--timeout", "1s"}, func(context.CancelFunc) clock.Clock {
			return &stallClock{Virtual: clock.NewVirtual(relStart), at: relStart.Add(30 * time.Second)}
		}, false, exitcode.Timeout, true},
		{"failure", nil, func(context.CancelFunc) clock.Clock {
			return clock.NewVirtual(relStart)
		}, true, exitcode.Failed, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tty, screen := ptyScreen(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			notices := newNoticeWriter(tty)
			interrupt := func() { interruptNotice(notices, 1, cancel, nil) } // what Main does on Ctrl-C
			s := sim.New(sim.Options{Clock: tc.clk(interrupt), TokenClock: clock.NewVirtual(relStart)})
			if tc.failJob {
				if err := s.FailNextJob("restart"); err != nil {
					t.Fatal(err)
				}
			}
			args := append(append([]string{"run", "--sim"}, tc.flags...), "../runbooks/power_cycle.star", "group=prod-web", "batch=6")
			var out bytes.Buffer
			code := Execute(ctx, args, streams{in: strings.NewReader(""), out: &out, err: tty, sim: s, notices: notices})
			tty.Close()
			raw := <-screen
			lines := emulateScreen(raw)
			text := strings.Join(lines, "\n")
			if code != tc.code {
				t.Fatalf("exit %d, want %d; screen:\n%s", code, tc.code, text)
			}
			var servers []string
			seen := map[string]int{}
			report := -1
			for i, line := range lines {
				if m := ptyJobBar.FindStringSubmatch(line); m != nil {
					if report >= 0 {
						t.Errorf("a bar drawn after the report: %q", line)
					}
					servers = append(servers, m[2])
					seen[m[2]]++
				}
				if report < 0 && strings.HasPrefix(line, "glrun: power_cycle.star ") {
					report = i
				}
			}
			if len(seen) != 6 {
				t.Errorf("bars of %d jobs on the screen, want the 6 of the batch:\n%s", len(seen), text)
			}
			for server, n := range seen {
				if n != 1 {
					t.Errorf("the bar of %s is on the screen %d times, want once:\n%s", server, n, text)
				}
			}
			if tc.ordered {
				want := []string{"prod-web-01", "prod-web-02", "prod-web-03", "prod-web-04", "prod-web-05", "prod-web-06"}
				if strings.Join(servers, ",") != strings.Join(want, ",") {
					t.Errorf("bars in the order %v, want the order the jobs were started:\n%s", servers, text)
				}
			}
			if report < 0 {
				t.Errorf("no report on the screen:\n%s", text)
			}
			if tc.code == exitcode.Interrupted {
				n := 0
				for i, line := range lines {
					if line == interruptMessage {
						n++
						if report >= 0 && i > report {
							t.Errorf("the interrupt notice comes after the report:\n%s", text)
						}
					}
				}
				if n != 1 {
					t.Errorf("the interrupt notice is on the screen %d times as a whole line, want once:\n%s", n, text)
				}
			}
		})
	}
}
