package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"glrun/clock"
	"glrun/exitcode"
	"glrun/glapi"
	"glrun/glapi/sim"
)

// logHook is a simulator request log that calls fn with each entry.
type logHook struct{ fn func(sim.LogEntry) }

func (h logHook) Write(p []byte) (int, error) {
	var e sim.LogEntry
	if err := json.Unmarshal(p, &e); err == nil {
		h.fn(e)
	}
	return len(p), nil
}

// newHookedSim is newTestSim whose every request is shown to hook (which
// runs after the request was handled, before it is answered).
func newHookedSim(t *testing.T, hook func(*sim.Sim, sim.LogEntry)) *sim.Sim {
	t.Helper()
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	var s *sim.Sim
	var ready sync.WaitGroup
	ready.Add(1)
	s = sim.New(sim.Options{Clock: clock.NewVirtual(start), TokenClock: clock.NewVirtual(start),
		RequestLog: logHook{func(e sim.LogEntry) { ready.Wait(); hook(s, e) }}})
	ready.Done()
	return s
}

// simToken gets an access token of the demo client from s, as another
// client of the workspace would.
func simToken(t *testing.T, s *sim.Sim) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {sim.DemoClientID}, "client_secret": {sim.DemoClientSecret}}
	req := httptest.NewRequest(http.MethodPost, "/as/token.oauth2", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	return tok.AccessToken
}

// readEvidenceFile reads an evidence file, failing on missing keys.
func readEvidenceFile(t *testing.T, path string) evidence {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no evidence file: %v", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"runbook", "params", "target", "started", "finished", "changes", "audit", "activities"} {
		if v, ok := raw[k]; !ok || string(v) == "null" {
			t.Errorf("evidence has no %q (or it is null):\n%s", k, b)
		}
	}
	var ev evidence
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// TestEvidenceOfOnboardServer: onboard_server with --evidence writes its
// changes, the audit entries of each device change and the activities of
// each job it created; an unrelated change another client makes in the
// same window (a user invited while the run adds the device) is left out.
// A second run, which changes nothing, writes empty lists.
func TestEvidenceOfOnboardServer(t *testing.T) {
	t.Parallel()
	const bystander = "bystander@example.com"
	var (
		token     string
		mu        sync.Mutex
		triggered bool
		settled   bool
	)
	invited := func(s *sim.Sim) bool {
		for _, e := range s.AuditLogs() {
			if strings.Contains(e.String("description"), bystander) {
				return true
			}
		}
		return false
	}
	s := newHookedSim(t, func(s *sim.Sim, e sim.LogEntry) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case !triggered && e.Method == http.MethodPost && e.Path == "/devices/v1/devices":
			// While the run adds its device, another client invites a user.
			triggered = true
			go func() {
				req := httptest.NewRequest(http.MethodPost, "/identity/v1/users", strings.NewReader(`{"email":"`+bystander+`","sendWelcomeEmail":false}`))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				s.ServeHTTP(httptest.NewRecorder(), req)
			}()
		case triggered && !settled:
			// The run goes on only once the invitation is in the audit log.
			for deadline := time.Now().Add(10 * time.Second); !invited(s) && time.Now().Before(deadline); {
				runtime.Gosched()
			}
			settled = true
		}
	})
	token = simToken(t, s)
	dir := t.TempDir()
	file := filepath.Join(dir, "evidence.json")
	args := []string{"../runbooks/onboard_server.star", "serial=CZ2401ONB1", "part=P52534-B21", "group=lab", "poll=5s"}
	r := glrunSim(t, s, append([]string{"run", "--sim", "--evidence", file}, args...)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !invited(s) {
		t.Fatal("the other client's invitation was not made during the run")
	}
	ev := readEvidenceFile(t, file)
	if ev.Runbook != "onboard_server.star" || ev.Params["serial"] != "CZ2401ONB1" || !strings.Contains(ev.Target, "simulator") {
		t.Errorf("evidence header: runbook %q, params %v, target %q", ev.Runbook, ev.Params, ev.Target)
	}
	if !ev.Finished.After(ev.Started) || ev.Window.From.After(ev.Started) || ev.Window.To.Before(ev.Finished) {
		t.Errorf("times: started %s, finished %s, window %s..%s", ev.Started, ev.Finished, ev.Window.From, ev.Window.To)
	}

	// Every change the run made, and only those: the simulator's log of
	// accepted changes, without the token exchange and the other client's.
	var sent []string
	for _, e := range r.requests {
		if e.Method != http.MethodGet && e.Path != "/as/token.oauth2" && e.Path != "/identity/v1/users" && e.Status < 300 {
			sent = append(sent, e.Method+" "+e.Path)
		}
	}
	if len(ev.Changes) != len(sent) || len(sent) == 0 {
		t.Errorf("%d changes in the evidence, the simulator accepted %d: %v", len(ev.Changes), len(sent), sent)
	}
	var jobs []string
	for _, ch := range ev.Changes {
		if ch.Outcome != "accepted" || ch.Status < 200 || ch.Status > 299 {
			t.Errorf("change %s: outcome %s, status %d", ch.Kind, ch.Outcome, ch.Status)
		}
		if ch.Kind == "POST "+glapi.CollectionJobs {
			jobs = append(jobs, ch.Resources...)
		}
	}

	// Every change has an entry that names what it touched.
	for _, ch := range ev.Changes {
		names := map[string]bool{}
		for _, r := range ch.Resources {
			if len(r) >= minEvidenceName {
				names[r] = true
			}
		}
		found := false
		for _, e := range ev.Audit {
			found = found || auditMatches(e, names)
		}
		for _, a := range ev.Activities {
			found = found || activityMatches(a, names)
		}
		if !found {
			t.Errorf("no audit entry or activity for the change %s %v", ch.Kind, ch.Resources)
		}
	}

	// Each device change is in the audit log; each job in the activities.
	var descriptions []string
	for _, e := range ev.Audit {
		descriptions = append(descriptions, e.String("description"))
	}
	all := strings.Join(descriptions, "\n")
	for _, want := range []string{
		"Device CZ2401ONB1 (P52534-B21) added to the workspace",
		"Device CZ2401ONB1 assigned to application",
		"applied to device CZ2401ONB1",
		"Tags of device CZ2401ONB1 updated",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no audit entry %q in the evidence:\n%s", want, all)
		}
	}
	if len(jobs) != 2 {
		t.Fatalf("job creations in the evidence: %v, want 2", jobs)
	}
	for _, id := range jobs {
		found := false
		for _, a := range ev.Activities {
			if src, _ := a["source"].(map[string]any); src["id"] == id {
				found = true
			}
		}
		if !found {
			t.Errorf("no activity of job %s in the evidence", id)
		}
	}
	b, _ := os.ReadFile(file)
	if strings.Contains(string(b), bystander) {
		t.Errorf("the other client's change is in the evidence:\n%s", b)
	}
	for _, secret := range append(s.IssuedTokens(), sim.DemoClientSecret) {
		if strings.Contains(string(b), secret) {
			t.Fatal("the evidence holds a secret")
		}
	}
	if !strings.Contains(r.stderr, "glrun: evidence: "+plural(len(ev.Changes), "change", "changes")) {
		t.Errorf("the run does not say where the evidence went:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "warning") {
		t.Errorf("warnings:\n%s", r.stderr)
	}

	// A second run changes nothing: empty lists, and nothing read for them.
	again := filepath.Join(dir, "again.json")
	r = glrunSim(t, s, append([]string{"run", "--sim", "--evidence", again}, args...)...)
	if r.code != 0 {
		t.Fatalf("second run: exit %d: %s", r.code, r.stderr)
	}
	ev = readEvidenceFile(t, again)
	if len(ev.Changes) != 0 || len(ev.Audit) != 0 || len(ev.Activities) != 0 {
		t.Errorf("second run: %d changes, %d audit entries, %d activities; want none", len(ev.Changes), len(ev.Audit), len(ev.Activities))
	}
	for _, e := range r.requests {
		if strings.HasPrefix(e.Path, "/audit-log/") || strings.HasSuffix(e.Path, "/activities") {
			t.Errorf("a run without changes read %s for evidence", e.Path)
		}
	}
}

