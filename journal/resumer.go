package journal

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/replay"
	"glrun/internal/httpbody"
)

// Resumer is the glapi.Mode of a resumed run. It answers each request from
// the journal (the first unanswered journalled call that matches it, as
// replay matches: method, path, query, body), on the journal's clock, until
// every journalled call has been answered; from then on requests go live
// through a Recorder that appends to the same journal.
//
// A change whose intent is journalled without an answer is never sent
// again blindly. A job creation, an invitation or a credential creation is
// answered with an error wrapping glapi.ErrOutcomeUnknown, so that glapi's
// CreateChecked and InviteChecked find out, live, whether it took effect
// (adopting what it made) or certainly did not (sending it, once). A change
// carrying an Idempotency-Key (a schedule creation) is sent again: the API
// answers a repeated key with what the first sending made. Any other change
// is an *UnresolvableError: nothing is sent and the run stops.
// A request the journal does not hold while calls remain unanswered is a
// *DivergenceError, and stops the run too.
//
// It is safe for concurrent use, but runbooks that make calls in parallel
// resume only as far as their calls match in the journal's order.
type Resumer struct {
	run string
	rec *Recorder
	clk *resumeClock

	mu      sync.Mutex
	entries []*entry
	used    []bool
	left    int
	stop    error
}

// entry is a journalled call: a read, or an intent and its answer.
type entry struct {
	Record
	answer *Record
	shape  replay.Shape
}

// what names the entry's request for messages.
func (e *entry) what() string {
	if e.Kind == KindIntent {
		return "change " + e.Request.Method + " " + e.Request.URL
	}
	return "read " + e.Request.Method + " " + e.Request.URL
}

// outcome describes how the entry's call failed.
func (e *entry) outcome() string {
	r := e.Response
	if e.answer != nil {
		r = e.answer.Response
		if e.answer.Error != nil {
			return e.answer.Error.Message
		}
	}
	if r != nil {
		return fmt.Sprintf("answered %d %s", r.Status, http.StatusText(r.Status))
	}
	return "no answer"
}

// failedWithoutEffect reports whether the call certainly changed nothing
// and failed: a read answered with an error status, a change refused by
// the server (4xx, 503) or failing before it could reach it.
func (e *entry) failedWithoutEffect() bool {
	if e.Kind == KindRead {
		return e.Response.Status >= 400
	}
	if e.answer == nil {
		return false
	}
	if f := e.answer.Error; f != nil {
		return !f.Unknown
	}
	s := e.answer.Response.Status
	return s >= 400 && s < 500 || s == http.StatusServiceUnavailable
}

// voided is a journalled call a resume sets aside, and why.
type voided struct {
	*entry
	why string
}

