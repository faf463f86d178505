package cli

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"glrun/glapi"
)

// watchedBody is an answer's body that notes whether anyone read it.
type watchedBody struct {
	r    io.Reader
	read bool
}

func (b *watchedBody) Read(p []byte) (int, error) { b.read = true; return b.r.Read(p) }
func (b *watchedBody) Close() error               { return nil }

// TestReportReadsOnlyAnswersThatTellItSomething: pages of jobs are read by
// the report only while the run has jobs in flight, a job by id only when
// it is the run's; creations and outcome checks always. A run that lists
// jobs it did not create leaves every page to the client alone.
func TestReportReadsOnlyAnswersThatTellItSomething(t *testing.T) {
	const (
		mine  = "00000000-0000-4000-8000-0000000000a1"
		other = "00000000-0000-4000-8000-0000000000b2"
	)
	job := func(id, state string) string {
		return `{"id":"` + id + `","jobTemplate":"` + powerOnID + `","state":"` + state + `","resource":{"id":"srv-1"}}`
	}
	page := func(items ...string) string { return `{"items":[` + strings.Join(items, ",") + `],"count":1}` }
	list := glapi.Call{Resource: "jobs", Collection: glapi.CollectionJobs, Method: http.MethodGet}
	byID := func(id string) glapi.Call { c := list; c.ID = id; return c }
	create := glapi.Call{Resource: "jobs", Collection: glapi.CollectionJobs, Method: http.MethodPost, Mutates: true, Job: &tallyJob}
	check := list
	check.OutcomeCheck = true

	steps := []struct {
		name     string
		call     glapi.Call
		body     string
		wantRead bool
		wantJobs int
		inFlight int
	}{
		{"a page before the run has jobs", list, page(job(other, glapi.JobRunning)), false, 0, 0},
		{"someone else's job by id", byID(other), job(other, glapi.JobRunning), false, 0, 0},
		{"a job creation", create, job(mine, glapi.JobPending), true, 1, 1},
		{"a page while the job runs", list, page(job(mine, glapi.JobRunning), job(other, glapi.JobRunning)), true, 1, 1},
		{"the run's job by id, finished", byID(mine), job(mine, glapi.JobComplete), true, 1, 0},
		{"a page once every job has finished", list, page(job(mine, glapi.JobComplete)), false, 1, 0},
		{"an outcome check adopts what it finds", check, page(job(other, glapi.JobRunning)), true, 2, 1},
	}
	r := newReport(newTally(nil), nil)
	for _, st := range steps {
		body := &watchedBody{r: strings.NewReader(st.body)}
		next := roundTripFunc(func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, Body: body, Header: http.Header{}}, nil
		})
		req, err := http.NewRequestWithContext(glapi.WithCall(context.Background(), st.call), st.call.Method, "http://sim"+st.call.Collection, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := r.RoundTrip(req, next)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if body.read != st.wantRead {
			t.Errorf("%s: report read the body = %v, want %v", st.name, body.read, st.wantRead)
		}
		if b, _ := io.ReadAll(resp.Body); string(b) != st.body {
			t.Errorf("%s: the client got %q, want the answer unchanged", st.name, b)
		}
		snap := r.snapshot()
		if len(snap.Jobs) != st.wantJobs || len(snap.InFlight) != st.inFlight {
			t.Errorf("%s: report has %d jobs, %d in flight; want %d, %d", st.name, len(snap.Jobs), len(snap.InFlight), st.wantJobs, st.inFlight)
		}
	}
	if got := r.snapshot().Jobs[0].State; got != glapi.JobComplete {
		t.Errorf("the run's job ended %q, want %s", got, glapi.JobComplete)
	}
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
