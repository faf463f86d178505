package cli

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
)

// relStart is when the simulated world of these tests begins.
var relStart = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// relSim is a simulator on a virtual clock (so backoff and waits take no
// wall time) injecting faults.
func relSim(t *testing.T, spec string) *sim.Sim {
	t.Helper()
	f, err := sim.ParseFaults(spec)
	if err != nil {
		t.Fatalf("ParseFaults(%q): %v", spec, err)
	}
	return sim.New(sim.Options{Clock: clock.NewVirtual(relStart), TokenClock: clock.NewVirtual(relStart), Faults: f})
}

// exampleRuns are the example runbooks with parameters that make each do
// real work against the demo fleet.
var exampleRuns = []struct {
	name string
	args []string
}{
	{"power_cycle", []string{"../runbooks/power_cycle.star", "group=prod-web", "batch=4"}},
	{"firmware_update", []string{"../runbooks/firmware_update.star", "group=prod-web"}},
	{"onboard_user", []string{"../runbooks/onboard_user.star", "email=ana.new@example.com"}},
	{"offboard_user", []string{"../runbooks/offboard_user.star", "email=jane.doe@example.com"}},
	{"failed_jobs", []string{"../runbooks/failed_jobs.star", "days=7"}},
}

// TestEveryRunbookCompletesUnderFaults runs every example runbook against a
// simulator that answers 20% of API requests 429, 5% 503 and cuts 2% of
// connections after processing them (seeded, so a failure reproduces), and
// checks that each completes and that the simulator applied no mutation
// twice.
func TestEveryRunbookCompletesUnderFaults(t *testing.T) {
	var mu sync.Mutex
	cutMutations := 0 // mutations processed, then their connection cut
	t.Run("runs", func(t *testing.T) {
		for seed := 1; seed <= 12; seed++ {
			spec := fmt.Sprintf("429=0.2,503=0.05,reset-after=0.02,seed=%d", seed)
			for _, rc := range exampleRuns {
				t.Run(fmt.Sprintf("%s/seed=%d", rc.name, seed), func(t *testing.T) {
					t.Parallel()
					s := relSim(t, spec)
					jobsBefore := jobIDSet(s.Jobs())
					r := glrunSim(t, s, append([]string{"run", "--sim"}, rc.args...)...)
					if r.code != 0 {
						t.Fatalf("faults %s: exit %d\nstderr:\n%s", spec, r.code, r.stderr)
					}
					faults := 0
					for _, e := range r.requests {
						if e.Fault != "" {
							faults++
						}
						if e.Fault == "reset-after" && e.Method != "GET" && e.Status < 300 {
							mu.Lock()
							cutMutations++
							mu.Unlock()
						}
					}
					if faults == 0 && len(r.requests) > 20 {
						t.Errorf("%d requests and no fault injected: the fault spec is not applied", len(r.requests))
					}
					assertNoMutationTwice(t, r.requests, s.Jobs(), jobsBefore)
				})
			}
		}
	})
	if cutMutations == 0 {
		t.Error("no mutation had its connection cut after processing: the seeds do not exercise the outcome checks")
	}
	t.Logf("%d mutations had their answer cut after processing", cutMutations)
}

// jobIDSet is the set of ids of jobs.
func jobIDSet(jobs []glapi.Object) map[string]bool {
	m := make(map[string]bool, len(jobs))
	for _, j := range jobs {
		m[j.ID()] = true
	}
	return m
}

// assertNoMutationTwice fails when the simulator applied one change twice:
// two jobs of the same template on the same resource created by the run,
// or two successful POSTs, DELETEs or PUTs of one other path.
func assertNoMutationTwice(t *testing.T, log []sim.LogEntry, jobs []glapi.Object, before map[string]bool) {
	t.Helper()
	perTarget := map[string]int{}
	for _, j := range jobs {
		if before[j.ID()] {
			continue
		}
		res, _ := j["resource"].(map[string]any)
		key := fmt.Sprintf("%v on %v", j["jobTemplate"], res["id"])
		if perTarget[key]++; perTarget[key] > 1 {
			t.Errorf("job %s created twice", key)
		}
	}
	applied := map[string]int{}
	for _, e := range log {
		if e.Method == "GET" || e.Path == "/as/token.oauth2" || e.Path == glapi.CollectionJobs {
			continue
		}
		if e.Status >= 200 && e.Status < 300 {
			key := e.Method + " " + e.Path
			if applied[key]++; applied[key] > 1 && !strings.HasSuffix(e.Path, "/credentials") {
				t.Errorf("%s applied twice", key)
			}
		}
	}
}
