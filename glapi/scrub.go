package glapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// MinScrubLen is the length under which a value is not scrubbed: replacing
// every occurrence of a very short string would mangle ordinary text (and a
// real client secret or token is far longer).
const MinScrubLen = 8

// Scrubber replaces secrets by value wherever they appear in text: the
// client secret and every token the token endpoint handed out, also where
// a server echoed them into an error message, a body or a header. Field
// names cannot be trusted to mark secrets (an error_description may quote
// the secret), so whatever glapi and replay write out goes through one.
// The zero value scrubs nothing; a Scrubber is safe for concurrent use.
type Scrubber struct {
	mu     sync.RWMutex
	values map[string]bool
	r      *strings.Replacer // built lazily from values
}

// NewScrubber returns a Scrubber that knows secrets.
func NewScrubber(secrets ...string) *Scrubber {
	s := &Scrubber{}
	s.Add(secrets...)
	return s
}

// Add makes s scrub the values too (with their URL-encoded and JSON-escaped
// forms); values shorter than MinScrubLen are ignored.
func (s *Scrubber) Add(values ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if len(v) < MinScrubLen || v == Redacted {
			continue
		}
		if s.values == nil {
			s.values = map[string]bool{}
		}
		for _, form := range append([]string{v, url.QueryEscape(v), url.PathEscape(v)}, jsonForms(v)...) {
			if !s.values[form] {
				s.values[form] = true
				s.r = nil
			}
		}
	}
}

// jsonForms are v as it reads inside a JSON string: escaped by
// encoding/json with HTML escaping (\u003c for <) and without.
func jsonForms(v string) []string {
	var out []string
	if b, err := json.Marshal(v); err == nil {
		out = append(out, string(b[1:len(b)-1]))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) == nil {
		b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		out = append(out, string(b[1:len(b)-1]))
	}
	return out
}

// addBasic makes s scrub the Basic authorization credential of id and
// secret (base64 of "id:secret", as oauth2 sends it in a header).
func (s *Scrubber) addBasic(id, secret string) {
	if secret == "" {
		return
	}
	s.Add(base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret))))
	s.Add(base64.StdEncoding.EncodeToString([]byte(id + ":" + secret)))
}

// String returns text with every known secret replaced by Redacted.
func (s *Scrubber) String(text string) string {
	if s == nil || text == "" {
		return text
	}
	r := s.replacer()
	if r == nil {
		return text
	}
	return r.Replace(text)
}

// Bytes is String for a byte slice.
func (s *Scrubber) Bytes(b []byte) []byte {
	if s == nil || len(b) == 0 {
		return b
	}
	out := s.String(string(b))
	if out == string(b) {
		return b
	}
	return []byte(out)
}

// Error returns err with every known secret scrubbed from its message. The
// result still wraps err (errors.Is and errors.As see through it); err
// itself is returned when there was nothing to scrub.
func (s *Scrubber) Error(err error) error {
	if s == nil || err == nil {
		return err
	}
	msg := err.Error()
	clean := s.String(msg)
	if clean == msg {
		return err
	}
	return &scrubbedError{msg: clean, err: err}
}

// Values returns the known secrets, longest first (for a scrubber of
// another package, such as the cassette writer's).
func (s *Scrubber) Values() []string {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.values))
	for v := range s.values {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}

// replacer returns the Replacer of the current values, nil when none.
func (s *Scrubber) replacer() *strings.Replacer {
	s.mu.RLock()
	r := s.r
	n := len(s.values)
	s.mu.RUnlock()
	if r != nil || n == 0 {
		return r
	}
	vals := s.Values() // longest first, so a longer secret wins over its prefix
	pairs := make([]string, 0, 2*len(vals))
	for _, v := range vals {
		pairs = append(pairs, v, Redacted)
	}
	r = strings.NewReplacer(pairs...)
	s.mu.Lock()
	if len(s.values) == n {
		s.r = r
	}
	s.mu.Unlock()
	return r
}

// scrubbedError is an error whose message had secrets in it.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
