package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
)

// tallyClient is a glapi client for handler (which also answers the token
// endpoint) whose requests go through t, on a virtual clock.
func tallyClient(t *testing.T, handler http.HandlerFunc, tl *tally) *glapi.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/as/token.oauth2" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"tok-tally-0001","token_type":"Bearer","expires_in":3600}`))
			return
		}
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := glapi.New(glapi.Config{BaseURL: srv.URL, ClientID: "tally-client", ClientSecret: glapi.NewSecret("tally-secret-0001"),
		Clock: clock.NewVirtual(relStart), Mode: tl})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var tallyJob = glapi.JobCreate{JobTemplate: powerOnID, ResourceID: "srv-1", ResourceType: "compute-ops-mgmt/server"}

// TestTallyCountsAcceptedChangesOnly: a POST answered 400 is no change: the
// summary says "0 changes, 1 refused"; an accepted one is "1 change".
func TestTallyCountsAcceptedChangesOnly(t *testing.T) {
	tests := []struct {
		name   string
		status int
		want   string
	}{
		{"answered 400 is refused", 400, "1 API request, 0 changes, 1 refused"},
		{"answered 201 is one change", 201, "1 API request, 1 change (POST /compute-ops-mgmt/v1/jobs ×1)"},
		{"answered 502 has an unknown outcome", 502, "1 API request, 0 changes, 1 with an unknown outcome"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := newTally(nil)
			c := tallyClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_ = json.NewEncoder(w).Encode(map[string]any{"id": "00000000-0000-4000-8000-000000000001", "message": "m"})
			}, tl)
			_, _ = c.Jobs.Create(context.Background(), tallyJob)
			if got := tl.summary(); got != tt.want {
				t.Errorf("summary = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestTallyPlurals: "1 change", "2 changes", "1 API request".
func TestTallyPlurals(t *testing.T) {
	tests := []struct {
		c    tallyCounts
		want string
	}{
		{tallyCounts{Requests: 1}, "1 API request, 0 changes"},
		{tallyCounts{Requests: 2, Attempts: 2, Changes: 1, Mutations: map[string]int{"POST /x": 1}}, "2 API requests, 1 change (POST /x ×1)"},
		{tallyCounts{Requests: 3, Attempts: 5, Changes: 2, Mutations: map[string]int{"POST /x": 2}},
			"3 API requests (5 attempts sent, retries included), 2 changes (POST /x ×2)"},
	}
	for _, tt := range tests {
		if got := tt.c.text(); got != tt.want {
			t.Errorf("text = %q, want %q", got, tt.want)
		}
	}
}

// TestTallyCountsAttempts: a POST answered 503 twice, then 201, is one
// change sent three times, and the summary says so.
func TestTallyCountsAttempts(t *testing.T) {
	var n atomic.Int32
	tl := newTally(nil)
	c := tallyClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if n.Add(1) <= 2 {
			w.WriteHeader(503)
			_, _ = w.Write([]byte(`{"message":"busy"}`))
			return
		}
		w.WriteHeader(201)
		_, _ = w.Write([]byte(`{"id":"00000000-0000-4000-8000-000000000001"}`))
	}, tl)
	if _, err := c.Jobs.Create(context.Background(), tallyJob); err != nil {
		t.Fatal(err)
	}
	want := "1 API request (3 attempts sent, retries included), 1 change (POST /compute-ops-mgmt/v1/jobs ×1)"
	if got := tl.summary(); got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
}

// TestTallyAttemptsUnderSimFaults: under the simulator's 503 and 429
// faults, the attempts the tally reports are exactly the API requests the
// simulator received, and the changes exactly the jobs it created.
func TestTallyAttemptsUnderSimFaults(t *testing.T) {
	f, err := sim.ParseFaults("503=0.3,429=0.2,seed=3")
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewVirtual(relStart)
	s := sim.New(sim.Options{Clock: clk, TokenClock: clk, Faults: f})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	tl := newTally(nil)
	c, err := glapi.New(glapi.Config{BaseURL: srv.URL, ClientID: sim.DemoClientID, ClientSecret: glapi.NewSecret(sim.DemoClientSecret),
		Clock: clk, Mode: tl, RetryMax: 10, RetryWaitMax: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	servers, err := c.Servers.List(context.Background(), glapi.ListOptions{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	jobsBefore := len(s.Jobs())
	for _, srv := range servers {
		job := glapi.JobCreate{JobTemplate: powerOnID, ResourceID: srv.ID(), ResourceType: "compute-ops-mgmt/server"}
		if _, err := c.Jobs.Create(context.Background(), job); err != nil {
			t.Fatalf("Create: %v", err)
		}
	}
	api := 0
	for _, e := range s.Requests() {
		if !strings.HasPrefix(e.Path, "/as/") {
			api++
		}
	}
	got := tl.counts()
	if got.Attempts != api {
		t.Errorf("tally counted %d attempts, the simulator received %d API requests", got.Attempts, api)
	}
	if got.Attempts <= got.Requests {
		t.Errorf("attempts %d <= requests %d: the faults caused no retry (change the seed)", got.Attempts, got.Requests)
	}
	if created := len(s.Jobs()) - jobsBefore; got.Changes != created || created != len(servers) {
		t.Errorf("tally counted %d changes, the simulator created %d jobs for %d servers", got.Changes, created, len(servers))
	}
	t.Log(tl.summary())
}

// powerOnID is the id of the power_on job template.
const powerOnID = "0cbb2377-1834-488d-840c-d5bf788c34fb"
