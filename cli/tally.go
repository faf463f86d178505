package cli

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"glrun/glapi"
)

// tally is a glapi.Mode that wraps another mode (live, dry-run, replay...)
// and counts the requests that mode actually lets through to the network,
// so a run can say what it did: the requests, the attempts the retry layer
// sent for them, the changes the server accepted (2xx), those it refused
// (an error answer that says it did not process them) and those whose
// outcome is unknown.
type tally struct {
	next glapi.Mode

	mu       sync.Mutex
	requests int
	attempts int // sent by the retry layer, retries included
	// mutations counts the changes accepted, by glapi.Call.Kind(), such as
	// "POST .../jobs" -> count.
	mutations map[string]int
	refused   int // changes answered 4xx, 429 or 503: not processed
	unknown   int // changes answered 500, 502, 504, or with no answer
}

func newTally(next glapi.Mode) *tally {
	if next == nil {
		next = glapi.Live{}
	}
	return &tally{next: next, mutations: map[string]int{}}
}

// RoundTrip hands req to the wrapped mode; what that mode sends is counted.
func (t *tally) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	return t.next.RoundTrip(req, countingTransport{t: t, next: next})
}

// countingTransport counts each request it sends, the attempts the retry
// layer below makes for it, and how a change ended.
type countingTransport struct {
	t    *tally
	next http.RoundTripper
}

func (c countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	call, described := glapi.CallOf(req)
	c.t.mu.Lock()
	c.t.requests++
	c.t.mu.Unlock()
	ctx := glapi.WithAttemptObserver(req.Context(), c.t.attempt)
	resp, err := c.next.RoundTrip(req.WithContext(ctx))
	kind := ""
	switch {
	case described && call.Mutates:
		// Kind collapses the id, so changes to many objects of one kind
		// count together: "DELETE /identity/v1/users/{id}".
		kind = call.Kind()
	case !described && req.Method != http.MethodGet && req.Method != http.MethodHead:
		kind = req.Method + " " + req.URL.Path
	}
	if kind == "" {
		return resp, err
	}
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	switch {
	case err == nil && resp.StatusCode >= 200 && resp.StatusCode < 300:
		c.t.mutations[kind]++
	case err == nil && refusedStatus(resp.StatusCode):
		c.t.refused++
	case err != nil && !errors.Is(err, glapi.ErrOutcomeUnknown):
		// Stopped before it could take effect (context, replay, connection).
	default:
		c.t.unknown++
	}
	return resp, err
}

// attempt counts one attempt the retry layer sent.
func (t *tally) attempt(a glapi.Attempt) {
	if !a.Sent {
		return
	}
	t.mu.Lock()
	t.attempts++
	t.mu.Unlock()
}

// refusedStatus reports whether a change answered status certainly did not
// take effect: a client error (4xx, 429 included) or 503 Service
// Unavailable (the server did not process it). 500, 502 and 504 leave the
// outcome unknown.
func refusedStatus(status int) bool {
	return status >= 400 && status < 500 || status == http.StatusServiceUnavailable || status == http.StatusNotImplemented
}

// sentChanges reports whether a change may have taken effect: one was
// accepted, or its outcome is unknown.
func (t *tally) sentChanges() bool {
	c := t.counts()
	return c.Changes > 0 || c.Unknown > 0
}

// tallyCounts is what the tally counted, for the run's report.
type tallyCounts struct {
	Requests, Attempts, Changes, Refused, Unknown int
	Mutations                                     map[string]int
}

// counts returns what was counted so far.
func (t *tally) counts() tallyCounts {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := tallyCounts{Requests: t.requests, Attempts: t.attempts, Refused: t.refused, Unknown: t.unknown,
		Mutations: make(map[string]int, len(t.mutations))}
	for k, n := range t.mutations {
		c.Mutations[k] = n
		c.Changes += n
	}
	return c
}

// summary says how many requests and changes were sent.
func (t *tally) summary() string { return t.counts().text() }

// text is "N API requests, M changes (POST /x ×2, ...)", with the attempts
// when retries sent more than one per request, "N refused" and "N with an
// unknown outcome" when there are any, and the plurals right ("1 change").
func (c tallyCounts) text() string {
	keys := make([]string, 0, len(c.Mutations))
	for k := range c.Mutations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := plural(c.Requests, "API request", "API requests")
	if c.Attempts > c.Requests {
		s += " (" + plural(c.Attempts, "attempt", "attempts") + " sent, retries included)"
	}
	s += ", " + plural(c.Changes, "change", "changes")
	if len(keys) > 0 {
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s ×%d", k, c.Mutations[k])
		}
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	if c.Refused > 0 {
		s += fmt.Sprintf(", %d refused", c.Refused)
	}
	if c.Unknown > 0 {
		s += fmt.Sprintf(", %d with an unknown outcome", c.Unknown)
	}
	return s
}

// hasHave is "has" for 1, else "have": "1 of 3 files has errors".
func hasHave(n int) string { return doesDo(n, "has", "have") }

// doesDo is one for n == 1, else many: the verb that agrees with n.
func doesDo(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// plural is "1 change" or "N changes".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
