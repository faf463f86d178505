package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"glrun/exitcode"
	"glrun/glapi"
	"glrun/glapi/sim"
	"glrun/journal"
)

// resumeRunbook restarts two servers, waits for them, then invites a user.
const resumeRunbook = "testdata/resume/restart_invite.star"

// resumeWorld is a simulator behind a loopback server, reached by
// --base-url as 'glrun sim serve' would be, and a state directory: what a
// run talks to and writes, and what outlives a killed run. Simulated time
// runs so fast that a restart is done before the run's first poll.
type resumeWorld struct {
	sim   *sim.Sim
	url   string
	state string
	env   func(string) string
}

func newResumeWorld(t *testing.T) *resumeWorld {
	t.Helper()
	s := sim.New(sim.Options{TimeScale: 1e6, Seed: 11})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &resumeWorld{sim: s, url: srv.URL, state: t.TempDir(), env: demoEnv(t)}
}

// glrun runs glrun against w: args are inserted after the verb, with
// --state-dir (for run, apply, resume and runs), and --base-url for runs; kill, when set,
// wraps the run's journal.
func (w *resumeWorld) glrun(t *testing.T, kill func(journal.Store) (journal.Store, glapi.Mode), args ...string) result {
	t.Helper()
	full := args
	switch args[0] {
	case "run": // a resume finds its target in the run's journal
		full = append([]string{args[0], "--base-url", w.url, "--state-dir", w.state}, args[1:]...)
	case "apply", "resume", "runs":
		full = append([]string{args[0], "--state-dir", w.state}, args[1:]...)
	}
	var out, errb bytes.Buffer
	before := len(w.sim.Requests())
	code := Execute(context.Background(), full, streams{in: strings.NewReader(""), out: &out, err: &errb, getenv: w.env, journal: kill})
	return result{code: code, stdout: out.String(), stderr: errb.String(), requests: w.sim.Requests()[before:]}
}

// runIDOf reads the run id glrun printed when the run started.
func runIDOf(t *testing.T, stderr string) string {
	t.Helper()
	m := regexp.MustCompile(`glrun: run (\S+) \(resume with 'glrun resume (\S+)'\)`).FindStringSubmatch(stderr)
	if m == nil || m[1] != m[2] {
		t.Fatalf("the run did not print its id and how to resume it:\n%s", stderr)
	}
	return m[1]
}

// finalState is what a run leaves in the simulator: every job (template,
// resource, state, result) and every user.
func (w *resumeWorld) finalState() []string {
	var out []string
	for _, j := range w.sim.Jobs() {
		res, _ := j["resource"].(map[string]any)
		out = append(out, fmt.Sprintf("job %v on %v: %v %v", j["jobTemplate"], res["id"], j["state"], j["resultCode"]))
	}
	for _, u := range w.sim.Users() {
		out = append(out, fmt.Sprintf("user %v: %v", u["username"], u["userStatus"]))
	}
	sort.Strings(out)
	return out
}

// changes counts the changes the simulator received, by "METHOD path".
func changes(log []sim.LogEntry) map[string]int {
	out := map[string]int{}
	for _, e := range log {
		if e.Method != http.MethodGet && e.Path != "/as/token.oauth2" {
			out[e.Method+" "+e.Path]++
		}
	}
	return out
}

// errKilled is what a killed run's calls fail with.
var errKilled = errors.New("test: the process was killed")

// killable is a journal store that dies with its process: once killed,
// nothing more is written (not the answer of the call in flight, not the
// run's end) and its locks are released, as a dead process leaves a run.
type killable struct {
	journal.Store
	mu      sync.Mutex
	dead    bool
	unlocks []func() error
}

func (k *killable) isDead() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.dead
}

func (k *killable) kill() {
	k.mu.Lock()
	k.dead = true
	unlocks := k.unlocks
	k.mu.Unlock()
	for _, u := range unlocks {
		_ = u()
	}
}

func (k *killable) Append(id string, r journal.Record) error {
	if k.isDead() {
		return errKilled
	}
	return k.Store.Append(id, r)
}

func (k *killable) SetMeta(m journal.Meta) error {
	if k.isDead() {
		return errKilled
	}
	return k.Store.SetMeta(m)
}

func (k *killable) Lock(id string) (func() error, error) {
	unlock, err := k.Store.Lock(id)
	if err != nil {
		return nil, err
	}
	var once sync.Once
	var uerr error
	u := func() error { once.Do(func() { uerr = unlock() }); return uerr }
	k.mu.Lock()
	k.unlocks = append(k.unlocks, u)
	k.mu.Unlock()
	return u, nil
}