// unknownOutcome reports whether the entry is a change whose answer says
// its outcome is unknown: an error saying so, or 500, 502 or 504.
func (e *entry) unknownOutcome() bool {
	if e.Kind != KindIntent || e.answer == nil {
		return false
	}
	if f := e.answer.Error; f != nil {
		return f.Unknown
	}
	switch e.answer.Response.Status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// newResumer builds the Resumer of a journal's records. It sets aside, to
// be journalled as voided by the caller:
//
//   - calls that failed without effect at the very end of the journal
//     (where a failed run stopped), to be asked again live;
//   - a change whose outcome was unknown, and the outcome check that
//     followed, when the change was then sent again (the check found it
//     had not taken effect) and that second sending has no answer: the
//     question is now the second sending's fate, which glapi checks anew.
func newResumer(run string, recs []Record, clk *resumeClock, rec *Recorder) (*Resumer, []voided) {
	byseq := map[int]*entry{}
	void := map[int]bool{}
	var entries []*entry
	for _, r := range recs {
		switch r.Kind {
		case KindRead, KindIntent:
			if r.Request == nil || (r.Kind == KindRead && r.Response == nil) {
				continue
			}
			e := &entry{Record: r, shape: replay.NewShape(r.Request.Method, r.Request.URL, r.Request.ContentType, r.Request.Body)}
			byseq[r.Seq] = e
			entries = append(entries, e)
		case KindAnswer:
			if e := byseq[r.Of]; e != nil && e.answer == nil {
				a := r
				e.answer = &a
			}
		case KindVoid:
			void[r.Of] = true
		}
	}
	var kept []*entry
	for _, e := range entries {
		if !void[e.Seq] {
			kept = append(kept, e)
		}
	}
	var voids []voided
	for len(kept) > 0 && kept[len(kept)-1].failedWithoutEffect() {
		voids = append(voids, voided{kept[len(kept)-1], "failed without effect at the end of the journal; asked again"})
		kept = kept[:len(kept)-1]
	}
	kept, voids = collapseResent(kept, voids)
	r := &Resumer{run: run, rec: rec, clk: clk, entries: kept, used: make([]bool, len(kept)), left: len(kept)}
	if r.left == 0 {
		clk.goLive()
	}
	return r, voids
}

// collapseResent sets aside, for each unanswered intent X, an earlier
// intent Y of the same request whose outcome was unknown, with the outcome
// check reads between them: Y was checked, found not to have taken effect
// and sent again as X. Replaying Y would replay the check too, and glapi
// checks an unknown outcome only once, so X's own fate could not be looked
// up; without Y, X is the unknown outcome, and glapi checks it live.
func collapseResent(kept []*entry, voids []voided) ([]*entry, []voided) {
	drop := map[*entry]bool{}
	for i, x := range kept {
		if x.Kind != KindIntent || x.answer != nil {
			continue
		}
		for k := i - 1; k >= 0; k-- {
			y := kept[k]
			if y.Kind == KindRead && y.Call != nil && y.Call.OutcomeCheck {
				continue
			}
			if y.Kind == KindIntent && y.answer != nil && y.answer.Error != nil && y.answer.Error.Unknown &&
				x.shape.Matches(y.shape) && y.shape.Matches(x.shape) {
				for _, z := range kept[k:i] {
					drop[z] = true
				}
			}
			break
		}
	}
	if len(drop) == 0 {
		return kept, voids
	}
	var out []*entry
	for _, e := range kept {
		if drop[e] {
			voids = append(voids, voided{e, "superseded: checked, found without effect and sent again, with no answer journalled; checked again"})
			continue
		}
		out = append(out, e)
	}
	return out, voids
}

// Clock returns the run's clock: the journal's time while calls are
// answered from the journal (sleeping takes no time), the live clock from
// the first call sent.
func (r *Resumer) Clock() clock.Clock { return r.clk }

// Live reports whether the journal is used up and requests go live.
func (r *Resumer) Live() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.left == 0
}

// Replayed returns how many journalled calls have been answered so far.
func (r *Resumer) Replayed() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.entries) - r.left
}

// RoundTrip answers req from the journal, or sends it live once the
// journal is used up.
func (r *Resumer) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	call, ok := glapi.CallOf(req)
	r.mu.Lock()
	if r.stop != nil {
		defer r.mu.Unlock()
		return nil, r.stop
	}
	if r.left == 0 || !ok || call.Token {
		r.mu.Unlock()
		return r.rec.RoundTrip(req, next)
	}
	resp, resend, err := r.fromJournal(req, call)
	r.mu.Unlock()
	if resend {
		return r.rec.RoundTrip(req, next)
	}
	return resp, err
}

