package replay

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"glrun/internal/regularfile"
)

// Player is an http.RoundTripper that answers every request from a
// cassette and never touches the network. It is safe for concurrent use.
type Player struct {
	file   string
	items  []*cassette.Interaction
	shapes []shape

	mu   sync.Mutex
	used []bool
}

// Open loads the cassette file path (".yaml" is added when missing) for
// replay.
func Open(path string) (*Player, error) {
	name := cassetteName(path)
	file := name + ".yaml"
	if err := regularfile.Check(file); err != nil {
		return nil, fmt.Errorf("replay: reading cassette %s: %w", file, err)
	}
	c, err := cassette.Load(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("replay: cassette %s: no such file (record one with 'glrun run --record %s ...')", file, file)
		}
		return nil, fmt.Errorf("replay: reading cassette %s: %w", file, err)
	}
	p := &Player{file: file, items: c.Interactions, used: make([]bool, len(c.Interactions))}
	for _, i := range c.Interactions {
		p.shapes = append(p.shapes, shapeOf(i.Request))
	}
	return p, nil
}

// File returns the path of the cassette file.
func (p *Player) File() string { return p.file }

// Len returns the number of recorded interactions.
func (p *Player) Len() int { return len(p.items) }

// Start returns when the recording began (the Date of its first answer),
// or the zero time when the cassette does not say. A replay's virtual clock
// starts there.
func (p *Player) Start() time.Time {
	for _, i := range p.items {
		if d := i.Response.Headers.Get("Date"); d != "" {
			if t, err := http.ParseTime(d); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

// Unplayed returns the recorded API requests (token requests aside) that
// have not been replayed, one line each.
func (p *Player) Unplayed() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for k, s := range p.shapes {
		if !p.used[k] && !s.token {
			out = append(out, s.line())
		}
	}
	return out
}

// RoundTrip answers req with the first recorded interaction, not yet
// replayed, that matches it; token requests may be answered more than once.
// A request the cassette does not hold is a *DivergenceError.
func (p *Player) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("replay: reading the request body: %w", err)
		}
		body = b
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	s := requestShape(req, body)
	i, err := p.take(s)
	if err != nil {
		return nil, err
	}
	resp, err := i.GetHTTPResponse()
	if err != nil {
		return nil, fmt.Errorf("replay: cassette %s: interaction %d: %w", p.file, i.ID, err)
	}
	resp.Body = io.NopCloser(strings.NewReader(i.Response.Body))
	resp.ContentLength = int64(len(i.Response.Body))
	resp.Header = i.Response.Headers.Clone()
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	resp.Request = req
	req.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// take marks and returns the interaction answering s.
func (p *Player) take(s shape) (*cassette.Interaction, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	lastToken := -1
	for k, r := range p.shapes {
		if r.token && s.token && s.method == r.method && s.path == r.path {
			lastToken = k
		}
		if p.used[k] || !s.matches(r) {
			continue
		}
		p.used[k] = true
		return p.items[k], nil
	}
	if lastToken >= 0 { // a token asked for again: the recorded one serves
		return p.items[lastToken], nil
	}
	return nil, p.divergence(s)
}

// divergence builds the error for a request no interaction answers: the
// closest recorded request is one with the same method and path if any
// (the next unplayed one first), else the one with the fewest differences.
func (p *Player) divergence(s shape) *DivergenceError {
	e := &DivergenceError{Cassette: p.file, Request: s.line(), Closest: -1}
	best := [3]int{}
	for k, r := range p.shapes {
		sameEndpoint := 1
		if r.method == s.method && r.path == s.path {
			sameEndpoint = 0
		}
		used := 0
		if p.used[k] {
			used = 1
		}
		d := differences(s, r)
		score := [3]int{sameEndpoint, used, len(d)}
		if e.Closest >= 0 && !less(score, best) {
			continue
		}
		best = score
		e.Closest, e.ClosestRequest, e.Differences, e.AlreadyReplayed = k, r.line(), d, used == 1
	}
	return e
}

func less(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// DivergenceError is a replayed run asking for a request its cassette does
// not hold. Nothing was sent anywhere.
type DivergenceError struct {
	// Cassette is the cassette file.
	Cassette string
	// Request is the request asked for: METHOD /path?query body.
	Request string
	// Closest is the index of the closest recorded interaction, -1 when the
	// cassette is empty.
	Closest int
	// ClosestRequest is that interaction's request, as Request.
	ClosestRequest string
	// AlreadyReplayed says the closest interaction was replayed before (the
	// run asks more often than the recording did).
	AlreadyReplayed bool
	// Differences lists what differs between Request and ClosestRequest.
	Differences []string
}

// Permanent reports true: retrying cannot make the cassette hold the
// request, and nothing was sent, so glapi returns the error at once.
func (e *DivergenceError) Permanent() bool { return true }

// Error names the request, the closest recorded one and what differs.
func (e *DivergenceError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "replay diverged: cassette %s holds no answer for %s", e.Cassette, e.Request)
	if e.Closest < 0 {
		b.WriteString(" (the cassette is empty)")
		return b.String()
	}
	fmt.Fprintf(&b, "; closest recorded (interaction %d", e.Closest)
	if e.AlreadyReplayed {
		b.WriteString(", already replayed: the run asks for it more often than the recording did")
	}
	fmt.Fprintf(&b, "): %s", e.ClosestRequest)
	if len(e.Differences) > 0 {
		fmt.Fprintf(&b, "; differs: %s", strings.Join(e.Differences, "; "))
	}
	return b.String()
}