// killer is the mode under the journal that kills the process at its at-th
// request: before sending it, or after sending it and before the journal
// sees its answer. After that nothing is sent. With at 0 it only counts.
type killer struct {
	at     int
	after  bool
	method string // when set, the first request of this method is the one
	store  *killable

	mu sync.Mutex
	n  int
}

func (k *killer) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	if k.store.isDead() {
		return nil, errKilled
	}
	k.mu.Lock()
	k.n++
	n := k.n
	if k.method != "" && req.Method == k.method {
		k.at, k.method = n, ""
	}
	k.mu.Unlock()
	if n == k.at && !k.after {
		k.store.kill()
		return nil, errKilled
	}
	resp, err := next.RoundTrip(req)
	if n == k.at && k.after {
		if resp != nil {
			resp.Body.Close()
		}
		k.store.kill()
		return nil, errKilled
	}
	return resp, err
}

// killAt returns a journal hook killing the run at its at-th request, and
// the killer (to read its count).
func killAt(at int, after bool) (func(journal.Store) (journal.Store, glapi.Mode), *killer) {
	k := &killer{at: at, after: after}
	return func(s journal.Store) (journal.Store, glapi.Mode) {
		k.store = &killable{Store: s}
		return k.store, k
	}, k
}

// uninterruptedRun runs the test runbook once against a fresh world and
// returns what it printed, the simulator's final state, the changes it
// received and the requests the run sent through its journal.
func uninterruptedRun(t *testing.T) (stdout string, state []string, sent map[string]int, requests int) {
	t.Helper()
	w := newResumeWorld(t)
	hook, k := killAt(0, false)
	r := w.glrun(t, hook, "run", resumeRunbook)
	if r.code != 0 {
		t.Fatalf("uninterrupted run: exit %d\n%s", r.code, r.stderr)
	}
	return r.stdout, w.finalState(), changes(r.requests), k.n
}

// TestKilledRunResumesThroughTheCLI kills a live 'glrun run' at every
// request it makes — before it is sent, and after it is sent but before its
// answer is journalled — then runs 'glrun resume ID', and checks that the
// simulator ends as after an uninterrupted run, each change received once,
// and that the resumed run prints what the uninterrupted one printed.
func TestKilledRunResumesThroughTheCLI(t *testing.T) {
	t.Parallel()
	wantOut, wantState, wantChanges, n := uninterruptedRun(t)
	if wantChanges["POST /compute-ops-mgmt/v1/jobs"] != 2 || wantChanges["POST /identity/v1/users"] != 1 || n < 4 {
		t.Fatalf("the runbook should list, create two jobs, wait and invite: %d requests, changes %v", n, wantChanges)
	}
	for at := 1; at <= n; at++ {
		for _, after := range []bool{false, true} {
			name := fmt.Sprintf("request %d %s", at, map[bool]string{false: "before sending", true: "after sending"}[after])
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				w := newResumeWorld(t)
				hook, _ := killAt(at, after)
				first := w.glrun(t, hook, "run", resumeRunbook)
				if first.code == 0 {
					t.Fatalf("the killed run exited 0:\n%s", first.stderr)
				}
				id := runIDOf(t, first.stderr)
				list := w.glrun(t, nil, "runs")
				if !regexp.MustCompile(id + `\s+` + regexp.QuoteMeta(resumeRunbook) + `\s+\S+ \S+\s+crashed`).MatchString(list.stdout) {
					t.Errorf("glrun runs does not show the run as crashed:\n%s", list.stdout)
				}
				r := w.glrun(t, nil, "resume", id)
				if r.code != 0 {
					t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
				}
				if r.stdout != wantOut {
					t.Errorf("the resumed run printed %q, want %q", r.stdout, wantOut)
				}
				if diff := cmp.Diff(wantState, w.finalState()); diff != "" {
					t.Errorf("final state (-uninterrupted +killed and resumed):\n%s", diff)
				}
				if diff := cmp.Diff(wantChanges, changes(w.sim.Requests())); diff != "" {
					t.Errorf("changes the simulator received (-once each +got):\n%s", diff)
				}
				in := w.runInfo(t, id)
				if in.Status != journal.Finished || in.Resumes != 1 {
					t.Errorf("after the resume: state %s, resumes %d; want finished, 1", in.Status, in.Resumes)
				}
			})
		}
	}
}

