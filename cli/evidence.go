package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"glrun/clock"
	"glrun/glapi"
)

// Evidence (--evidence, docs/evidence.md) is the record of what a run
// changed, for change records: the changes the run sent (accepted, or with
// an unknown outcome), and the audit log entries and Compute Ops Management
// activities that belong to them, read after the run. Entries belong to the
// run's changes when they name one of the resources the changes touched (by
// id, serial number, username, email or name, as the requests and their
// answers gave them) and were written between the run's start and end on
// the run's clock, widened by evidenceSkew on each side.

// evidenceSkew is the margin for the difference between the run's clock and
// the server's, and for entries the platform writes a little after the
// answer (the completion of an async operation).
const evidenceSkew = time.Minute

// evidenceTimeout bounds the reads of the audit log and activities after
// the run.
const evidenceTimeout = 2 * time.Minute

// minEvidenceName is the shortest name an entry is matched by: shorter
// ones (a group called "lab") would match unrelated text.
const minEvidenceName = 5

// registerEvidenceFlag adds --evidence to run and apply.
func registerEvidenceFlag(fs *pflag.FlagSet, f *sessionFlags) {
	fs.StringVar(&f.evidence, "evidence", "",
		"once the runbook has run (failed too), write to this file as JSON the run's changes and the audit log entries and "+
			"Compute Ops Management activities that belong to them (read after the run, reads only; see docs/evidence.md); "+
			"a failure to read them is a warning")
}

// evidenceChange is one change the run sent.
type evidenceChange struct {
	// At is when its answer came, on the run's clock.
	At time.Time `json:"at"`
	// Kind is "METHOD collection/{id}[/action]" (glapi.Call.Kind).
	Kind   string `json:"kind"`
	Method string `json:"method"`
	// Collection and ID are the object changed (ID "" for the collection).
	Collection string `json:"collection"`
	ID         string `json:"id,omitempty"`
	Action     string `json:"action,omitempty"`
	// Status is the HTTP status of the answer, 0 when none came.
	Status int `json:"status"`
	// Outcome is "accepted" (2xx) or "unknown" (500, 502, 504 or no answer
	// after sending: the audit log is how to find out).
	Outcome string `json:"outcome"`
	// Resources are the ids and names of what it created or changed, as the
	// request and its answer gave them and as the run read them.
	Resources []string `json:"resources"`
}

// evidence is the evidence file.
type evidence struct {
	Runbook  string            `json:"runbook"`
	Params   map[string]string `json:"params"`
	Target   string            `json:"target"`
	Status   string            `json:"status"`
	Started  time.Time         `json:"started"`
	Finished time.Time         `json:"finished"`
	// Window is the time the entries were looked for in: started..finished
	// widened by the skew.
	Window struct {
		From time.Time `json:"from"`
		To   time.Time `json:"to"`
		Skew string    `json:"skew"`
	} `json:"window"`
	Changes    []evidenceChange `json:"changes"`
	Audit      []glapi.Object   `json:"audit"`
	Activities []glapi.Object   `json:"activities"`
	// Incomplete says why the entries could not all be read, when they
	// could not.
	Incomplete string `json:"incomplete,omitempty"`
}

// evidenceRecorder is a glapi.Mode on top of the run's report: it notes
// each change the run sends with the ids and names of what it touched, and
// the names (serial numbers, usernames...) of the objects the run reads, so
// that a change given by id can be matched to an audit entry that names the
// object. Once the run is over (done), it lets reads only through, straight
// to the network, uncounted by the run's report.
type evidenceRecorder struct {
	next  glapi.Mode
	clock clock.Clock
	start time.Time

	mu      sync.Mutex
	changes []evidenceChange
	names   map[string]map[string]bool // object id -> names seen for it
	done    bool
}

// newEvidenceRecorder starts recording a run whose waits use clk.
func newEvidenceRecorder(next glapi.Mode, clk clock.Clock) *evidenceRecorder {
	return &evidenceRecorder{next: next, clock: clk, start: clk.Now(), names: map[string]map[string]bool{}}
}

// errEvidenceWrite refuses a change sent after the run, for evidence.
var errEvidenceWrite = errors.New("evidence collection sends reads only")

