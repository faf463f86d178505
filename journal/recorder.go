package journal

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/replay"
	"glrun/internal/httpbody"
)

// writer appends records to one run's journal, numbering them. Once an
// append has failed, the journal no longer says what the run did, so every
// later append fails too (and the run stops).
type writer struct {
	store Store
	run   string
	clock clock.Clock

	// scrub, when set, knows secrets (the client secret, the tokens) to
	// scrub by value from every record.
	scrub *glapi.Scrubber

	mu   sync.Mutex
	seq  int   // of the last record written
	fail error // the first failed append

	// syncMu is held while a GroupStore syncs; synced is the last record
	// a sync made durable.
	syncMu sync.Mutex
	synced int
}

// known returns the secret values the writer's Scrubber knows.
func (w *writer) known() []string {
	if w.scrub == nil {
		return nil
	}
	return w.scrub.Values()
}

// message is err's text, with the secrets the Scrubber knows scrubbed.
func (w *writer) message(err error) string {
	if w.scrub == nil {
		return err.Error()
	}
	return w.scrub.String(err.Error())
}

// append numbers r, stamps it with the time and writes it durably; it
// returns r's Seq. With a GroupStore the record is written under the lock
// and synced outside it, so that records appended at once (parallel
// changes) share one sync (group commit).
func (w *writer) append(r Record) (int, error) {
	gs, group := w.store.(GroupStore)
	w.mu.Lock()
	if w.fail != nil {
		defer w.mu.Unlock()
		return 0, w.fail
	}
	r.Seq = w.seq + 1
	r.Time = w.clock.Now().UTC()
	var err error
	if group {
		err = gs.Write(w.run, r)
	} else {
		err = w.store.Append(w.run, r)
	}
	if err != nil {
		w.fail = &WriteError{Run: w.run, Err: err}
		defer w.mu.Unlock()
		return 0, w.fail
	}
	w.seq = r.Seq
	w.mu.Unlock()
	if group {
		if err := w.sync(gs, r.Seq); err != nil {
			return 0, err
		}
	}
	return r.Seq, nil
}

// sync makes record seq durable: done already if a sync begun after it was
// written has returned; else one sync covers every record written so far.
func (w *writer) sync(gs GroupStore, seq int) error {
	w.syncMu.Lock()
	defer w.syncMu.Unlock()
	if w.synced >= seq {
		return nil
	}
	w.mu.Lock()
	upto, fail := w.seq, w.fail
	w.mu.Unlock()
	if fail != nil {
		return fail
	}
	if err := gs.Sync(w.run); err != nil {
		w.mu.Lock()
		if w.fail == nil {
			w.fail = &WriteError{Run: w.run, Err: err}
		}
		fail = w.fail
		w.mu.Unlock()
		return fail
	}
	w.synced = upto
	return nil
}

// failed returns the error of a failed append, if any.
func (w *writer) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fail
}

// WriteError is a journal that could not be written: the run stops, since
// it could no longer be resumed safely. The change whose answer could not
// be journalled (if any) will be resolved by the outcome checks on resume.
type WriteError struct {
	Run string
	Err error
}

// Error names the run and the cause.
func (e *WriteError) Error() string {
	return fmt.Sprintf("the journal of run %s cannot be written, so the run stops: %v", e.Run, e.Err)
}

// Unwrap returns the cause.
func (e *WriteError) Unwrap() error { return e.Err }

// Permanent reports true: retrying does not repair a journal.
func (e *WriteError) Permanent() bool { return true }

// Recorder is the glapi.Mode of a journalled run. It wraps the mode that
// decides how requests are sent (Next: live, or an apply) and journals every
// API call: a read once answered; a change write-ahead, its intent durable
// before Next sees it and its answer right after. Token requests and
// requests without a glapi.Call pass through unjournalled. It is safe for
// concurrent use.
type Recorder struct {
	next glapi.Mode
	w    *writer
}

