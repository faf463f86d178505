package runtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"glrun/glapi"
)

// lines collects text lines from several goroutines.
type lines struct {
	mu  sync.Mutex
	all []string
}

func (l *lines) add(s string) {
	l.mu.Lock()
	l.all = append(l.all, s)
	l.mu.Unlock()
}

func (l *lines) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.all...)
}

// lineHandler is a slog.Handler that keeps each record as one line:
// "INFO message key=value ...", with no time (virtual times would only
// make tests brittle).
type lineHandler struct {
	out   *lines
	attrs []slog.Attr
}

func (h *lineHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *lineHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String())
	b.WriteString(" ")
	b.WriteString(r.Message)
	write := func(a slog.Attr) bool {
		v := a.Value.Resolve().String()
		if strings.ContainsAny(v, " \"=") || v == "" {
			v = fmt.Sprintf("%q", v)
		}
		fmt.Fprintf(&b, " %s=%s", a.Key, v)
		return true
	}
	for _, a := range h.attrs {
		write(a)
	}
	r.Attrs(write)
	h.out.add(b.String())
	return nil
}

func (h *lineHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &lineHandler{out: h.out, attrs: append(append([]slog.Attr(nil), h.attrs...), as...)}
}

func (h *lineHandler) WithGroup(string) slog.Handler { return h }

// exchange is one API request a run sent and what came back.
type exchange struct {
	method, path string
	kind         string // glapi.Call.Kind(): "DELETE /identity/v1/users/{id}"
	mutates      bool
	status       int
	body         []byte // the answer of a job creation, else nil
}

// capturing records the API requests (token requests aside) that go
// through it, keeping the answers of job creations.
type capturing struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []exchange
}

func (c *capturing) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	call, ok := glapi.CallOf(req)
	if err != nil || !ok || call.Token {
		return resp, err
	}
	ex := exchange{method: req.Method, path: req.URL.Path, kind: call.Kind(), mutates: call.Mutates, status: resp.StatusCode}
	if call.IsJobCreation() && resp.StatusCode/100 == 2 {
		b, rerr := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if rerr != nil {
			return nil, rerr
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		ex.body = b
	}
	c.mu.Lock()
	c.seen = append(c.seen, ex)
	c.mu.Unlock()
	return resp, nil
}

// createdJobs returns the decoded answers of the job creations.
func (c *capturing) createdJobs() []map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []map[string]any
	for _, ex := range c.seen {
		if ex.body == nil {
			continue
		}
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(ex.body))
		dec.UseNumber()
		if dec.Decode(&m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// mutations returns the kind of each change sent, whatever the answer, in
// the shape of the run summary's changes (glapi.Call.Kind): the method
// and the collection, ids collapsed, as "DELETE /identity/v1/users/{id}".
func (c *capturing) mutations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, ex := range c.seen {
		if ex.mutates {
			out = append(out, ex.kind)
		}
	}
	return out
}

func (c *capturing) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}
