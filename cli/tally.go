package cli

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"glrun/glapi"
)

// tally is a glapi.Mode that wraps another mode (live, dry-run, replay...)
// and counts the requests that mode actually lets through to the network,
// so a run can say what it did.
type tally struct {
	next glapi.Mode

	mu        sync.Mutex
	requests  int
	mutations map[string]int // glapi.Call.Kind(), such as "POST .../jobs" -> count
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

// countingTransport counts each request it sends.
type countingTransport struct {
	t    *tally
	next http.RoundTripper
}

func (c countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	call, described := glapi.CallOf(req)
	c.t.mu.Lock()
	c.t.requests++
	switch {
	case described && call.Mutates:
		// Kind collapses the id, so changes to many objects of one kind
		// count together: "DELETE /identity/v1/users/{id}".
		c.t.mutations[call.Kind()]++
	case !described && req.Method != http.MethodGet && req.Method != http.MethodHead:
		c.t.mutations[req.Method+" "+req.URL.Path]++
	}
	c.t.mu.Unlock()
	return c.next.RoundTrip(req)
}

// summary says how many requests and changes were sent.
func (t *tally) summary() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	total := 0
	keys := make([]string, 0, len(t.mutations))
	for k, n := range t.mutations {
		keys = append(keys, k)
		total += n
	}
	sort.Strings(keys)
	s := fmt.Sprintf("%d API requests, %d changes", t.requests, total)
	if total > 0 {
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s ×%d", k, t.mutations[k])
		}
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}