// RoundTrip hands req to the run's report (and so to its mode), noting the
// changes and the names in the answers.
func (e *evidenceRecorder) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	e.mu.Lock()
	done := e.done
	e.mu.Unlock()
	if done {
		if req.Method != http.MethodGet {
			return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, errEvidenceWrite)
		}
		return next.RoundTrip(req)
	}
	call, described := glapi.CallOf(req)
	if !described {
		call = glapi.Call{Method: req.Method, Collection: req.URL.Path, Mutates: req.Method != http.MethodGet && req.Method != http.MethodHead}
	}
	var sentNames []string
	if call.Mutates {
		sentNames = requestNames(req)
	}
	resp, err := e.next.RoundTrip(req, next)
	ok := err == nil && resp != nil && resp.StatusCode >= 200 && resp.StatusCode < 300
	var body []byte
	if ok && resp.Body != nil && resp.Body != http.NoBody {
		b, rerr := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(b))
		if rerr == nil {
			body = b
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(body) > 0 {
		e.learn(body)
	}
	if !call.Mutates || call.Token {
		return resp, err
	}
	ch := evidenceChange{At: e.clock.Now(), Kind: call.Kind(), Method: call.Method, Collection: call.Collection,
		ID: call.ID, Action: call.Action, Resources: sentNames}
	switch {
	case ok:
		ch.Outcome = "accepted"
	case err == nil && resp != nil && (resp.StatusCode == http.StatusInternalServerError ||
		resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusGatewayTimeout):
		ch.Outcome = "unknown"
	case err != nil && errors.Is(err, glapi.ErrOutcomeUnknown):
		ch.Outcome = "unknown"
	default:
		return resp, err // refused or never sent: no change
	}
	if resp != nil {
		ch.Status = resp.StatusCode
		if loc := resp.Header.Get("Location"); loc != "" {
			ch.Resources = append(ch.Resources, glapi.IDOf(strings.TrimRight(loc, "/")))
		}
	}
	if call.ID != "" {
		ch.Resources = append(ch.Resources, call.ID)
	}
	ch.Resources = append(ch.Resources, req.URL.Query()["id"]...)
	if len(body) > 0 {
		var created struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(body, &created) == nil && created.ID != "" {
			ch.Resources = append(ch.Resources, created.ID)
		}
	}
	e.changes = append(e.changes, ch)
	return resp, err
}

// nameKeys are the request and answer fields that name an object in the
// words an audit entry uses. Nothing else of a body is kept.
var nameKeys = map[string]bool{
	"serialNumber": true, "email": true, "userName": true, "username": true,
	"displayName": true, "credentialName": true, "principal": true, "name": true,
}

// requestNames returns the names a change's body gives the objects it
// creates or changes (a device's serial number, a user's email...), and the
// ids of the devices it adds to a group. Nothing else of the body is kept.
func requestNames(req *http.Request) []string {
	if req.GetBody == nil {
		return nil
	}
	rc, err := req.GetBody()
	if err != nil {
		return nil
	}
	defer rc.Close()
	var v any
	if json.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(&v) != nil {
		return nil
	}
	var out []string
	if m, ok := v.(map[string]any); ok {
		if devs, ok := m["devices"].([]any); ok {
			for _, d := range devs {
				if dm, ok := d.(map[string]any); ok {
					if id, ok := dm["id"].(string); ok {
						out = append(out, id)
					}
				}
			}
		}
	}
	walkNames(v, 0, func(_, name string) { out = append(out, name) })
	return out
}

// walkNames calls fn with the nameKeys fields of every object in v (to a
// depth of 4), the object's id first ("" when it has none).
func walkNames(v any, depth int, fn func(id, name string)) {
	if depth > 4 {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		id, _ := v["id"].(string)
		_, isJob := v["jobTemplate"]
		for k, f := range v {
			// A job's name is its template's, shared by every job of it.
			if s, ok := f.(string); ok && nameKeys[k] && !(isJob && k == "name") {
				fn(id, s)
			}
		}
		if hw, ok := v["hardware"].(map[string]any); ok {
			if s, ok := hw["serialNumber"].(string); ok {
				fn(id, s)
			}
		}
		for k, f := range v {
			if k != "hardware" {
				walkNames(f, depth+1, fn)
			}
		}
	case []any:
		for _, f := range v {
			walkNames(f, depth+1, fn)
		}
	}
}