// RoundTrip journals req and what Next made of it.
func (r *Recorder) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	call, ok := glapi.CallOf(req)
	if !ok || call.Token {
		return r.next.RoundTrip(req, next)
	}
	if err := r.w.failed(); err != nil {
		return nil, err
	}
	body, err := httpbody.Request(req)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if !call.Mutates {
		resp, err := r.next.RoundTrip(req, next)
		if err != nil || transient(resp.StatusCode) {
			return resp, err // asked again on resume
		}
		rb, err := httpbody.Response(resp)
		if err != nil {
			return nil, err
		}
		jr, jresp := journalExchange(req, body, resp, rb, r.w.known())
		// A read that cannot be journalled is still answered; the failed
		// journal stops the run at its next request.
		_, _ = r.w.append(Record{Kind: KindRead, Call: journalCall(call), Request: jr, Response: jresp})
		return resp, nil
	}
	jr, _ := journalExchange(req, body, nil, nil, r.w.known())
	intent, err := r.w.append(Record{Kind: KindIntent, Call: journalCall(call), Request: jr})
	if err != nil {
		return nil, err // not sent
	}
	resp, err := r.next.RoundTrip(req, next)
	if err != nil {
		_, _ = r.w.append(Record{Kind: KindAnswer, Of: intent, Error: &Failure{Message: r.w.message(err), Unknown: mayHaveReached(err)}})
		return nil, err
	}
	rb, rerr := httpbody.Response(resp)
	if rerr != nil {
		// The change was answered but the answer was lost on the way: its
		// outcome is unknown, as glapi would say of an unreadable answer.
		err := fmt.Errorf("%s %s: reading the answer: %w: %w", req.Method, req.URL.Path, rerr, glapi.ErrOutcomeUnknown)
		_, _ = r.w.append(Record{Kind: KindAnswer, Of: intent, Error: &Failure{Message: r.w.message(err), Unknown: true}})
		return nil, err
	}
	_, jresp := journalExchange(req, body, resp, rb, r.w.known())
	_, _ = r.w.append(Record{Kind: KindAnswer, Of: intent, Response: jresp})
	return resp, nil
}

// mayHaveReached reports whether a change that failed with err (instead of
// an answer) may have reached the server: unless glapi says its outcome is
// unknown, only errors that prove it was never sent say no: a permanent
// error (a mode's refusal, such as an apply's drift), a token that could
// not be had, a connection that could not be made.
func mayHaveReached(err error) bool {
	if errors.Is(err, glapi.ErrOutcomeUnknown) {
		return true
	}
	var perm interface{ Permanent() bool }
	var te *glapi.TokenError
	var op *net.OpError
	switch {
	case errors.As(err, &perm) && perm.Permanent():
		return false
	case errors.As(err, &te):
		return false
	case errors.As(err, &op) && op.Op == "dial":
		return false
	}
	return true
}

// transient reports whether an answer of that status is a passing failure
// (rate limited, unavailable, a server error): a read so answered is not
// journalled, so that a resumed run asks again.
func transient(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// keptHeaders are the answer headers a journal keeps; all others (cookies
// among them) are dropped.
var keptHeaders = []string{"Content-Type", "Location", "Date", "Retry-After"}

// journalExchange returns the request and (when resp is not nil) the
// answer as journalled, secrets redacted as in a cassette, the known ones
// too.
func journalExchange(req *http.Request, body []byte, resp *http.Response, respBody []byte, known []string) (*Request, *Response) {
	i := cassette.Interaction{
		Request: cassette.Request{
			Method:  req.Method,
			URL:     req.URL.RequestURI(),
			Headers: http.Header{},
			Body:    string(body),
		},
		Response: cassette.Response{Headers: http.Header{}},
	}
	if ct := req.Header.Get("Content-Type"); ct != "" {
		i.Request.Headers.Set("Content-Type", ct)
	}
	if resp != nil {
		for _, h := range keptHeaders {
			if v := resp.Header.Get(h); v != "" {
				i.Response.Headers.Set(h, v)
			}
		}
		i.Response.Body = string(respBody)
		i.Response.Code = resp.StatusCode
	}
	replay.Redact(&i, known...)
	jr := &Request{Method: i.Request.Method, URL: i.Request.URL,
		ContentType: i.Request.Headers.Get("Content-Type"), Body: i.Request.Body}
	if resp == nil {
		return jr, nil
	}
	jresp := &Response{Status: resp.StatusCode, Body: i.Response.Body}
	for _, h := range keptHeaders {
		if v := i.Response.Headers.Get(h); v != "" {
			if jresp.Header == nil {
				jresp.Header = map[string]string{}
			}
			jresp.Header[h] = v
		}
	}
	return jr, jresp
}

// journalCall keeps what a journal needs of c.
func journalCall(c glapi.Call) *Call {
	jc := &Call{Kind: c.Kind(), ID: c.ID, OutcomeCheck: c.OutcomeCheck}
	if c.Job != nil {
		jc.JobTemplate, jc.JobResource = c.Job.JobTemplate, c.Job.ResourceID
	}
	return jc
}

// answer rebuilds the *http.Response of a journalled answer for req.
func answer(req *http.Request, r *Response) *http.Response {
	h := http.Header{}
	for k, v := range r.Header {
		h.Set(k, v)
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", r.Status, http.StatusText(r.Status)),
		StatusCode:    r.Status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          journalBody{strings.NewReader(r.Body)},
		ContentLength: int64(len(r.Body)),
		Request:       req,
	}
}

// journalBody is the body of an answer taken from a journal.
type journalBody struct{ io.Reader }

// Close does nothing.
func (journalBody) Close() error { return nil }

// FromJournal reports whether resp was answered from a run's journal by a
// Resumer (and not sent), for the run's tally and report.
func FromJournal(resp *http.Response) bool {
	_, ok := resp.Body.(journalBody)
	return ok
}
