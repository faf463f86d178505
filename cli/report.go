package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"go.starlark.net/starlark"

	"glrun/builtins"
	"glrun/clock"
	"glrun/exitcode"
	"glrun/glapi"
)

// Run outcomes, as the report's "status" says them.
const (
	statusOK          = "ok"
	statusFailed      = "failed"
	statusUsage       = "usage"
	statusDrift       = "drift"
	statusTimeout     = "timeout"
	statusInterrupted = "interrupted"
)

// report is what a run did, told on every exit path (success, failure,
// timeout, interrupt): the requests and changes sent, the jobs it created
// or adopted with their last known states, and the time it took on the wall
// and on the run's clock. It is a glapi.Mode that wraps the tally, watching
// the answers about jobs go by. It holds no secrets: it keeps ids, states
// and counts only.
type report struct {
	next  *tally
	clock clock.Clock

	wallStart time.Time
	simStart  time.Time

	mu       sync.Mutex
	jobs     map[string]*jobSeen
	seq      int
	inFlight int // jobs of the run not known to be finished
	creating int // job creations sent and not yet answered
}

// jobSeen is one job the run created (or adopted after an unknown outcome).
type jobSeen struct {
	ID         string `json:"id"`
	Template   string `json:"template"`
	ResourceID string `json:"resourceId"`
	State      string `json:"state"`
	Status     string `json:"status,omitempty"`
	order      int
}

// newReport starts the report of a run whose waits use clk.
func newReport(next *tally, clk clock.Clock) *report {
	if clk == nil {
		clk = clock.Real{}
	}
	return &report{next: next, clock: clk, wallStart: time.Now(), simStart: clk.Now(), jobs: map[string]*jobSeen{}}
}

// RoundTrip hands req to the tally (and so to the run's mode) and notes the
// jobs in the answer. Only answers that can tell the report something are
// read: job creations, outcome checks, a job of the run read by id, and
// pages of jobs while the run has jobs in flight. A run that lists 100,000
// jobs it did not create leaves their pages to the client alone.
func (r *report) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	call, ok := glapi.CallOf(req)
	isJobs := ok && call.Collection == glapi.CollectionJobs
	creation := isJobs && call.IsJobCreation()
	if creation {
		r.mu.Lock()
		r.creating++
		r.mu.Unlock()
		defer func() {
			r.mu.Lock()
			r.creating--
			r.mu.Unlock()
		}()
	}
	resp, err := r.next.RoundTrip(req, next)
	if err != nil || resp == nil || resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, err
	}
	if !isJobs || resp.Body == nil || resp.Body == http.NoBody || !r.wants(call) {
		return resp, nil
	}
	b, rerr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if rerr != nil {
		// Leave the short body for the client, which reports the failure.
		return resp, nil
	}
	r.observe(call, b)
	return resp, nil
}

// wants reports whether the answer to call can change the report: a job
// creation, an outcome check, a job of the run by id, or a page of jobs
// while the run has jobs in flight (or creations unanswered).
func (r *report) wants(call glapi.Call) bool {
	if call.IsJobCreation() || call.OutcomeCheck {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if call.ID != "" {
		_, known := r.jobs[call.ID]
		return known
	}
	return r.inFlight > 0 || r.creating > 0
}

// observe notes the jobs in an answer about jobs: a created job, a job
// read back (GET /jobs/{id}) or a page of jobs (GET /jobs), of which only
// those the run knows are updated, unless the page answers glapi's check
// for a job whose creation had an unknown outcome (those jobs are adopted
// by the run).
func (r *report) observe(call glapi.Call, body []byte) {
	var one struct {
		jobJSON
		Items []jobJSON `json:"items"`
	}
	if json.Unmarshal(body, &one) != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case call.IsJobCreation():
		r.note(one.jobJSON, true)
	case call.ID == "":
		for _, j := range one.Items {
			r.note(j, call.OutcomeCheck)
		}
	default:
		r.note(one.jobJSON, false)
	}
}

// jobJSON is the part of a job the report reads.
type jobJSON struct {
	ID          string `json:"id"`
	JobTemplate string `json:"jobTemplate"`
	State       string `json:"state"`
	Status      string `json:"status"`
	Resource    struct {
		ID string `json:"id"`
	} `json:"resource"`
}

// note records j; a job not seen before is added only when created.
// Callers hold r.mu.
func (r *report) note(j jobJSON, created bool) {
	if j.ID == "" {
		return
	}
	js, ok := r.jobs[j.ID]
	if !ok {
		if !created {
			return
		}
		r.seq++
		js = &jobSeen{ID: j.ID, ResourceID: j.Resource.ID, order: r.seq, Template: j.JobTemplate}
		if t, ok := glapi.TemplateByID(j.JobTemplate); ok {
			js.Template = t.Alias
		}
		r.jobs[j.ID] = js
		r.inFlight++ // no state yet: not finished
	}
	if j.State != "" {
		was := glapi.JobFinished(js.State)
		js.State = j.State
		switch now := glapi.JobFinished(j.State); {
		case now && !was:
			r.inFlight--
		case was && !now:
			r.inFlight++
		}
	}
	if j.Status != "" {
		js.Status = j.Status
	}
}

