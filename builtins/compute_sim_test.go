package builtins

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.starlark.net/starlark"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
	"glrun/glapi/wait"
	"glrun/progress"
)

const jobsPath = "/compute-ops-mgmt/v1/jobs"

var testEpoch = time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC)

// simFixture is a simulator behind httptest and a compute Env whose client
// talks to it, both on the same virtual clock.
type simFixture struct {
	sim  *sim.Sim
	clk  *clock.Virtual
	env  *Env
	logs *bytes.Buffer
}

// newSimFixture starts a simulator; mode, when not nil, sits in the
// client's transport chain.
func newSimFixture(t *testing.T, mode glapi.Mode) *simFixture {
	t.Helper()
	clk := clock.NewVirtual(testEpoch)
	s := sim.New(sim.Options{Clock: clk, Seed: 1})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := glapi.New(glapi.Config{
		BaseURL:      srv.URL,
		ClientID:     sim.DemoClientID,
		ClientSecret: glapi.NewSecret(sim.DemoClientSecret),
		Clock:        clk,
		Mode:         mode,
	})
	if err != nil {
		t.Fatalf("glapi.New: %v", err)
	}
	var logs bytes.Buffer
	return &simFixture{sim: s, clk: clk, logs: &logs,
		env: &Env{Client: c, Clock: clk, Log: slog.New(slog.NewTextHandler(&logs, nil))}}
}

// run executes src and returns its global "result".
func (f *simFixture) run(t *testing.T, src string) (starlark.Value, error) {
	t.Helper()
	return execCompute(context.Background(), f.env, src)
}

// mustRun executes src and fails the test on error.
func (f *simFixture) mustRun(t *testing.T, src string) starlark.Value {
	t.Helper()
	v, err := f.run(t, src)
	if err != nil {
		t.Fatalf("run:\n%s\nerror: %v", src, err)
	}
	return v
}

// serverID returns the id of the demo server with that name.
func (f *simFixture) serverID(t *testing.T, name string) string {
	t.Helper()
	s, ok := f.sim.ServerByName(name)
	if !ok {
		t.Fatalf("no demo server %q", name)
	}
	return s.ID()
}

