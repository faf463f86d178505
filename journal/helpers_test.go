package journal

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
	"glrun/glapi/wait"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// world is a simulator on a virtual clock behind a loopback server: what a
// run talks to, and what outlives a crash of the run.
type world struct {
	sim *sim.Sim
	clk *clock.Virtual
	url string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	clk := clock.NewVirtual(start)
	s := sim.New(sim.Options{Clock: clk, Seed: 7})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &world{sim: s, clk: clk, url: srv.URL}
}

// client returns a client of the world whose requests go through mode, on
// clk.
func (w *world) client(t *testing.T, mode glapi.Mode, clk clock.Clock) *glapi.Client {
	t.Helper()
	c, err := glapi.New(glapi.Config{
		BaseURL:      w.url,
		ClientID:     sim.DemoClientID,
		ClientSecret: glapi.NewSecret(sim.DemoClientSecret),
		Mode:         mode,
		Clock:        clk,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// target is the Target of a run against w.
func (w *world) target() Target { return Target{Compute: w.url, Global: w.url, Workspace: "ws-1"} }

// meta is the Meta of the test runbook's runs against w.
func (w *world) meta() Meta {
	return Meta{
		Command: "run",
		Runbook: "runbooks/restart_and_invite.star",
		Files:   map[string]string{"runbooks/restart_and_invite.star": "3f9a2c01aa", "runbooks/lib.star": "77be01"},
		Params:  map[string]string{"group": "prod-web", "apiKey": "k-very-secret-123"},
		Target:  w.target(),
	}
}

// invitee is the user the test runbook invites.
const invitee = "new.operator@example.com"

// runbook is what the tests journal, crash and resume, written as a
// runbook would be: list the servers (two pages), restart two of them,
// wait for both jobs, then invite a user. It returns what a runbook would
// print.
func runbook(ctx context.Context, c *glapi.Client, clk clock.Clock) ([]string, error) {
	servers, err := c.Servers.List(ctx, glapi.ListOptions{PageSize: 2, Limit: 4})
	if err != nil {
		return nil, err
	}
	out := []string{fmt.Sprintf("servers: %d", len(servers))}
	tpl, err := glapi.LookupTemplate("restart")
	if err != nil {
		return nil, err
	}
	var jobs []glapi.Object
	for _, s := range servers[:2] {
		job, err := c.Jobs.CreateChecked(ctx, glapi.JobCreate{
			JobTemplate: tpl.ID, ResourceID: s.ID(), ResourceType: "compute-ops-mgmt/server"})
		if err != nil {
			return out, err
		}
		jobs = append(jobs, job)
	}
	done, err := wait.For(ctx, wait.Jobs(c.Jobs, false), jobs, wait.Options{
		What: "wait", Timeout: 2 * time.Hour, Poll: 30 * time.Second, Clock: clk})
	if err != nil {
		return out, err
	}
	for _, j := range done {
		out = append(out, "job on "+wait.JobLabel(j)+": "+j.String("state"))
	}
	res, err := c.Users.InviteChecked(ctx, invitee, false)
	if err != nil {
		return out, err
	}
	out = append(out, "invited: "+glapi.IDOf(res.Location))
	return out, nil
}

// finalState is what a run leaves in the simulator that a resumed run must
// leave too: every job (template, resource, state, result) and every user.
func finalState(s *sim.Sim) []string {
	var out []string
	for _, j := range s.Jobs() {
		res, _ := j["resource"].(map[string]any)
		out = append(out, fmt.Sprintf("job %v on %v: %v %v", j["jobTemplate"], res["id"], j["state"], j["resultCode"]))
	}
	for _, u := range s.Users() {
		out = append(out, fmt.Sprintf("user %v: %v", u["username"], u["userStatus"]))
	}
	sort.Strings(out)
	return out
}

// changesSent counts the changes the simulator received, by "METHOD path".
func changesSent(s *sim.Sim) map[string]int {
	out := map[string]int{}
	for _, e := range s.Requests() {
		if e.Method != http.MethodGet && !strings.HasSuffix(e.Path, "token.oauth2") {
			out[e.Method+" "+e.Path]++
		}
	}
	return out
}

// crash is what crasher panics with: the process dying.
type crash struct{}

// crasher is a glapi.Mode that kills the run (panics) at its at-th request:
// before sending it, or after sending it and before anything above it sees
// the answer (so the Recorder above cannot journal the answer).
type crasher struct {
	at    int
	after bool
	n     int
}

func (c *crasher) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	c.n++
	if c.n == c.at && !c.after {
		panic(crash{})
	}
	resp, err := next.RoundTrip(req)
	if c.n == c.at && c.after {
		if resp != nil {
			resp.Body.Close()
		}
		panic(crash{})
	}
	return resp, err
}

// counter is a glapi.Mode that counts the requests that reach it.
type counter struct{ n int }

func (c *counter) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	c.n++
	return next.RoundTrip(req)
}

// runUntilCrash runs the runbook, journalled, and reports whether it
// crashed (at is 0 for no crash). A crashed run is left as a dead process
// leaves it: its lock released, its meta saying running.
func runUntilCrash(t *testing.T, w *world, st Store, mode glapi.Mode) (id string, out []string, crashed bool) {
	t.Helper()
	run, err := Start(st, w.meta(), w.clk)
	if err != nil {
		t.Fatal(err)
	}
	c := w.client(t, run.Recorder(mode), w.clk)
	out, err, crashed = runRecovering(c, w.clk)
	if crashed {
		if err := run.unlock(); err != nil {
			t.Fatal(err)
		}
		return run.ID(), nil, true
	}
	if err != nil {
		t.Fatalf("the run failed: %v", err)
	}
	if err := run.Finish(nil); err != nil {
		t.Fatal(err)
	}
	return run.ID(), out, false
}

// runRecovering runs the runbook, turning a crash into crashed.
func runRecovering(c *glapi.Client, clk clock.Clock) (out []string, err error, crashed bool) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(crash); !ok {
				panic(v)
			}
			crashed = true
		}
	}()
	out, err = runbook(context.Background(), c, clk)
	return out, err, false
}

// resumeRun resumes run id against w, going live through mode, and runs the
// runbook to its end.
func resumeRun(t *testing.T, w *world, st Store, id string, mode glapi.Mode) ([]string, *Run, error) {
	t.Helper()
	run, res, err := Resume(st, id, w.meta(), w.clk, mode)
	if err != nil {
		return nil, nil, err
	}
	c := w.client(t, res, res.Clock())
	out, err, crashed := runRecovering(c, res.Clock())
	if crashed {
		_ = run.unlock()
		return nil, run, errCrashed
	}
	if ferr := run.Finish(err); ferr != nil {
		t.Fatal(ferr)
	}
	return out, run, err
}

var errCrashed = fmt.Errorf("crashed")