// runReport is the report as printed by -o json.
type runReport struct {
	Runbook   string         `json:"runbook"`
	Target    string         `json:"target,omitempty"`
	Status    string         `json:"status"`
	ExitCode  int            `json:"exitCode"`
	Error     string         `json:"error,omitempty"`
	Result    any            `json:"result,omitempty"`
	Requests  int            `json:"requests"`
	Attempts  int            `json:"attempts"` // sent, retries included
	Changes   int            `json:"changes"`  // accepted (2xx)
	Refused   int            `json:"refused"`  // changes answered with an error that says they were not processed
	Unknown   int            `json:"unknownOutcome"`
	Mutations map[string]int `json:"mutations"`
	Jobs      []jobSeen      `json:"jobs"`
	InFlight  []string       `json:"inFlight"`
	// Warnings are what the operator should know about a run that
	// succeeded, such as jobs it never waited for.
	Warnings []string        `json:"warnings,omitempty"`
	Elapsed  elapsedDuration `json:"elapsed"`
}

// elapsedDuration is how long the run took on the wall clock and on the
// run's clock (the simulator's, or a replay's virtual one).
type elapsedDuration struct {
	Wall      string  `json:"wall"`
	WallSec   float64 `json:"wallSeconds"`
	Simulated string  `json:"simulated"`
	SimSec    float64 `json:"simulatedSeconds"`
}

// snapshot returns the report so far.
func (r *report) snapshot() runReport {
	wall := time.Since(r.wallStart).Round(time.Millisecond)
	sim := r.clock.Now().Sub(r.simStart).Round(time.Millisecond)
	out := runReport{
		Mutations: map[string]int{},
		Jobs:      []jobSeen{},
		InFlight:  []string{},
		Elapsed:   elapsedDuration{Wall: wall.String(), WallSec: wall.Seconds(), Simulated: sim.String(), SimSec: sim.Seconds()},
	}
	if r.next != nil {
		c := r.next.counts()
		out.Requests, out.Attempts, out.Changes, out.Refused, out.Unknown = c.Requests, c.Attempts, c.Changes, c.Refused, c.Unknown
		out.Mutations = c.Mutations
	}
	r.mu.Lock()
	for _, j := range r.jobs {
		out.Jobs = append(out.Jobs, *j)
	}
	r.mu.Unlock()
	sort.Slice(out.Jobs, func(i, k int) bool { return out.Jobs[i].order < out.Jobs[k].order })
	for _, j := range out.Jobs {
		if !glapi.JobFinished(j.State) {
			out.InFlight = append(out.InFlight, j.ID)
		}
	}
	if w := unfinishedWarning(out.Jobs); w != "" {
		out.Warnings = append(out.Warnings, w)
	}
	return out
}

// statusOf names the outcome of exit code.
func statusOf(code int) string {
	switch code {
	case exitcode.OK:
		return statusOK
	case exitcode.Usage:
		return statusUsage
	case exitcode.Drift:
		return statusDrift
	case exitcode.Timeout:
		return statusTimeout
	case exitcode.Interrupted:
		return statusInterrupted
	}
	return statusFailed
}

// human writes the report's summary for standard error: one line with the
// outcome, the time and the requests, one with the jobs, and, when jobs are
// still running, which ones (they go on in GreenLake).
func (rr runReport) human(w io.Writer) {
	verb := statusVerb(rr.Status)
	prep := "after"
	if rr.Status == statusOK {
		prep = "in"
	}
	fmt.Fprintf(w, "glrun: %s %s %s %s (simulated %s): %s\n", rr.Runbook, verb, prep, rr.Elapsed.Wall, rr.Elapsed.Simulated, rr.changesText())
	rr.humanJobs(w)
}

// statusVerb is how the summary says status: "done", "failed", "timed
// out" ...
func statusVerb(status string) string {
	return map[string]string{
		statusOK: "done", statusFailed: "failed", statusUsage: "stopped",
		statusDrift: "stopped on drift", statusTimeout: "timed out", statusInterrupted: "interrupted",
	}[status]
}

// printJobs writes the jobs part of the run's summary (see humanJobs) for a
// run that ended with exit code: commands that print their own headline
// (apply) list the jobs they started and those still in flight with it.
func (ss *session) printJobs(w io.Writer, code int) {
	rr := ss.report.snapshot()
	rr.Status = statusOf(code)
	rr.humanJobs(w)
}

