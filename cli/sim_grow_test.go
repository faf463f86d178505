package cli

import (
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/exitcode"
	"glrun/glapi/sim"
)

func TestSimServeRefusesBadGrowth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--servers", "-1"}, "--servers must be between 0 and 100000, got -1"},
		{[]string{"--jobs", "5000000"}, "--jobs must be between 0 and 1000000, got 5000000"},
		{[]string{"--jobs", "many"}, `invalid argument "many" for "--jobs"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := glrunSim(t, nil, append([]string{"sim", "serve", "--addr", "127.0.0.1:0"}, tc.args...)...)
			if r.code != exitcode.Usage || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d saying %q", r.code, r.stderr, exitcode.Usage, tc.want)
			}
		})
	}
}

func TestSimGrowthAddsServersAndJobs(t *testing.T) {
	t.Parallel()
	s := sim.New(sim.Options{Clock: clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	lab, jobs := len(s.GroupServerIDs("lab")), len(s.Jobs())
	g := simGrowth{servers: 188, jobs: 1000}
	if err := g.apply(s); err != nil {
		t.Fatal(err)
	}
	if got := len(s.GroupServerIDs("lab")); got != lab+188 {
		t.Errorf("lab has %d servers, want %d", got, lab+188)
	}
	if got := len(s.Jobs()); got != jobs+1000 {
		t.Errorf("the simulator has %d jobs, want %d", got, jobs+1000)
	}
}