// fromJournal answers req from the journal; resend is true when req is to
// be sent live instead. Callers hold r.mu.
func (r *Resumer) fromJournal(req *http.Request, call glapi.Call) (resp *http.Response, resend bool, err error) {
	body, err := httpbody.Request(req)
	if err != nil {
		return nil, false, fmt.Errorf("journal: %w", err)
	}
	s := replay.NewShape(req.Method, req.URL.RequestURI(), req.Header.Get("Content-Type"), string(body))
	k := r.match(s, call)
	if k < 0 {
		r.stop = r.divergence(s)
		return nil, false, r.stop
	}
	r.used[k] = true
	r.left--
	e := r.entries[k]
	r.clk.advanceTo(e.Time)
	if e.answer != nil {
		r.clk.advanceTo(e.answer.Time)
	}
	tail := r.left == 0
	if tail {
		r.clk.goLive()
	}
	idempotent := req.Header.Get("Idempotency-Key") != ""
	switch {
	case e.Kind == KindRead:
		return answer(req, e.Response), false, nil
	case (e.answer == nil || tail && e.unknownOutcome()) && idempotent:
		// The API answers a repeated Idempotency-Key with what the first
		// sending made: sending it again is safe, and tells.
		if _, err := r.rec.w.append(Record{Kind: KindVoid, Of: e.Seq}); err != nil {
			r.stop = err
			return nil, false, err
		}
		return nil, true, nil
	case e.answer == nil:
		return nil, false, r.unanswered(call, e)
	case tail && e.unknownOutcome() && !checkable(call):
		// Where the run stopped: replaying the failure would stop every
		// resume there again; say why instead.
		r.stop = &UnresolvableError{Run: r.run, Request: e.Request.Method + " " + e.Request.URL,
			Record: e.Seq, Time: e.Time, Journalled: e.outcome()}
		return nil, false, r.stop
	case e.answer.Error != nil:
		return nil, false, &journalledError{msg: e.answer.Error.Message, unknown: e.answer.Error.Unknown}
	default:
		return answer(req, e.answer.Response), false, nil
	}
}

// match returns the index of the first unanswered journalled call that
// answers a request of shape s, or -1. An outcome check's filter holds a
// time ("created since just before the change was sent") that a resumed
// run computes on the journal's clock, which may differ from the original
// by a second: an outcome check is answered by the journalled outcome check
// of the same endpoint, whose answer is what the run decided on.
func (r *Resumer) match(s replay.Shape, call glapi.Call) int {
	for i, e := range r.entries {
		if !r.used[i] && s.Matches(e.shape) {
			return i
		}
	}
	if !call.OutcomeCheck {
		return -1
	}
	for i, e := range r.entries {
		if !r.used[i] && e.Kind == KindRead && e.Call != nil && e.Call.OutcomeCheck && s.SameEndpoint(e.shape) {
			return i
		}
	}
	return -1
}

// unanswered handles a change whose intent is journalled without an
// answer: resolvable ones get an unknown outcome, for glapi to check
// (journalled, so that a later resume sees the same); others stop the run.
func (r *Resumer) unanswered(call glapi.Call, e *entry) error {
	if !checkable(call) {
		r.stop = &UnresolvableError{Run: r.run, Request: e.Request.Method + " " + e.Request.URL, Record: e.Seq, Time: e.Time}
		return r.stop
	}
	msg := fmt.Sprintf("%s %s: the journal of run %s holds its intent (record %d) but no answer: "+
		"the run stopped just before or just after sending it", e.Request.Method, e.Request.URL, r.run, e.Seq)
	if _, err := r.rec.w.append(Record{Kind: KindAnswer, Of: e.Seq, Error: &Failure{Message: msg, Unknown: true}}); err != nil {
		r.stop = err
		return err
	}
	return &journalledError{msg: msg, unknown: true}
}

// checkable reports whether glapi can find out whether a change of call
// took effect: job creations, invitations and credential creations.
func checkable(c glapi.Call) bool {
	if c.Method != http.MethodPost || c.ID != "" || c.Action != "" {
		return false
	}
	switch c.Collection {
	case glapi.CollectionJobs, glapi.CollectionUsers, glapi.CollectionCredentials:
		return true
	}
	return false
}

