package glapi_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"glrun/glapi"
	"glrun/glapi/sim"
)

// TestPostRetryPolicyUnderSimFaults checks the retry policy of POST, per
// status, against the simulator's faults, and that the AttemptObserver
// sees every attempt the simulator received: 429 and 503 (not processed)
// are retried until the job is created once; 500, 502 and 504 are never
// retried and leave the outcome unknown.
func TestPostRetryPolicyUnderSimFaults(t *testing.T) {
	tests := []struct {
		fault       string
		rate        float64
		wantRetried bool
	}{
		{"429", 0.5, true},
		{"503", 0.5, true},
		{"500", 1, false},
		{"502", 1, false},
		{"504", 1, false},
	}
	tmpl, _ := glapi.LookupTemplate("restart")
	for _, tt := range tests {
		t.Run(tt.fault, func(t *testing.T) {
			env := newSimEnv(t, sim.Options{Faults: sim.Faults{Rates: map[string]float64{tt.fault: tt.rate}, Seed: 2}},
				func(cfg *glapi.Config) { cfg.RetryMax, cfg.RetryWaitMax = 20, time.Second })
			c, s := env.c, env.sim
			var mu sync.Mutex
			var attempts []glapi.Attempt
			ctx := glapi.WithAttemptObserver(context.Background(), func(a glapi.Attempt) {
				mu.Lock()
				attempts = append(attempts, a)
				mu.Unlock()
			})
			jobsBefore := len(s.Jobs())
			most := 0
			for i, server := range s.ServerIDs()[:4] {
				attempts = nil
				logBefore := len(s.Requests())
				_, err := c.Jobs.Create(ctx, glapi.JobCreate{JobTemplate: tmpl.ID, ResourceID: server, ResourceType: tmpl.ResourceType})
				received := 0
				for _, e := range s.Requests()[logBefore:] {
					if !strings.HasPrefix(e.Path, "/as/") {
						received++
					}
				}
				if len(attempts) != received {
					t.Errorf("job %d: the observer saw %d attempts, the simulator received %d", i, len(attempts), received)
				}
				for n, a := range attempts {
					if a.Number != n+1 || !a.Sent || !a.Call.IsJobCreation() {
						t.Errorf("job %d: attempt %d = %+v", i, n, a)
					}
				}
				most = max(most, len(attempts))
				if tt.wantRetried {
					if err != nil {
						t.Fatalf("job %d: %v", i, err)
					}
					continue
				}
				if !errors.Is(err, glapi.ErrOutcomeUnknown) || len(attempts) != 1 {
					t.Errorf("job %d: err %v after %d attempts; want ErrOutcomeUnknown after 1", i, err, len(attempts))
				}
			}
			created := len(s.Jobs()) - jobsBefore
			if tt.wantRetried && most < 2 {
				t.Errorf("no POST was retried under the %s fault (change the seed)", tt.fault)
			}
			if tt.wantRetried && created != 4 {
				t.Errorf("%d jobs created, want 4 (each once)", created)
			}
			if !tt.wantRetried && created != 0 {
				t.Errorf("%d jobs created under a %s fault that does not process them", created, tt.fault)
			}
		})
	}
}