// TestEvidenceOfFailedRunAndUnreadableLog: a run that fails still writes
// its evidence (exit code unchanged); when the audit log cannot be read
// after the run, the file keeps the changes, says it is incomplete, and the
// run warns without changing its exit code.
func TestEvidenceOfFailedRunAndUnreadableLog(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rb := filepath.Join(dir, "power_on_one.star")
	src := `"""Power on the first server, and fail if asked."""

def main(fail_after = False):
    """Power on one server.

    fail_after: fail once the job is created
    """
    job = compute.jobs.create("power_on", compute.servers.list()[0])
    if fail_after:
        fail("failing on purpose after job " + job.id)
    return job.id
`
	if err := os.WriteFile(rb, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}

	s := newTestSim(t)
	failed := filepath.Join(dir, "failed.json")
	r := glrunSim(t, s, "run", "--sim", "--evidence", failed, rb, "fail_after=true")
	if r.code != exitcode.Failed {
		t.Fatalf("exit %d, want %d: %s", r.code, exitcode.Failed, r.stderr)
	}
	ev := readEvidenceFile(t, failed)
	if ev.Status != statusFailed || len(ev.Changes) != 1 || len(ev.Activities) == 0 || ev.Incomplete != "" {
		t.Errorf("failed run: status %s, %d changes, %d activities, incomplete %q; want failed, 1, some, complete",
			ev.Status, len(ev.Changes), len(ev.Activities), ev.Incomplete)
	}

	// Every request after the job creation is answered 503.
	s = newHookedSim(t, func(s *sim.Sim, e sim.LogEntry) {
		if e.Method == http.MethodPost && e.Path == glapi.CollectionJobs {
			s.SetFaults(sim.Faults{Rates: map[string]float64{"503": 1}})
		}
	})
	broken := filepath.Join(dir, "broken.json")
	r = glrunSim(t, s, "run", "--sim", "--evidence", broken, rb)
	if r.code != 0 {
		t.Fatalf("exit %d, want 0 (evidence is a warning): %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "glrun: warning: evidence incomplete (the run's outcome is unchanged): reading the audit log") {
		t.Errorf("no warning about the evidence:\n%s", r.stderr)
	}
	ev = readEvidenceFile(t, broken)
	if len(ev.Changes) != 1 || !strings.Contains(ev.Incomplete, "reading the audit log") {
		t.Errorf("evidence with an unreadable log: %d changes, incomplete %q", len(ev.Changes), ev.Incomplete)
	}
	for _, e := range r.requests {
		if e.Method != http.MethodGet && e.Path != glapi.CollectionJobs && e.Path != "/as/token.oauth2" {
			t.Errorf("a change sent for evidence: %s %s", e.Method, e.Path)
		}
	}
}

// TestEvidenceNotWithDryRun: --evidence with --dry-run is a usage error,
// with nothing sent; plan does not take it.
func TestEvidenceNotWithDryRun(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	file := filepath.Join(t.TempDir(), "ev.json")
	r := glrunSim(t, s, "run", "--sim", "--dry-run", "--evidence", file, "../runbooks/power_cycle.star", "group=prod-web")
	if r.code != exitcode.Usage || !strings.Contains(r.stderr, "--evidence and --dry-run do not go together") {
		t.Errorf("run --dry-run --evidence: exit %d, stderr %q", r.code, r.stderr)
	}
	r2 := glrunSim(t, s, "plan", "--sim", "--evidence", file, "../runbooks/power_cycle.star", "group=prod-web")
	if r2.code != exitcode.Usage || !strings.Contains(r2.stderr, "unknown flag: --evidence") {
		t.Errorf("plan --evidence: exit %d, stderr %q", r2.code, r2.stderr)
	}
	if len(r.requests)+len(r2.requests) != 0 {
		t.Errorf("%d requests sent", len(r.requests)+len(r2.requests))
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("an evidence file was written")
	}
}

// TestEvidenceMatching: entries are matched by whole names, never by a
// name inside a longer one.
func TestEvidenceMatching(t *testing.T) {
	t.Parallel()
	names := map[string]bool{"CZ2401ONB1": true, "ana@example.com": true}
	for text, want := range map[string]bool{
		"Device CZ2401ONB1 (P52534-B21) added":    true,
		"Tags of device CZ2401ONB1 updated":       true,
		"Device CZ2401ONB10 added":                false,
		"Device XCZ2401ONB1 added":                false,
		"User ana@example.com invited":            true,
		"User diana@example.com invited":          false,
		"User ana@example.community invited":      false,
		"Members changed (added ana@example.com)": true,
	} {
		if got := mentions(text, names); got != want {
			t.Errorf("mentions(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestEvidenceOfApply: apply --evidence records the plan's changes as sent
// and the activities of the jobs they created.
func TestEvidenceOfApply(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	path, _ := makePlanFile(t, s, "../runbooks/power_cycle.star", "group=prod-web")
	p := readPlan(t, path)
	file := filepath.Join(t.TempDir(), "apply.evidence.json")
	a := glrunSim(t, s, "apply", "--sim", "--evidence", file, path)
	if a.code != 0 {
		t.Fatalf("apply: exit %d\n%s", a.code, a.stderr)
	}
	ev := readEvidenceFile(t, file)
	if ev.Runbook != "power_cycle.star" || ev.Params["group"] != "prod-web" || len(ev.Changes) != len(p.Mutations) || len(p.Mutations) == 0 {
		t.Fatalf("apply evidence: runbook %q, params %v, %d changes; the plan has %d", ev.Runbook, ev.Params, len(ev.Changes), len(p.Mutations))
	}
	for _, ch := range ev.Changes {
		if ch.Kind != "POST "+glapi.CollectionJobs || len(ch.Resources) != 1 {
			t.Errorf("change %s: resources %v, want a job creation and its job", ch.Kind, ch.Resources)
			continue
		}
		n := 0
		for _, a := range ev.Activities {
			if src, _ := a["source"].(map[string]any); src["id"] == ch.Resources[0] {
				n++
			}
		}
		if n != 2 {
			t.Errorf("job %s: %d activities in the evidence, want 2 (created, completed)", ch.Resources[0], n)
		}
	}
}