// requests returns the simulator's log entries for method and path.
func (f *simFixture) requests(method, path string) []sim.LogEntry {
	var out []sim.LogEntry
	for _, r := range f.sim.Requests() {
		if r.Method == method && r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// field returns the string attribute path (a.b.c) of v.
func field(t *testing.T, v starlark.Value, path string) string {
	t.Helper()
	for _, name := range strings.Split(path, ".") {
		r, ok := v.(*Record)
		if !ok {
			t.Fatalf("%s: %s is a %s, not a record", path, name, v.Type())
		}
		if v, ok = r.Field(name); !ok {
			t.Fatalf("record has no field %q: %s", name, r)
		}
	}
	if s, ok := v.(starlark.String); ok {
		return string(s)
	}
	return v.String()
}

func TestJobsCreateAndWaitHaveEffects(t *testing.T) {
	powerOnID := mustTemplate(t, "power_on").ID
	tests := []struct {
		name      string
		server    string
		before    string // power state arranged first, if any
		src       string // %s is the server id
		wantPower string
	}{
		{"alias and server record", "prod-web-01", "",
			`result = compute.jobs.wait(compute.jobs.create("power_off", compute.servers.get(%q)))`, "OFF"},
		{"UUID and id string with +", "lab-03", "OFF",
			`result = compute.jobs.wait(compute.jobs.create("` + powerOnID + `", %q))`, "ON"},
		{"alias in capitals and explicit resource_type", "prod-db-03", "",
			`result = compute.jobs.wait(compute.jobs.create("POWER_OFF", %q, resource_type="server"), poll="2s")`, "OFF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newSimFixture(t, nil)
			id := f.serverID(t, tt.server)
			if !strings.Contains(id, "+") {
				t.Fatalf("demo server id %q has no +", id)
			}
			if tt.before != "" {
				if err := f.sim.SetPower(id, tt.before); err != nil {
					t.Fatal(err)
				}
			}
			job := f.mustRun(t, fmt.Sprintf(tt.src, id))
			if got := field(t, job, "state"); got != "COMPLETE" {
				t.Errorf("job state = %s, want COMPLETE", got)
			}
			if got := field(t, job, "resource.id"); got != id {
				t.Errorf("job resource.id = %q, want %q", got, id)
			}
			srv, _ := f.sim.Server(id)
			hw, _ := srv["hardware"].(map[string]any)
			if got, _ := hw["powerState"].(string); got != tt.wantPower {
				t.Errorf("server powerState = %q, want %q", got, tt.wantPower)
			}
		})
	}
}

// pyBool spells b as Starlark does.
func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func mustTemplate(t *testing.T, alias string) glapi.JobTemplate {
	t.Helper()
	tmpl, err := glapi.LookupTemplate(alias)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func TestJobsCreateOnGroupRecord(t *testing.T) {
	f := newSimFixture(t, nil)
	job := f.mustRun(t, `
groups = compute.groups.list(filter = "name eq 'prod-db'")
result = compute.jobs.create("group_firmware_compliance", groups[0])`)
	g, _ := f.sim.GroupByName("prod-db")
	if got := field(t, job, "resource.id"); got != g.ID() {
		t.Errorf("resource.id = %q, want the group %q", got, g.ID())
	}
	if got := field(t, job, "resource.type"); got != glapi.ResourceGroup {
		t.Errorf("resource.type = %q, want %q", got, glapi.ResourceGroup)
	}
	if got := field(t, job, "jobTemplate"); got != mustTemplate(t, "group_firmware_compliance").ID {
		t.Errorf("jobTemplate = %q", got)
	}
}

func TestJobsCreateWrongResourceTypeSendsNothing(t *testing.T) {
	f := newSimFixture(t, nil)
	_, err := f.run(t, `
group = compute.groups.list(limit = 1)[0]
compute.jobs.create("restart", group)`)
	wantErr(t, err, "compute.jobs.create", `template "restart" (Server Restart) runs on a server`, "is a group")
	if posts := f.requests(http.MethodPost, jobsPath); len(posts) != 0 {
		t.Errorf("%d jobs were created", len(posts))
	}
}

func TestJobsWaitFailure(t *testing.T) {
	for _, failOnError := range []bool{true, false} {
		t.Run(fmt.Sprintf("fail_on_error=%v", failOnError), func(t *testing.T) {
			f := newSimFixture(t, nil)
			if err := f.sim.FailNextJob("firmware_update"); err != nil {
				t.Fatal(err)
			}
			id := f.serverID(t, "lab-01")
			src := fmt.Sprintf(`
job = compute.jobs.create("firmware_update", %q, params = {"bundle_id": %q})
result = compute.jobs.wait(job, timeout = "1h", fail_on_error = %s)`, id, f.sim.NewestBundleID(), pyBool(failOnError))
			v, err := f.run(t, src)
			if !failOnError {
				if err != nil {
					t.Fatalf("fail_on_error=False: %v", err)
				}
				if got := field(t, v, "state"); got != "ERROR" {
					t.Errorf("state = %s, want ERROR", got)
				}
				return
			}
			var jf *wait.JobFailedError
			if !errors.As(err, &jf) {
				t.Fatalf("err = %v, want a *wait.JobFailedError", err)
			}
			job := f.sim.Jobs()[len(f.sim.Jobs())-1]
			if jf.ID != job.ID() || jf.State != "ERROR" || jf.Template != "Server Firmware Update" || jf.Resource != id {
				t.Errorf("JobFailedError = %+v", jf)
			}
			if jf.Status == "" || jf.Status != job.String("status") {
				t.Errorf("Status = %q, want the job's %q", jf.Status, job.String("status"))
			}
			wantErr(t, err, "compute.jobs.wait", job.ID(), "Server Firmware Update", id, "ended in ERROR", jf.Status, "statusDetails")
		})
	}
}

func TestJobsWaitTimeout(t *testing.T) {
	f := newSimFixture(t, nil)
	id := f.serverID(t, "prod-web-05")
	_, err := f.run(t, fmt.Sprintf(`
job = compute.jobs.create("firmware_update", %q, params = {"bundle_id": %q})
compute.jobs.wait(job, timeout = "5m")`, id, f.sim.NewestBundleID()))
	var te *wait.TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a *wait.TimeoutError", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("not errors.Is(err, context.DeadlineExceeded)")
	}
	job := f.sim.Jobs()[len(f.sim.Jobs())-1]
	if len(te.Pending) != 1 || !strings.Contains(te.Pending[0], job.ID()) || !strings.Contains(te.Pending[0], "RUNNING") {
		t.Errorf("Pending = %q, want the job %s RUNNING", te.Pending, job.ID())
	}
	// Given by id, the server is named by its serial number.
	wantErr(t, err, "compute.jobs.wait: timed out after 5m0s", job.ID(), "on serial "+id[strings.LastIndexByte(id, '+')+1:]+")")
	if got := f.clk.Now().Sub(testEpoch); got != 5*time.Minute {
		t.Errorf("waited %s, want 5m", got)
	}
}

// cancelClock cancels a context on its n-th Sleep.
type cancelClock struct {
	*clock.Virtual
	mu     sync.Mutex
	n      int
	cancel context.CancelFunc
}

func (c *cancelClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.n--
	if c.n == 0 {
		c.cancel()
	}
	c.mu.Unlock()
	return c.Virtual.Sleep(ctx, d)
}

func TestJobsWaitCancel(t *testing.T) {
	f := newSimFixture(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.env.Clock = &cancelClock{Virtual: f.clk, n: 2, cancel: cancel}
	id := f.serverID(t, "prod-web-06")
	_, err := execCompute(ctx, f.env, fmt.Sprintf(`compute.jobs.wait(compute.jobs.create("restart", %q))`, id))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	wantErr(t, err, "compute.jobs.wait: stopped while waiting for job", "on serial "+id[strings.LastIndexByte(id, '+')+1:]+")")
	if gets := f.requests(http.MethodGet, jobsPath+"/"+f.sim.Jobs()[len(f.sim.Jobs())-1].ID()); len(gets) != 2 {
		t.Errorf("%d polls, want 2 (none after the cancel)", len(gets))
	}
}

func TestJobsWaitAllOneListRequestPerPoll(t *testing.T) {
	f := newSimFixture(t, nil)
	v := f.mustRun(t, `
servers = compute.servers.list(filter = "name eq 'prod-web-01' or name eq 'prod-web-02' or name eq 'prod-web-03' or name eq 'prod-web-04' or name eq 'prod-web-05' or name eq 'prod-web-06' or name eq 'prod-web-07' or name eq 'prod-web-08' or name eq 'prod-web-09' or name eq 'prod-web-10'")
jobs = [compute.jobs.create("restart", s) for s in servers]
done = compute.jobs.wait_all(jobs, poll = "5s")
result = [(j.id, d.id, d.state) for j, d in zip(jobs, done)]`)
	rows := v.(*starlark.List)
	if rows.Len() != 10 {
		t.Fatalf("wait_all returned %d jobs, want 10", rows.Len())
	}
	for i := 0; i < rows.Len(); i++ {
		row := rows.Index(i).(starlark.Tuple)
		if row[0] != row[1] || row[2] != starlark.String("COMPLETE") {
			t.Errorf("row %d = %v, want the same job, COMPLETE", i, row)
		}
	}
	lists := f.requests(http.MethodGet, jobsPath)
	if len(lists) == 0 {
		t.Fatal("no list requests")
	}
	perTime := map[time.Time]int{}
	for _, r := range lists {
		perTime[r.Time]++
		if !strings.Contains(r.Query, "filter=") {
			t.Errorf("unfiltered list request: %s", r.Query)
		}
	}
	for tm, n := range perTime {
		if n != 1 {
			t.Errorf("%d list requests at %s, want 1 per poll", n, tm)
		}
	}
	for _, r := range f.sim.Requests() {
		if r.Method == http.MethodGet && strings.HasPrefix(r.Path, jobsPath+"/") {
			t.Errorf("per-job GET %s during wait_all", r.Path)
		}
	}
	t.Logf("%d polls for 10 jobs", len(lists))
}

func TestWaitAllFailuresNameEveryFailedJob(t *testing.T) {
	f := newSimFixture(t, nil)
	off1, off2, on := f.serverID(t, "lab-03"), f.serverID(t, "lab-07"), f.serverID(t, "lab-01")
	_, err := f.run(t, fmt.Sprintf(`
jobs = [compute.jobs.create("restart", id) for id in [%q, %q, %q]]
compute.jobs.wait_all(jobs)`, off1, on, off2))
	wantErr(t, err, "compute.jobs.wait_all: 2 of 3 jobs failed", off1, off2, "powered off")
	var jf *wait.JobFailedError
	if !errors.As(err, &jf) {
		t.Errorf("errors.As(*wait.JobFailedError) = false for %v", err)
	}
}

// pageCap is a Mode that asks for pages of at most n items, so every list
// spans several pages.
type pageCap struct{ n int }

func (p pageCap) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	if req.Method == http.MethodGet {
		q := req.URL.Query()
		if l, err := strconv.Atoi(q.Get("limit")); err != nil || l > p.n {
			q.Set("limit", strconv.Itoa(p.n))
			req.URL.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
		}
	}
	return next.RoundTrip(req)
}

func TestListBuiltinsReadEveryPage(t *testing.T) {
	f := newSimFixture(t, pageCap{n: 2})
	tests := []struct {
		module, path string
		want         int
	}{
		{"servers", "/compute-ops-mgmt/v1/servers", len(f.sim.Servers())},
		{"groups", "/compute-ops-mgmt/v1/groups", len(f.sim.Groups())},
		{"firmware_bundles", "/compute-ops-mgmt/v1/firmware-bundles", len(f.sim.FirmwareBundles())},
		{"jobs", jobsPath, len(f.sim.Jobs())},
		{"async_ops", "/compute-ops-mgmt/v1/async-operations", len(f.sim.AsyncOperations())},
	}
	for _, tt := range tests {
		t.Run(tt.module, func(t *testing.T) {
			if tt.want <= 2 {
				t.Fatalf("the demo fleet has only %d %s; the test needs more than a page", tt.want, tt.module)
			}
			before := len(f.requests(http.MethodGet, tt.path))
			v := f.mustRun(t, fmt.Sprintf(`
all = compute.%s.list()
some = compute.%s.list(limit = 3)
one = compute.%s.get(all[-1])
result = (len(all), len(some), one.id == all[-1].id, len({x.id: 1 for x in all}))`, tt.module, tt.module, tt.module))
			got := v.(starlark.Tuple)
			if got[0] != starlark.MakeInt(tt.want) || got[3] != starlark.MakeInt(tt.want) {
				t.Errorf("list() gave %v items (%v distinct), want %d", got[0], got[3], tt.want)
			}
			if got[1] != starlark.MakeInt(3) {
				t.Errorf("list(limit=3) gave %v items", got[1])
			}
			if got[2] != starlark.True {
				t.Errorf("get(record) returned another item")
			}
			if n := len(f.requests(http.MethodGet, tt.path)) - before; n < 2 {
				t.Errorf("%d list requests, want more than one page", n)
			}
		})
	}
}

func TestAsyncOpWait(t *testing.T) {
	tests := []struct {
		name, failOnError string
		fail              bool
		wantState         string
		wantErr           []string
	}{
		{"succeeds", "True", false, "SUCCEEDED", nil},
		{"fails", "True", true, "", []string{"compute.async_ops.wait: async operation", "ended FAILED", "/compliance", "recommendations"}},
		{"failure handled", "False", true, "FAILED", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newSimFixture(t, nil)
			if tt.fail {
				if err := f.sim.FailNextJob("group_firmware_compliance"); err != nil {
					t.Fatal(err)
				}
			}
			g, _ := f.sim.GroupByName("lab")
			v, err := f.run(t, fmt.Sprintf(`
job = compute.jobs.create("group_firmware_compliance", %q)
ops = compute.async_ops.list(filter = "state eq 'INITIALIZED'")
result = compute.async_ops.wait(ops[0], poll = "2s", fail_on_error = %s)`, g.ID(), tt.failOnError))
			if tt.wantErr != nil {
				wantErr(t, err, tt.wantErr...)
				var of *wait.OpFailedError
				if !errors.As(err, &of) {
					t.Errorf("errors.As(*wait.OpFailedError) = false")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := field(t, v, "state"); got != tt.wantState {
				t.Errorf("state = %s, want %s", got, tt.wantState)
			}
			if !strings.Contains(f.logs.String(), "state=RUNNING") {
				t.Errorf("no log line for the RUNNING state:\n%s", f.logs)
			}
		})
	}
}

func TestJobsGetListUpdate(t *testing.T) {
	f := newSimFixture(t, nil)
	id := f.serverID(t, "prod-db-05")
	v := f.mustRun(t, fmt.Sprintf(`
job = compute.jobs.create("firmware_update", %q, params = {"bundle_id": %q})
updated = compute.jobs.update(job, state = "error")
again = compute.jobs.get(job.id)
mine = compute.jobs.list(filter = "resource/id eq '%s'")
result = (updated.state, again.state, [j.id for j in mine] == [job.id])`, id, f.sim.NewestBundleID(), id))
	got := v.(starlark.Tuple)
	want := starlark.Tuple{starlark.String("ERROR"), starlark.String("ERROR"), starlark.True}
	if eq, _ := starlark.Equal(got, want); !eq {
		t.Errorf("got %v, want %v", got, want)
	}
	patches := f.requests(http.MethodPatch, jobsPath+"/"+f.sim.Jobs()[len(f.sim.Jobs())-1].ID())
	if len(patches) != 1 {
		t.Errorf("%d PATCH requests, want 1", len(patches))
	}
}

func TestListFilterOnUnknownPropertyIsRefusedBeforeSending(t *testing.T) {
	f := newSimFixture(t, nil)
	_, err := f.run(t, `compute.jobs.list(filter = "stat eq 'RUNNING'")`)
	wantErr(t, err, "compute.jobs.list", `"stat"`, `did you mean "state"`)
	if n := len(f.requests(http.MethodGet, jobsPath)); n != 0 {
		t.Errorf("%d list requests were sent", n)
	}
}

func TestWaitProgressOnTerminalVersusLog(t *testing.T) {
	for _, terminal := range []bool{true, false} {
		t.Run(fmt.Sprintf("terminal=%v", terminal), func(t *testing.T) {
			f := newSimFixture(t, nil)
			var term bytes.Buffer
			if terminal {
				f.env.Progress = progress.NewDisplay(&term)
			}
			a, b := f.serverID(t, "prod-db-01"), f.serverID(t, "prod-db-02")
			f.mustRun(t, fmt.Sprintf(`compute.jobs.wait_all([compute.jobs.create("power_off", %q), compute.jobs.create("restart", %q)])`, a, b))
			logs := f.logs.String()
			if terminal {
				out := term.String()
				for _, want := range []string{"(Server Power Off on", "(Server Restart on", "PENDING", "RUNNING", "COMPLETE/SUCCESS", "\x1b[2A\x1b[J"} {
					if !strings.Contains(out, want) {
						t.Errorf("terminal lacks %q:\n%q", want, out)
					}
				}
				if logs != "" {
					t.Errorf("terminal waits also logged:\n%s", logs)
				}
				return
			}
			// Given by id, a server is labelled by its serial number (the
			// part of its id after "+"); by record, by its name.
			serial := func(id string) string { return "on serial " + id[strings.LastIndexByte(id, '+')+1:] + ")" }
			for _, want := range []string{"state=PENDING", "state=RUNNING", "state=COMPLETE/SUCCESS", serial(a), serial(b)} {
				if !strings.Contains(logs, want) {
					t.Errorf("logs lack %q:\n%s", want, logs)
				}
			}
			if n := strings.Count(logs, "\n"); n != 6 {
				t.Errorf("%d log lines, want 6 (3 states x 2 jobs):\n%s", n, logs)
			}
		})
	}
}

// TestJobLabelsNameTheServer checks that the log lines and the failure of a
// wait name the server a job runs on when the run has seen its name, and
// say what a running job is doing.
func TestJobLabelsNameTheServer(t *testing.T) {
	f := newSimFixture(t, nil)
	if err := f.sim.FailJob(sim.JobFailure{Resource: f.serverID(t, "prod-db-02")}); err != nil {
		t.Fatal(err)
	}
	_, err := f.run(t, `servers = compute.servers.list(filter = "name in ('prod-db-01', 'prod-db-02')")
compute.jobs.wait_all([compute.jobs.create("restart", s.id) for s in servers])`)
	wantErr(t, err, "(Server Restart on prod-db-02 ("+f.serverID(t, "prod-db-02")+")) ended in ERROR")
	logs := f.logs.String()
	for _, want := range []string{"(Server Restart on prod-db-01)\" state=RUNNING", `status="Restarting the server"`, "(Server Restart on prod-db-02)\" state=ERROR/FAILURE"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
}