// learn notes the names of the objects in an answer. Callers hold e.mu.
func (e *evidenceRecorder) learn(body []byte) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return
	}
	walkNames(v, 0, func(id, name string) {
		if id == "" || name == "" {
			return
		}
		if e.names[id] == nil {
			e.names[id] = map[string]bool{}
		}
		e.names[id][name] = true
	})
}

// finish ends the run's part: from now on only reads go through. It
// returns the changes, each with the names the run learned for the ids it
// touched, and the set of names the entries are matched by.
func (e *evidenceRecorder) finish() ([]evidenceChange, map[string]bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.done = true
	match := map[string]bool{}
	changes := make([]evidenceChange, len(e.changes))
	for i, ch := range e.changes {
		seen := map[string]bool{}
		var res []string
		add := func(s string) {
			if s = strings.TrimSpace(s); s != "" && !seen[s] {
				seen[s] = true
				res = append(res, s)
			}
		}
		for _, r := range ch.Resources {
			add(r)
			names := make([]string, 0, len(e.names[r]))
			for n := range e.names[r] {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				add(n)
			}
		}
		ch.Resources = res
		if ch.Resources == nil {
			ch.Resources = []string{}
		}
		for _, r := range res {
			if len(r) >= minEvidenceName {
				match[r] = true
			}
		}
		changes[i] = ch
	}
	return changes, match
}

// collectEvidence writes the evidence of the run ss ran to path: its
// changes, then the audit log entries and activities read after the run.
// A failure to read or write them is returned as a warning for the caller
// to print; the run's outcome is not changed by it.
func collectEvidence(ctx context.Context, ss *session, path, runbook string, params []string, runErr error) (summary string, warning error) {
	ev := evidence{Runbook: runbook, Params: evidenceParams(params), Changes: []evidenceChange{},
		Audit: []glapi.Object{}, Activities: []glapi.Object{}, Status: statusOf(exitCodeOf(runErr))}
	var scrub *glapi.Scrubber
	if ss != nil && ss.evidence != nil {
		ev.Target = ss.target.describe()
		rec := ss.evidence
		ev.Started, ev.Finished = rec.start.UTC(), rec.clock.Now().UTC()
		var match map[string]bool
		ev.Changes, match = rec.finish()
		for _, j := range ss.report.snapshot().Jobs {
			// Jobs adopted after an unknown outcome are the run's too.
			match[j.ID] = true
		}
		ev.Window.From, ev.Window.To = ev.Started.Add(-evidenceSkew), ev.Finished.Add(evidenceSkew)
		ev.Window.Skew = evidenceSkew.String()
		scrub = ss.client.Scrubber()
		if len(ev.Changes) > 0 {
			// An interrupted run's evidence is collected too (a second
			// Ctrl-C exits at once); the reads have their own deadline.
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), evidenceTimeout)
			warning = readEvidence(ctx, ss.client, &ev, match)
			cancel()
			if warning != nil {
				ev.Incomplete = scrub.String(warning.Error())
			}
		}
	}
	b, err := json.MarshalIndent(ev, "", "  ")
	if err != nil {
		return "", errors.Join(warning, fmt.Errorf("encoding the evidence: %w", err))
	}
	if scrub != nil {
		b = scrub.Bytes(b)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return "", errors.Join(warning, fmt.Errorf("writing the evidence: %w", err))
	}
	return fmt.Sprintf("%s, %s and %s written to %s", plural(len(ev.Changes), "change", "changes"),
		plural(len(ev.Audit), "audit log entry", "audit log entries"), plural(len(ev.Activities), "activity", "activities"), path), warning
}

