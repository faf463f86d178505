package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/go-cmp/cmp"

	"glrun/glapi"
	"glrun/internal/httpbody"
)

// ErrNotArmed is returned for any request an Apply receives before Arm:
// the plan's target has not been checked yet, so nothing may be sent.
var ErrNotArmed = errors.New("apply: the target has not been checked against the plan yet; nothing is sent")

// Apply is the glapi.Mode of 'glrun apply': it sends reads, and compares
// every mutation, before sending it, with the plan's next one (planned ids
// such as plan-job-0001 replaced by the real ids the API gave as they
// arrived). Changes the plan records as one concurrent batch (made by the
// workers of one parallel.map, whose order differs from run to run) are
// matched by content instead: a mutation matches any not yet sent change of
// the batch the plan is at, each planned change at most once. The first
// mutation that matches nothing, or that comes after the last planned one,
// is not sent: it fails with a *DriftError, and so does every request after
// it. It is safe for concurrent use; mutations are sent one at a time, in
// the order they are checked.
type Apply struct {
	plan *Plan
	seen *catalog

	mu    sync.Mutex
	armed bool
	used  []bool            // planned mutations sent (or being sent)
	sent  int               // how many are
	ids   map[string]string // planned id -> real id
	drift *DriftError
	// unknown is the last mutation sent when its outcome was unknown:
	// glapi sends it once more when it finds it did not take effect.
	unknown *Mutation
}

// NewApply returns an apply mode for p. It refuses every request until Arm.
func NewApply(p *Plan) *Apply {
	return &Apply{plan: p, seen: newCatalog(), ids: map[string]string{}, used: make([]bool, len(p.Mutations))}
}

// Arm lets requests through, once the caller has checked the target.
func (a *Apply) Arm() {
	a.mu.Lock()
	a.armed = true
	a.mu.Unlock()
}

// Drift returns the drift that stopped the apply, or nil.
func (a *Apply) Drift() *DriftError {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.drift
}

// Sent returns how many planned mutations were sent.
func (a *Apply) Sent() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.sent
}

// IDs returns the real id of each planned id learned so far.
func (a *Apply) IDs() map[string]string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]string, len(a.ids))
	for k, v := range a.ids {
		out[k] = v
	}
	return out
}

// Unsent returns the planned mutations not sent (yet), with the planned ids
// already known replaced by real ones.
func (a *Apply) Unsent() []Mutation {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []Mutation
	for i, m := range a.plan.Mutations {
		if !a.used[i] {
			out = append(out, a.resolve(m))
		}
	}
	return out
}

// Finish returns an *UnsentError when planned mutations were not sent, the
// drift that stopped the apply if there was one, else nil.
func (a *Apply) Finish() error {
	if d := a.Drift(); d != nil {
		return d
	}
	if un := a.Unsent(); len(un) > 0 {
		return &UnsentError{Unsent: un, Sent: a.Sent()}
	}
	return nil
}

// RoundTrip sends reads and checked mutations.
func (a *Apply) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	a.mu.Lock()
	armed, drift := a.armed, a.drift
	a.mu.Unlock()
	switch {
	case !armed:
		return nil, ErrNotArmed
	case drift != nil:
		return nil, drift
	}
	if !callOf(req).Mutates {
		resp, err := next.RoundTrip(req)
		if err == nil && resp.StatusCode == http.StatusOK {
			if b, rerr := httpbody.Response(resp); rerr == nil {
				if v, derr := decode(b); derr == nil {
					a.seen.observe(v)
					a.mu.Lock()
					a.learnMade(callOf(req).Collection, v)
					a.mu.Unlock()
				}
			}
		}
		return resp, err
	}
	actual, err := requestOf(req)
	if err != nil {
		return nil, err
	}
	// Hold the lock while sending, so mutations go out in the order checked.
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.drift != nil {
		return nil, a.drift
	}
	if again := a.unknown; again != nil {
		a.unknown = nil
		if cmp.Diff(again.Request(), actual) == "" {
			// The same planned change, sent once more after an outcome
			// check found that the first sending did not take effect.
			return a.send(*again, withPlanIdempotencyKey(req, a.plan, *again), next)
		}
	}
	first := a.firstUnsent()
	if first >= len(a.plan.Mutations) {
		a.drift = &DriftError{Actual: actual, ActualDescription: describeMutation(callOf(req), actual, a.seen), Planned: len(a.plan.Mutations)}
		return nil, a.drift
	}
	want, ok := a.match(first, actual)
	if !ok {
		a.drift = &DriftError{
			Want: &want, Actual: actual, ActualDescription: describeMutation(callOf(req), actual, a.seen),
			Diff: cmp.Diff(want.Request(), actual), Planned: len(a.plan.Mutations),
		}
		if lo, hi := a.group(first); hi-lo > 1 {
			a.drift.Batch = a.plan.Mutations[first].Batch
			for i := lo; i < hi; i++ {
				if !a.used[i] {
					a.drift.BatchUnsent++
				}
			}
		}
		return nil, a.drift
	}
	req = withPlanIdempotencyKey(req, a.plan, want)
	return a.send(want, req, next)
}