// runInfo is 'glrun runs show ID -o json'.
func (w *resumeWorld) runInfo(t *testing.T, id string) journal.Info {
	t.Helper()
	r := w.glrun(t, nil, "runs", "show", id, "-o", "json")
	if r.code != 0 {
		t.Fatalf("runs show: exit %d\n%s", r.code, r.stderr)
	}
	var in journal.Info
	if err := json.Unmarshal([]byte(r.stdout), &in); err != nil {
		t.Fatalf("runs show -o json: %v\n%s", err, r.stdout)
	}
	return in
}

// killedRun starts the test runbook against w and kills it at its third
// request (the first job creation, once sent); it returns the run's id.
func killedRun(t *testing.T, w *resumeWorld, params ...string) string {
	t.Helper()
	hook, _ := killAt(3, true)
	r := w.glrun(t, hook, append([]string{"run", resumeRunbook}, params...)...)
	if r.code == 0 {
		t.Fatalf("the killed run exited 0:\n%s", r.stderr)
	}
	return runIDOf(t, r.stderr)
}

// blocker is the mode under a resume's journal that holds its first live
// request until released.
type blocker struct {
	once    sync.Once
	reached chan struct{}
	release chan struct{}
}

func (b *blocker) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	b.once.Do(func() {
		close(b.reached)
		<-b.release
	})
	return next.RoundTrip(req)
}

// TestSecondResumeOfARunIsRefused resumes a killed run twice at once: the
// second resume, started while the first one is live, refuses with exit 1
// and sends nothing; the first ends the run.
func TestSecondResumeOfARunIsRefused(t *testing.T) {
	t.Parallel()
	w := newResumeWorld(t)
	id := killedRun(t, w)
	b := &blocker{reached: make(chan struct{}), release: make(chan struct{})}
	done := make(chan result)
	go func() {
		done <- w.glrun(t, func(s journal.Store) (journal.Store, glapi.Mode) { return s, b }, "resume", id)
	}()
	<-b.reached
	second := w.glrun(t, nil, "resume", id)
	close(b.release)
	first := <-done
	if second.code != exitcode.Failed || !strings.Contains(second.stderr, "another glrun resume of this run is running") {
		t.Errorf("second resume: exit %d, stderr:\n%s\nwant exit 1 saying another resume is running", second.code, second.stderr)
	}
	if len(second.mutations()) != 0 {
		t.Errorf("the refused resume sent %v", second.mutations())
	}
	if first.code != 0 {
		t.Fatalf("first resume: exit %d\n%s", first.code, first.stderr)
	}
	got := changes(w.sim.Requests())
	if got["POST /compute-ops-mgmt/v1/jobs"] != 2 || got["POST /identity/v1/users"] != 1 {
		t.Errorf("changes received %v, want each once", got)
	}
}