// divergence builds the error for a request the journal does not hold:
// the closest unanswered call is the next one of the same endpoint, else
// the next one.
func (r *Resumer) divergence(s replay.Shape) *DivergenceError {
	e := &DivergenceError{Run: r.run, Request: s.String()}
	var best *entry
	for i, en := range r.entries {
		if r.used[i] {
			continue
		}
		if best == nil {
			best = en
		}
		if s.SameEndpoint(en.shape) {
			best = en
			break
		}
	}
	if best != nil {
		e.Expected, e.Differences = best.shape.String(), s.Differences(best.shape)
	}
	return e
}

// journalledError is a failure replayed from the journal.
type journalledError struct {
	msg     string
	unknown bool
}

func (e *journalledError) Error() string { return e.msg + " (from the run's journal)" }

// Is makes an unknown outcome match glapi.ErrOutcomeUnknown.
func (e *journalledError) Is(target error) bool {
	return e.unknown && target == glapi.ErrOutcomeUnknown
}

// Permanent reports true: a journalled failure is never retried.
func (e *journalledError) Permanent() bool { return true }

// UnresolvableError is a change whose intent is journalled but whose answer
// is not, of a kind whose outcome glrun cannot look up: it may or may not
// have taken effect. Nothing was sent; the run stops.
type UnresolvableError struct {
	Run     string
	Request string // METHOD /path?query
	Record  int    // the intent's Seq
	Time    time.Time
	// Journalled is the error journalled instead of an answer, "" when the
	// run stopped before any came.
	Journalled string
}

// Error says what is unknown and what to do.
func (e *UnresolvableError) Error() string {
	how := "was about to be sent when the run stopped"
	if e.Journalled != "" {
		how = "failed with an unknown outcome (" + e.Journalled + ")"
	}
	return fmt.Sprintf("cannot resume run %s: the change %s (journal record %d, %s) %s, "+
		"and whether it took effect cannot be looked up; nothing was sent. Check it by hand, then start a new run",
		e.Run, e.Request, e.Record, e.Time.Format(time.RFC3339), how)
}

// Permanent reports true.
func (e *UnresolvableError) Permanent() bool { return true }

// DivergenceError is a resumed run asking for a call its journal does not
// hold while journalled calls remain unanswered: the runbook no longer does
// what it did. Nothing was sent; the run stops.
type DivergenceError struct {
	Run     string
	Request string // the request asked for, on one line
	// Expected is the closest journalled call not yet answered, "" if none;
	// Differences says how Request differs from it.
	Expected    string
	Differences []string
}

// Error names the request, the expected one and what differs.
func (e *DivergenceError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cannot resume run %s: the runbook asked for %s, which its journal does not hold", e.Run, e.Request)
	if e.Expected != "" {
		fmt.Fprintf(&b, "; the journal holds next %s", e.Expected)
		if len(e.Differences) > 0 {
			fmt.Fprintf(&b, " (differs: %s)", strings.Join(e.Differences, "; "))
		}
	}
	b.WriteString("; nothing was sent")
	return b.String()
}

// Permanent reports true.
func (e *DivergenceError) Permanent() bool { return true }

// resumeClock is the clock of a resumed run: virtual, at the journal's
// recorded times, until the journal is used up; then live.
type resumeClock struct {
	live clock.Clock

	mu     sync.Mutex
	now    time.Time
	isLive bool
}

// Now returns the journal's time, or the live time.
func (c *resumeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.isLive {
		return c.live.Now()
	}
	return c.now
}

// Sleep advances the journal's time at once, or waits on the live clock.
func (c *resumeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	if c.isLive {
		c.mu.Unlock()
		return c.live.Sleep(ctx, d)
	}
	defer c.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if d > 0 {
		c.now = c.now.Add(d)
	}
	return nil
}

// advanceTo moves the journal's time forward to t (never back).
func (c *resumeClock) advanceTo(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
}

// goLive switches to the live clock.
func (c *resumeClock) goLive() {
	c.mu.Lock()
	c.isLive = true
	c.mu.Unlock()
}