// send sends the planned mutation m, learning the ids it creates and
// remembering it when its outcome is unknown. Callers hold a.mu.
func (a *Apply) send(m Mutation, req *http.Request, next http.RoundTripper) (*http.Response, error) {
	resp, err := next.RoundTrip(req)
	if err != nil {
		if errors.Is(err, glapi.ErrOutcomeUnknown) {
			a.unknown = &m
		}
		return resp, err
	}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		a.learn(m, resp)
	case resp.StatusCode == http.StatusInternalServerError, resp.StatusCode == http.StatusBadGateway,
		resp.StatusCode == http.StatusGatewayTimeout:
		a.unknown = &m
	}
	return resp, nil
}

// firstUnsent returns the index of the first planned mutation not sent,
// len(Mutations) when all were. Callers hold a.mu.
func (a *Apply) firstUnsent() int {
	i := 0
	for i < len(a.used) && a.used[i] {
		i++
	}
	return i
}

// group returns the planned mutations [lo, hi) an actual one may match when
// the first unsent is at first: that one alone, or every change of its
// concurrent batch. Callers hold a.mu.
func (a *Apply) group(first int) (lo, hi int) {
	ms := a.plan.Mutations
	b := ms[first].Batch
	lo, hi = first, first+1
	if b == 0 {
		return lo, hi
	}
	for lo > 0 && ms[lo-1].Batch == b {
		lo--
	}
	for hi < len(ms) && ms[hi].Batch == b {
		hi++
	}
	return lo, hi
}

// match finds the planned mutation actual is, in the group of the first
// unsent one, marks it sent and returns it (its planned ids resolved). When
// none matches it returns the first unsent one, for the drift's diff.
// Callers hold a.mu.
func (a *Apply) match(first int, actual Request) (Mutation, bool) {
	lo, hi := a.group(first)
	for i := lo; i < hi; i++ {
		if a.used[i] {
			continue
		}
		want := a.resolve(a.plan.Mutations[i])
		if cmp.Equal(want.Request(), actual) {
			a.used[i] = true
			a.sent++
			return want, true
		}
	}
	return a.resolve(a.plan.Mutations[first]), false
}

// learn maps the planned id a mutation created to the real one in its
// answer (the body's id, else the Location header's last segment).
// Callers hold a.mu.
func (a *Apply) learn(m Mutation, resp *http.Response) {
	b, err := httpbody.Response(resp)
	if err != nil {
		return
	}
	v, _ := decode(b)
	a.seen.observe(v)
	if m.Creates == "" {
		return
	}
	if o, ok := v.(map[string]any); ok {
		if id, ok := o["id"].(string); ok && id != "" {
			a.ids[m.Creates] = id
			return
		}
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		a.ids[m.Creates] = glapi.IDOf(loc)
	}
}