// TestResumeRefusesAChangedRun changes the parameters, a file of the
// runbook or the target of a killed run: 'glrun resume' refuses with exit 3,
// names what changed and sends nothing.
func TestResumeRefusesAChangedRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  func(w *resumeWorld, id, dir string) []string
		edit  func(t *testing.T, dir string)
		wants string
	}{
		{"param", func(_ *resumeWorld, id, _ string) []string { return []string{"resume", id, "group=prod-web"} }, nil,
			`param group: "lab" -> "prod-web"`},
		{"file", func(_ *resumeWorld, id, _ string) []string { return []string{"resume", id} },
			func(t *testing.T, dir string) {
				p := filepath.Join(dir, "restart_invite.star")
				b, _ := os.ReadFile(p)
				if err := os.WriteFile(p, append(b, []byte("\n# edited\n")...), 0o600); err != nil {
					t.Fatal(err)
				}
			}, "file restart_invite.star: "},
		{"tenant", func(_ *resumeWorld, id, _ string) []string {
			return []string{"resume", "--tenant-acid", "other-tenant", id}
		}, nil,
			`target workspace: (none) -> "other-tenant"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newResumeWorld(t)
			dir := t.TempDir()
			b, err := os.ReadFile(resumeRunbook)
			if err != nil {
				t.Fatal(err)
			}
			rb := filepath.Join(dir, "restart_invite.star")
			if err := os.WriteFile(rb, b, 0o600); err != nil {
				t.Fatal(err)
			}
			hook, _ := killAt(3, true)
			first := w.glrun(t, hook, "run", rb, "group=lab")
			id := runIDOf(t, first.stderr)
			if tt.edit != nil {
				tt.edit(t, dir)
			}
			r := w.glrun(t, nil, tt.args(w, id, dir)...)
			if r.code != exitcode.Drift || !strings.Contains(r.stderr, tt.wants) || !strings.Contains(r.stderr, "nothing was sent") {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 3 naming %s", r.code, r.stderr, tt.wants)
			}
			if len(r.requests) != 0 {
				t.Errorf("the refused resume sent %d requests", len(r.requests))
			}
		})
	}
}

// TestResumeOfAFinishedRunDoesNothing resumes a run that finished: glrun
// says so, sends nothing and exits 0; a run id that does not exist is a
// usage error.
func TestResumeOfAFinishedRunDoesNothing(t *testing.T) {
	t.Parallel()
	w := newResumeWorld(t)
	r := w.glrun(t, nil, "run", resumeRunbook)
	if r.code != 0 {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	id := runIDOf(t, r.stderr)
	if strings.Contains(r.stderr, "stopped early") {
		t.Errorf("a finished run says how to resume it:\n%s", r.stderr)
	}
	again := w.glrun(t, nil, "resume", id)
	if again.code != 0 || !strings.Contains(again.stderr, "run "+id+" already finished") {
		t.Errorf("resume of a finished run: exit %d, stderr:\n%s", again.code, again.stderr)
	}
	if len(again.requests) != 0 {
		t.Errorf("resuming a finished run sent %d requests", len(again.requests))
	}
	if r := w.glrun(t, nil, "resume", "20200101-000000-abcdef"); r.code != exitcode.Usage || !strings.Contains(r.stderr, "no run 20200101-000000-abcdef") {
		t.Errorf("resume of an unknown run: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// TestKilledApplyResumesThroughTheCLI kills 'glrun apply' around each of
// its planned changes and resumes it: the changes the resume answers from
// the journal count as applied, the others are checked against the plan
// and sent, each once; the apply ends complete.
func TestKilledApplyResumesThroughTheCLI(t *testing.T) {
	t.Parallel()
	for _, at := range []int{2, 3, 5} { // the first job creation, the second, the invitation
		for _, after := range []bool{false, true} {
			t.Run(fmt.Sprintf("request %d after=%v", at, after), func(t *testing.T) {
				t.Parallel()
				w := newResumeWorld(t)
				planPath := filepath.Join(t.TempDir(), "p.json")
				if r := w.glrun(t, nil, "plan", "--base-url", w.url, resumeRunbook, "--out", planPath); r.code != 0 {
					t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
				}
				hook, _ := killAt(at, after)
				first := w.glrun(t, hook, "apply", "--base-url", w.url, planPath)
				if first.code == 0 {
					t.Fatalf("the killed apply exited 0:\n%s", first.stderr)
				}
				id := runIDOf(t, first.stderr)
				r := w.glrun(t, nil, "resume", id)
				if r.code != 0 || !strings.Contains(r.stderr, "3 of 3 planned changes sent") {
					t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
				}
				got := changes(w.sim.Requests())
				if got["POST /compute-ops-mgmt/v1/jobs"] != 2 || got["POST /identity/v1/users"] != 1 || len(got) != 2 {
					t.Errorf("changes received %v, want each planned change once", got)
				}
				if in := w.runInfo(t, id); in.Status != journal.Finished || in.Command != "apply" {
					t.Errorf("after the resume: %s %s, want a finished apply", in.Command, in.Status)
				}
			})
		}
	}
}

// TestEarlyStopPrintsTheResumeCommand checks that a run that fails says,
// at the end of its report, how to resume it, and that --no-journal runs
// are not journalled.
func TestEarlyStopPrintsTheResumeCommand(t *testing.T) {
	t.Parallel()
	w := newResumeWorld(t)
	r := w.glrun(t, nil, "run", resumeRunbook, "group=no-such-group")
	if r.code != exitcode.Failed {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	id := runIDOf(t, r.stderr)
	if !strings.Contains(r.stderr, "glrun: run "+id+" stopped early; to pick it up where it stopped: glrun resume "+id+"\n") {
		t.Errorf("the report of a failed run does not say how to resume it:\n%s", r.stderr)
	}
	if in := w.runInfo(t, id); in.Status != journal.Failed || !strings.Contains(in.Error, "no group") {
		t.Errorf("runs show: %s %q, want failed with the runbook's error", in.Status, in.Error)
	}
	show := w.glrun(t, nil, "runs", "show", id)
	for _, want := range []string{"state:", "failed", "params:", "group=no-such-group", "resume it with: glrun resume " + id} {
		if !strings.Contains(show.stdout, want) {
			t.Errorf("glrun runs show does not say %q:\n%s", want, show.stdout)
		}
	}
	r = w.glrun(t, nil, "run", "--no-journal", resumeRunbook)
	if r.code != 0 || strings.Contains(r.stderr, "resume") {
		t.Errorf("--no-journal: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if infos := w.glrun(t, nil, "runs", "-o", "json"); strings.Count(infos.stdout, `"id"`) != 1 {
		t.Errorf("glrun runs lists %s; want only the failed run", infos.stdout)
	}
}

// TestCompletionOfRunIDs checks what the shells offer after 'glrun resume'
// (the runs that can be resumed, with their runbook and state) and after
// 'glrun runs show' (every run).
func TestCompletionOfRunIDs(t *testing.T) {
	t.Parallel()
	w := newResumeWorld(t)
	crashed := killedRun(t, w)
	done := runIDOf(t, w.glrun(t, nil, "run", resumeRunbook).stderr)
	for _, tt := range []struct {
		args    []string
		want    []string
		wantNot []string
	}{
		{[]string{"__complete", "resume", "--state-dir", w.state, ""}, []string{crashed + "\t" + resumeRunbook + " crashed"}, []string{done}},
		{[]string{"__complete", "runs", "show", "--state-dir", w.state, ""}, []string{crashed + "\t", done + "\t" + resumeRunbook + " finished"}, nil},
	} {
		r := w.glrun(t, nil, tt.args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s", tt.args, r.code, r.stderr)
		}
		for _, want := range tt.want {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%v: want a candidate %q, got:\n%s", tt.args, want, r.stdout)
			}
		}
		for _, not := range tt.wantNot {
			if strings.Contains(r.stdout, not) {
				t.Errorf("%v: want no candidate %q, got:\n%s", tt.args, not, r.stdout)
			}
		}
		if !strings.HasSuffix(strings.TrimSpace(r.stdout), ":4") {
			t.Errorf("%v: want the no-file directive :4, got:\n%s", tt.args, r.stdout)
		}
	}
}

// TestResumeStopsOnAnUnresolvableChange kills a run just before it sends a
// DELETE, whose effect glrun cannot look up: the resume stops with exit 1
// and says to check by hand, sending nothing.
func TestResumeStopsOnAnUnresolvableChange(t *testing.T) {
	t.Parallel()
	w := newResumeWorld(t)
	hook, k := killAt(0, false)
	k.method = http.MethodDelete
	first := w.glrun(t, hook, "run", "testdata/resume/remove_user.star")
	id := runIDOf(t, first.stderr)
	r := w.glrun(t, nil, "resume", id)
	if r.code != exitcode.Failed || !strings.Contains(r.stderr, "whether it took effect cannot be looked up; nothing was sent") || !strings.Contains(r.stderr, "DELETE /identity/v1/users/") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1: the DELETE cannot be looked up", r.code, r.stderr)
	}
	if m := r.mutations(); len(m) != 0 {
		t.Errorf("the resume sent %v", m)
	}
}

// rewriteJournal applies edit to each record of run id's journal (as a
// JSON object) and writes the journal back with valid checksums: a journal
// that is whole but says something else.
func (w *resumeWorld) rewriteJournal(t *testing.T, id string, edit func(rec map[string]any)) {
	t.Helper()
	path := filepath.Join(w.state, id, "journal.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		_, body, _ := strings.Cut(line, " ")
		var rec map[string]any
		if err := json.Unmarshal([]byte(body), &rec); err != nil {
			t.Fatalf("journal line %q: %v", line, err)
		}
		edit(rec)
		b, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "%08x %s\n", crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)), b)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestResumeStopsOnDivergence resumes a run whose journal holds a first
// request other than the one the runbook asks for: the resume stops with
// exit 1, naming both, and sends nothing.
func TestResumeStopsOnDivergence(t *testing.T) {
	t.Parallel()
	w := newResumeWorld(t)
	id := killedRun(t, w)
	w.rewriteJournal(t, id, func(rec map[string]any) {
		if req, ok := rec["request"].(map[string]any); ok && rec["seq"] == 1.0 {
			req["url"] = req["url"].(string) + "&offset=7"
		}
	})
	r := w.glrun(t, nil, "resume", id)
	if r.code != exitcode.Failed || !strings.Contains(r.stderr, "which its journal does not hold") || !strings.Contains(r.stderr, "offset=7") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1: the runbook diverged from its journal", r.code, r.stderr)
	}
	if m := r.mutations(); len(m) != 0 {
		t.Errorf("the resume sent %v", m)
	}
}

// TestResumeRefusesACorruptJournal damages a line in the middle of a
// journal: the resume refuses with exit 1, naming the line, and sends
// nothing.
func TestResumeRefusesACorruptJournal(t *testing.T) {
	t.Parallel()
	w := newResumeWorld(t)
	id := killedRun(t, w)
	path := filepath.Join(w.state, id, "journal.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.IndexByte(data, '{') + 10
	data[i] ^= 0x20
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	r := w.glrun(t, nil, "resume", id)
	if r.code != exitcode.Failed || !strings.Contains(r.stderr, "is corrupt at line 1") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1: the journal is corrupt at line 1", r.code, r.stderr)
	}
	if len(r.requests) != 0 {
		t.Errorf("the resume sent %d requests", len(r.requests))
	}
	if in := w.runInfo(t, id); !strings.Contains(in.Damage, "corrupt") {
		t.Errorf("runs show: damage %q, want the corruption", in.Damage)
	}
}

// TestResumeAsksForSecretParamsAgain runs with a secret parameter: the
// journal keeps only a salted hash of it, so the resume asks for it (exit
// 2), refuses another value (exit 3) and resumes with the same one.
func TestResumeAsksForSecretParamsAgain(t *testing.T) {
	t.Parallel()
	w := newResumeWorld(t)
	const secret = "k-9f8e7d6c5b4a"
	id := killedRun(t, w, "apiKey="+secret)
	meta, err := os.ReadFile(filepath.Join(w.state, id, "meta.json"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(meta, []byte(secret)) {
		t.Fatalf("meta.json holds the secret parameter:\n%s", meta)
	}
	if r := w.glrun(t, nil, "resume", id); r.code != exitcode.Usage || !strings.Contains(r.stderr, "apiKey hold a secret") || len(r.requests) != 0 {
		t.Errorf("resume without the secret: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if r := w.glrun(t, nil, "resume", id, "apiKey=other"); r.code != exitcode.Drift || !strings.Contains(r.stderr, `param apiKey: "(secret)" -> "(secret)"`) || strings.Contains(r.stderr, "other") {
		t.Errorf("resume with another secret: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if r := w.glrun(t, nil, "resume", id, "apiKey="+secret); r.code != 0 {
		t.Errorf("resume with the secret: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// canceller is the mode under the journal that cancels the run's context
// (as Ctrl-C does) at its at-th request, which then fails.
type canceller struct {
	at     int
	n      int
	cancel context.CancelFunc
}

func (c *canceller) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	c.n++
	if c.n == c.at {
		c.cancel()
		<-req.Context().Done()
	}
	return next.RoundTrip(req)
}

// TestInterruptedRunSaysHowToResume interrupts a run (its context
// cancelled, as by Ctrl-C) before its second job creation: it exits 130,
// its report ends with the resume command, 'glrun runs' shows it
// interrupted, and resuming it finishes it with each change sent once.
func TestInterruptedRunSaysHowToResume(t *testing.T) {
	t.Parallel()
	w := newResumeWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb bytes.Buffer
	c := &canceller{at: 3, cancel: cancel}
	code := Execute(ctx, []string{"run", "--base-url", w.url, "--state-dir", w.state, resumeRunbook},
		streams{in: strings.NewReader(""), out: &out, err: &errb, getenv: w.env,
			journal: func(s journal.Store) (journal.Store, glapi.Mode) { return s, c }})
	if code != exitcode.Interrupted {
		t.Fatalf("exit %d, want 130\n%s", code, errb.String())
	}
	id := runIDOf(t, errb.String())
	if !strings.Contains(errb.String(), "glrun resume "+id+"\n") {
		t.Errorf("the interrupted run's report does not say how to resume it:\n%s", errb.String())
	}
	if in := w.runInfo(t, id); in.Status != journal.Interrupted {
		t.Errorf("runs show: state %s, want interrupted", in.Status)
	}
	if r := w.glrun(t, nil, "resume", id); r.code != 0 {
		t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
	}
	got := changes(w.sim.Requests())
	if got["POST /compute-ops-mgmt/v1/jobs"] != 2 || got["POST /identity/v1/users"] != 1 {
		t.Errorf("changes received %v, want each once", got)
	}
}