// humanJobs writes the jobs part of the summary: how many jobs in which
// states and, when the run stopped with jobs still running, which ones (they
// go on in GreenLake); when the run succeeded with jobs still running (a
// runbook that never waited for them), the warning that says so.
func (rr runReport) humanJobs(w io.Writer) {
	if len(rr.Jobs) == 0 {
		return
	}
	fmt.Fprintf(w, "glrun: jobs: %d (%s)\n", len(rr.Jobs), stateCounts(rr.Jobs))
	if len(rr.InFlight) == 0 {
		return
	}
	if rr.Status == statusOK {
		for _, warning := range rr.Warnings {
			fmt.Fprintf(w, "glrun: warning: %s\n", warning)
		}
		return
	}
	fmt.Fprintf(w, "glrun: %d job(s) still in flight in GreenLake (not cancelled by glrun):\n", len(rr.InFlight))
	for _, j := range rr.Jobs {
		if !glapi.JobFinished(j.State) {
			fmt.Fprintf(w, "  %s %s on %s: %s\n", j.ID, j.Template, j.ResourceID, j.State)
		}
	}
}

// stateCounts is "2 COMPLETE, 1 RUNNING": how many of jobs are in each
// state, states sorted by name (UNKNOWN for a job whose state no answer
// gave).
func stateCounts(jobs []jobSeen) string {
	counts := map[string]int{}
	for _, j := range jobs {
		s := j.State
		if s == "" {
			s = "UNKNOWN"
		}
		counts[s]++
	}
	states := make([]string, 0, len(counts))
	for s := range counts {
		states = append(states, s)
	}
	sort.Strings(states)
	parts := make([]string, len(states))
	for i, s := range states {
		parts[i] = fmt.Sprintf("%d %s", counts[s], s)
	}
	return strings.Join(parts, ", ")
}

// unfinishedWarning is the warning of a run that ended with jobs still
// running: "9 jobs were still PENDING when the runbook ended; they keep
// running in GreenLake", or "" when every job had finished.
func unfinishedWarning(jobs []jobSeen) string {
	var open []jobSeen
	for _, j := range jobs {
		if !glapi.JobFinished(j.State) {
			open = append(open, j)
		}
	}
	if len(open) == 0 {
		return ""
	}
	states := stateCounts(open)
	what := fmt.Sprintf("%s were still in flight (%s)", plural(len(open), "job", "jobs"), states)
	if !strings.Contains(states, ",") {
		// One state: "9 jobs were still PENDING".
		_, state, _ := strings.Cut(states, " ")
		what = fmt.Sprintf("%s %s still %s", plural(len(open), "job", "jobs"), doesDo(len(open), "was", "were"), state)
	}
	return what + " when the runbook ended; they keep running in GreenLake (wait for them with compute.jobs.wait_all to know how they end)"
}

// changesText is "N API requests, M changes (POST /x ×2, ...)" (see
// tallyCounts.text).
func (rr runReport) changesText() string {
	return tallyCounts{Requests: rr.Requests, Attempts: rr.Attempts, Changes: rr.Changes,
		Refused: rr.Refused, Unknown: rr.Unknown, Mutations: rr.Mutations}.text()
}

// finishRun prints the run's report, whatever the outcome: with output
// "json" as JSON on stdout (main's result inside it), else main's result on
// stdout; a failed run's partial result (fail(result=...)) is printed as
// main's result would be; the human summary always goes to standard error. ss is nil when
// the run stopped before connecting. It returns runErr, so the caller exits
// with its code.
func finishRun(s streams, output string, ss *session, name string, result starlark.Value, runErr error) error {
	var rr runReport
	if ss != nil {
		rr = ss.report.snapshot()
		rr.Target = ss.target.describe()
	} else {
		rr = newReport(nil, nil).snapshot()
	}
	rr.Runbook = name
	rr.ExitCode = exitCodeOf(runErr)
	rr.Status = statusOf(rr.ExitCode)
	if runErr != nil {
		rr.Error = s.scrub.String(runErr.Error())
	}
	// A run that failed with fail(result=...) still reports what it did.
	partial := builtins.PartialResult(runErr)
	if partial != nil && (result == nil || result == starlark.None) {
		result = partial
	}
	if output == "json" {
		if result != nil && result != starlark.None {
			if v, err := builtins.FromStarlark(result); err == nil {
				rr.Result = v
			} else {
				rr.Result = result.String()
			}
		}
		b, err := json.MarshalIndent(rr, "", "  ")
		if err != nil {
			return fmt.Errorf("printing the run report: %w", err)
		}
		fmt.Fprintln(s.out, string(s.scrub.Bytes(b)))
	} else if runErr == nil || partial != nil {
		if err := printResult(s.scrubbed(s.out), result); err != nil {
			return err
		}
	}
	if ss != nil {
		rr.human(s.scrubbed(s.err))
	}
	return runErr
}

// exitCodeOf is the exit code err carries (0 for nil, 1 when it carries none).
func exitCodeOf(err error) int {
	if err == nil {
		return exitcode.OK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitcode.Failed
}