// readEvidence reads the audit log and the activities of the window and
// keeps the entries that name one of match.
func readEvidence(ctx context.Context, c *glapi.Client, ev *evidence, match map[string]bool) error {
	// The audit log filters createdAt with ge and lt only; whole seconds
	// around the window, which inWindow then narrows.
	filter := fmt.Sprintf("createdAt ge %s and createdAt lt %s",
		ev.Window.From.Truncate(time.Second).Format(time.RFC3339), ev.Window.To.Truncate(time.Second).Add(time.Second).Format(time.RFC3339))
	var errs []error
	logs, err := c.Audit.Logs(ctx, glapi.ListOptions{Filter: filter})
	if err != nil {
		errs = append(errs, fmt.Errorf("reading the audit log: %w", err))
	}
	for _, o := range logs {
		if inWindow(o, ev) && auditMatches(o, match) {
			ev.Audit = append(ev.Audit, o)
		}
	}
	acts, err := c.Audit.Activities(ctx, glapi.ListOptions{Filter: filter})
	if err != nil {
		errs = append(errs, fmt.Errorf("reading the Compute Ops Management activities: %w", err))
	}
	for _, o := range acts {
		if inWindow(o, ev) && activityMatches(o, match) {
			ev.Activities = append(ev.Activities, o)
		}
	}
	for _, l := range [][]glapi.Object{ev.Audit, ev.Activities} {
		sort.SliceStable(l, func(i, j int) bool { return l[i].String("createdAt") < l[j].String("createdAt") })
	}
	return errors.Join(errs...)
}

// inWindow reports whether o's createdAt is in the evidence window (an
// entry whose time does not parse is kept: the server chose it by time).
func inWindow(o glapi.Object, ev *evidence) bool {
	t, err := time.Parse(time.RFC3339Nano, o.String("createdAt"))
	if err != nil {
		return true
	}
	return !t.Before(ev.Window.From) && !t.After(ev.Window.To)
}

// auditMatches reports whether an audit entry names one of match: in its
// description, as a whole word, or as one of its additionalInfo values.
func auditMatches(o glapi.Object, match map[string]bool) bool {
	if info, ok := o["additionalInfo"].(map[string]any); ok {
		for _, v := range info {
			if s, ok := v.(string); ok && match[s] {
				return true
			}
		}
	}
	return mentions(o.String("description"), match)
}

// activityMatches reports whether an activity is about one of match: its
// source (id, resource URI, display name), its server, or its message.
func activityMatches(o glapi.Object, match map[string]bool) bool {
	if src, ok := o["source"].(map[string]any); ok {
		for _, k := range []string{"id", "displayName"} {
			if s, ok := src[k].(string); ok && match[s] {
				return true
			}
		}
		if s, ok := src["resourceUri"].(string); ok && s != "" && match[glapi.IDOf(s)] {
			return true
		}
	}
	if s := o.String("associatedServerUri"); s != "" && match[glapi.IDOf(s)] {
		return true
	}
	return mentions(o.String("message"), match)
}

// mentions reports whether text holds one of names as a whole word (not
// preceded or followed by a letter, digit, '-' or '_').
func mentions(text string, names map[string]bool) bool {
	for n := range names {
		for i := 0; ; {
			k := strings.Index(text[i:], n)
			if k < 0 {
				break
			}
			at := i + k
			end := at + len(n)
			if (at == 0 || !wordByte(text[at-1])) && (end == len(text) || !wordByte(text[end])) {
				return true
			}
			i = at + 1
		}
	}
	return false
}

// wordByte reports whether c continues a word, an id or a serial number.
func wordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// evidenceParams returns the run's parameters by name, with the values of
// those whose name says they are secret (secret, password, token) masked.
func evidenceParams(params []string) map[string]string {
	out := map[string]string{}
	for _, p := range params {
		name, value, _ := strings.Cut(p, "=")
		low := strings.ToLower(name)
		if strings.Contains(low, "secret") || strings.Contains(low, "password") || strings.Contains(low, "token") {
			value = "****"
		}
		out[name] = value
	}
	return out
}

// finishEvidence writes the evidence file when --evidence was given, and
// says on standard error what it holds, or, as a warning, what could not
// be read or written. The run's outcome (runErr) is unchanged.
func finishEvidence(ctx context.Context, s streams, f *sessionFlags, ss *session, runbook string, params []string, runErr error) {
	if f.evidence == "" {
		return
	}
	summary, warn := collectEvidence(ctx, ss, f.evidence, runbook, params, runErr)
	if summary != "" {
		fmt.Fprintln(s.err, "glrun: evidence: "+summary)
	}
	if warn != nil {
		fmt.Fprintf(s.err, "glrun: warning: evidence incomplete (the run's outcome is unchanged): %v\n", warn)
	}
}