// resolve replaces the planned ids of m known so far by the real ones.
// Callers hold a.mu.
func (a *Apply) resolve(m Mutation) Mutation {
	if len(a.ids) == 0 || len(m.Pending) == 0 {
		return m
	}
	b, err := json.Marshal(m)
	if err != nil {
		return m
	}
	s := string(b)
	for planned, real := range a.ids {
		rb, _ := json.Marshal(real)
		s = strings.ReplaceAll(s, planned, strings.Trim(string(rb), `"`))
	}
	var out Mutation
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return m
	}
	return out
}

// DriftError stops an apply before a mutation the plan does not contain.
type DriftError struct {
	// Want is the planned mutation the request was compared with; nil when
	// every planned mutation had been sent already.
	Want *Mutation
	// Actual is the request the runbook tried to send instead.
	Actual Request
	// ActualDescription says what Actual would have done.
	ActualDescription string
	// Diff is the go-cmp diff of planned vs actual (-planned +actual).
	Diff string
	// Planned is the number of mutations in the plan.
	Planned int
	// Batch is the concurrent batch Want belongs to (0: none), and
	// BatchUnsent how many of its changes were not sent yet: the actual
	// change matched none of them.
	Batch, BatchUnsent int
}

// Uncatchable returns true: a runbook's catch() and retry() never turn a
// drift from the plan into a value; it stops the apply.
func (e *DriftError) Uncatchable() bool { return true }

// Error says what was not sent, and why.
func (e *DriftError) Error() string {
	var b strings.Builder
	if e.Want == nil {
		fmt.Fprintf(&b, "apply stopped: the runbook tried a change the plan does not contain, and it was not sent:\n")
		fmt.Fprintf(&b, "  %s (%s %s)\n", e.ActualDescription, e.Actual.Method, e.Actual.Path)
		fmt.Fprintf(&b, "  all %d planned changes had been sent already", e.Planned)
		return b.String()
	}
	fmt.Fprintf(&b, "apply stopped before change #%d of %d: the runbook now does something else, and it was not sent.\n", e.Want.Seq, e.Planned)
	fmt.Fprintf(&b, "  planned: %s (%s %s)\n", e.Want.Description, e.Want.Method, e.Want.Path)
	fmt.Fprintf(&b, "  actual:  %s (%s %s)\n", e.ActualDescription, e.Actual.Method, e.Actual.Path)
	if e.BatchUnsent > 1 {
		fmt.Fprintf(&b, "  (change #%d is one of %d unsent changes of concurrent batch %d, made by one parallel.map in any order: the actual change matches none of them)\n", e.Want.Seq, e.BatchUnsent, e.Batch)
	}
	fmt.Fprintf(&b, "  diff (-planned +actual):\n%s", indentLines(e.Diff, "    "))
	return strings.TrimRight(b.String(), "\n")
}

// UnsentError reports planned mutations a finished run did not send.
type UnsentError struct {
	// Unsent are the planned mutations not sent, in order.
	Unsent []Mutation
	// Sent is how many planned mutations were sent.
	Sent int
}

// Error lists the unsent mutations.
func (e *UnsentError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "apply incomplete: the runbook ended after %d of %d planned changes; these were planned but not sent:\n",
		e.Sent, e.Sent+len(e.Unsent))
	for _, m := range e.Unsent {
		fmt.Fprintf(&b, "  #%d %s (%s %s)\n", m.Seq, m.Description, m.Method, m.Path)
	}
	return strings.TrimRight(b.String(), "\n")
}

// indentLines prefixes every non-empty line of s.
func indentLines(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// withPlanIdempotencyKey returns req, or for a creation the API makes
// idempotent (a schedule) a copy whose Idempotency-Key is derived from the
// plan (its runbook and creation time) and the change's position in it, so
// that applying the same plan again cannot create the schedule twice.
func withPlanIdempotencyKey(req *http.Request, p *Plan, m Mutation) *http.Request {
	c := callOf(req)
	if c.Collection != glapi.CollectionSchedules || c.Method != http.MethodPost || c.ID != "" {
		return req
	}
	r := req.Clone(req.Context())
	r.Header.Set("Idempotency-Key", glapi.IdempotencyKeyFor("glrun plan", p.Runbook.SHA256,
		p.Created.UTC().Format(time.RFC3339Nano), strconv.Itoa(m.Seq)))
	return r
}
