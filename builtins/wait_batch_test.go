package builtins

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"go.starlark.net/starlark"
)

// wait_all over N jobs costs at most ceil(N / 1000) list requests per poll
// when it has the jobs' records; given bare ids, its first poll takes
// 150-id batches, and the records it gets back make the later polls cheap.
func TestWaitAllRequestsPerPoll(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n       int
		ids     bool // wait on id strings (no createdAt) instead of records
		first   int  // list requests of the first poll
		perPoll int  // of every later poll
	}{
		{"100 records", 100, false, 1, 1},
		{"400 records", 400, false, 1, 1},
		{"400 ids", 400, true, 3, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newSimFixture(t, nil)
			f.sim.AddServers(tc.n)
			wait := "jobs"
			if tc.ids {
				wait = "[j.id for j in jobs]"
			}
			v := f.mustRun(t, `
g = compute.groups.list(filter = "name eq 'lab'")[0]
ids = [d.deviceId for d in g.devices][12:]
jobs = [compute.jobs.create("restart", id) for id in ids]
result = [d.state for d in compute.jobs.wait_all(`+wait+`, poll = "5s")]`)
			states := v.(*starlark.List)
			if states.Len() != tc.n {
				t.Fatalf("wait_all returned %d jobs, want %d", states.Len(), tc.n)
			}
			for i := range states.Len() {
				if states.Index(i) != starlark.String("COMPLETE") {
					t.Fatalf("job %d is %s, want COMPLETE", i, states.Index(i))
				}
			}
			// A poll's requests come within a second (the rate limiter may
			// space them); polls are 5s or more apart.
			var polls []time.Time
			perTime := map[time.Time]int{}
			for _, r := range f.requests(http.MethodGet, jobsPath) {
				if len(polls) == 0 || r.Time.Sub(polls[len(polls)-1]) > time.Second {
					polls = append(polls, r.Time)
				}
				perTime[polls[len(polls)-1]]++
				if len(r.Query) > 8000 {
					t.Errorf("a %d-character query; want under 8 KiB", len(r.Query))
				}
			}
			if len(polls) < 2 {
				t.Fatalf("%d polls, want several", len(polls))
			}
			for i, tm := range polls {
				want := tc.perPoll
				if i == 0 {
					want = tc.first
				}
				if perTime[tm] != want {
					t.Errorf("poll %d made %d list requests, want %d", i+1, perTime[tm], want)
				}
			}
			for _, r := range f.sim.Requests() {
				if r.Method == http.MethodGet && strings.HasPrefix(r.Path, jobsPath+"/") {
					t.Errorf("per-job GET %s during wait_all", r.Path)
				}
			}
		})
	}
}
