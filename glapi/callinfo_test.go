package glapi

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// callRecorder is a Mode that keeps the Call of every request it sees, and
// a transport below it that keeps the Call of every request sent (the token
// request included).
type callRecorder struct {
	mu    sync.Mutex
	calls []Call
	sent  []Call
}

func (r *callRecorder) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	c, ok := CallOf(req)
	if !ok {
		c = Call{Method: "NONE " + req.URL.Path}
	}
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
	return next.RoundTrip(req)
}

type sentRecorder struct {
	r    *callRecorder
	next http.RoundTripper
}

func (s sentRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	c, _ := CallOf(req)
	s.r.mu.Lock()
	s.r.sent = append(s.r.sent, c)
	s.r.mu.Unlock()
	return s.next.RoundTrip(req)
}

// TestEveryCallIsDescribed: each service method attaches to its request a
// Call naming the collection, the object, the action and whether it
// changes something, so that modes, the run report and plans never parse
// a path; the token request is marked as such.
func TestEveryCallIsDescribed(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case r.Method == http.MethodGet && (strings.Count(r.URL.Path, "/") == 3 || strings.HasSuffix(r.URL.Path, "/compliance")):
			writeJSON(w, 200, map[string]any{"items": []any{}, "count": 0, "offset": 0, "total": 0})
		default:
			writeJSON(w, 200, map[string]any{"id": idOf(r), "message": "ok"})
		}
	})
	rec := &callRecorder{}
	c := testClient(t, f, newRecClock(), nil, func(cfg *Config) {
		cfg.Mode = rec
		cfg.Transport = sentRecorder{r: rec, next: http.DefaultTransport}
	})
	ctx := context.Background()
	job := JobCreate{JobTemplate: "tmpl", ResourceID: plusID, ResourceType: ResourceServer}
	steps := []func() error{
		func() error { _, err := c.Jobs.Create(ctx, job); return err },
		func() error { _, err := c.Jobs.Get(ctx, "j1"); return err },
		func() error { _, err := c.Jobs.Update(ctx, "j1", JobComplete); return err },
		func() error { _, err := c.Jobs.List(ctx, ListOptions{}); return err },
		func() error { _, err := c.Servers.Get(ctx, plusID); return err },
		func() error { _, err := c.Groups.Compliance(ctx, "g1"); return err },
		func() error { _, err := c.AsyncOps.Get(ctx, "op1"); return err },
		func() error { _, err := c.FirmwareBundles.List(ctx, ListOptions{}); return err },
		func() error { _, err := c.Users.Invite(ctx, "a@example.com", true); return err },
		func() error { return c.Users.Delete(ctx, "u1") },
		func() error { _, err := c.Credentials.Reset(ctx, "c1"); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	want := []Call{
		{Resource: "jobs", Collection: CollectionJobs, Method: "POST", Mutates: true, Job: &job},
		{Resource: "jobs", Collection: CollectionJobs, ID: "j1", Method: "GET"},
		{Resource: "jobs", Collection: CollectionJobs, ID: "j1", Method: "PATCH", Mutates: true},
		{Resource: "jobs", Collection: CollectionJobs, Method: "GET"},
		{Resource: "servers", Collection: CollectionServers, ID: plusID, Method: "GET"},
		{Resource: "groups", Collection: CollectionGroups, ID: "g1", Action: "compliance", Method: "GET"},
		{Resource: "async-operations", Collection: CollectionAsyncOperations, ID: "op1", Method: "GET"},
		{Resource: "firmware-bundles", Collection: CollectionFirmwareBundles, Method: "GET"},
		{Resource: "users", Collection: CollectionUsers, Method: "POST", Mutates: true},
		{Resource: "users", Collection: CollectionUsers, ID: "u1", Method: "DELETE", Mutates: true},
		{Resource: "credentials", Collection: CollectionCredentials, ID: "c1", Action: "reset", Method: "POST", Mutates: true},
	}
	if diff := cmp.Diff(want, rec.calls); diff != "" {
		t.Errorf("calls seen by the mode (-want +got):\n%s", diff)
	}
	if got := rec.sent[0]; !got.Token {
		t.Errorf("first request sent = %+v, want the token request marked Token", got)
	}
	if got := rec.sent[1:]; !cmp.Equal(want, got) {
		t.Errorf("calls sent after the token request differ from those the mode saw:\n%s", cmp.Diff(want, got))
	}
	if got := want[2].Kind(); got != "PATCH /compute-ops-mgmt/v1/jobs/{id}" {
		t.Errorf("Kind = %q", got)
	}
}

// TestOutcomeChecksAreMarked: after a job creation answered 502, the read
// that looks for the job is described as an outcome check; the job
// creation sent again is not.
func TestOutcomeChecksAreMarked(t *testing.T) {
	posts := 0
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts++
			if posts == 1 {
				writeJSON(w, http.StatusBadGateway, map[string]any{"message": "bad gateway"})
				return
			}
			writeJSON(w, 201, map[string]any{"id": "j1"})
			return
		}
		writeJSON(w, 200, map[string]any{"items": []any{}, "count": 0, "offset": 0, "total": 0})
	})
	rec := &callRecorder{}
	c := testClient(t, f, newRecClock(), nil, func(cfg *Config) { cfg.Mode = rec; cfg.RetryMax = -1 })
	if _, err := c.Jobs.CreateChecked(context.Background(), JobCreate{JobTemplate: "t", ResourceID: "s1", ResourceType: ResourceServer}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, cl := range rec.calls {
		s := cl.Kind()
		if cl.OutcomeCheck {
			s += " (outcome check)"
		}
		got = append(got, s)
	}
	want := []string{
		"POST /compute-ops-mgmt/v1/jobs",
		"GET /compute-ops-mgmt/v1/jobs (outcome check)",
		"POST /compute-ops-mgmt/v1/jobs",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}
