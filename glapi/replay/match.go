package replay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// shape is the part of a request replay matches on: method, path, query and
// body with secrets redacted (host, headers and credentials are ignored).
type shape struct {
	method string
	path   string
	query  url.Values
	body   any    // decoded JSON (secrets redacted), or the raw text
	token  bool   // an OAuth2 token request: matched by method and path only
	raw    string // the body as text, for messages
}

// shapeOf returns the shape of a recorded request.
func shapeOf(r cassette.Request) shape {
	u, err := url.Parse(r.URL)
	if err != nil {
		u = &url.URL{Path: r.URL}
	}
	return newShape(r.Method, u, r.Headers.Get("Content-Type"), r.Body)
}

// newShape builds a shape, redacting the body as the recorder does.
func newShape(method string, u *url.URL, contentType, body string) shape {
	s := shape{method: method, path: u.EscapedPath(), query: u.Query(), raw: body}
	if strings.HasPrefix(contentType, "application/x-www-form-urlencoded") {
		q, _ := url.ParseQuery(body)
		s.token = q.Get("grant_type") != ""
		s.body = body
		return s
	}
	var found []string
	red := redactBody(body, contentType, &found)
	s.raw = red
	var v any
	dec := json.NewDecoder(strings.NewReader(red))
	dec.UseNumber()
	if red != "" && dec.Decode(&v) == nil {
		s.body = v
	} else {
		s.body = red
	}
	return s
}

// line is the request as one line for messages: METHOD /path?query body.
func (s shape) line() string {
	t := s.method + " " + s.path
	if q := s.query.Encode(); q != "" {
		// Encode writes a space as '+' (and a '+' as %2B); show spaces as
		// %20, as glapi sends them, so a '+' in a message never misleads.
		t += "?" + strings.ReplaceAll(q, "+", "%20")
	}
	if s.token {
		return t + " (token request)"
	}
	if s.raw != "" {
		b := s.raw
		if len(b) > 300 {
			b = b[:300] + "..."
		}
		t += " " + b
	}
	return t
}

// matches reports whether a request of shape s is answered by a recorded
// request of shape r.
func (s shape) matches(r shape) bool {
	if s.method != r.method || s.path != r.path {
		return false
	}
	if s.token || r.token {
		return s.token && r.token
	}
	return len(differences(s, r)) == 0
}

// differences lists, one per line, what differs between the request s and
// the recorded request r ("path: ... (request) vs ... (recorded)").
func differences(s, r shape) []string {
	var out []string
	if s.method != r.method {
		out = append(out, fmt.Sprintf("method: %s (request) vs %s (recorded)", s.method, r.method))
	}
	if s.path != r.path {
		out = append(out, fmt.Sprintf("path: %s (request) vs %s (recorded)", s.path, r.path))
	}
	keys := map[string]bool{}
	for k := range s.query {
		keys[k] = true
	}
	for k := range r.query {
		keys[k] = true
	}
	for _, k := range sortedKeys(keys) {
		a, b := strings.Join(s.query[k], ","), strings.Join(r.query[k], ",")
		_, inA := s.query[k]
		_, inB := r.query[k]
		switch {
		case inA && !inB:
			out = append(out, fmt.Sprintf("query %s: %q (request) vs absent (recorded)", k, a))
		case !inA && inB:
			out = append(out, fmt.Sprintf("query %s: absent (request) vs %q (recorded)", k, b))
		case a != b:
			out = append(out, fmt.Sprintf("query %s: %q (request) vs %q (recorded)", k, a, b))
		}
	}
	if !s.token && !r.token {
		diffValue("body", s.body, r.body, &out)
	}
	return out
}

// diffValue appends the differences between two decoded JSON values, by
// field path. A recorded Redacted value matches anything.
func diffValue(at string, a, b any, out *[]string) {
	if bs, ok := b.(string); ok && bs == Redacted {
		return
	}
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		for _, k := range sortedKeys(keys) {
			av, inA := am[k]
			bv, inB := bm[k]
			switch {
			case inA && !inB:
				*out = append(*out, fmt.Sprintf("%s.%s: %s (request) vs absent (recorded)", at, k, jsonText(av)))
			case !inA && inB:
				*out = append(*out, fmt.Sprintf("%s.%s: absent (request) vs %s (recorded)", at, k, jsonText(bv)))
			default:
				diffValue(at+"."+k, av, bv, out)
			}
		}
		return
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok && bok && len(al) == len(bl) {
		for i := range al {
			diffValue(fmt.Sprintf("%s[%d]", at, i), al[i], bl[i], out)
		}
		return
	}
	if ja, jb := jsonText(a), jsonText(b); ja != jb {
		*out = append(*out, fmt.Sprintf("%s: %s (request) vs %s (recorded)", at, ja, jb))
	}
}

// jsonText renders a decoded JSON value compactly; an empty body is "(none)".
func jsonText(v any) string {
	if v == nil {
		return "null"
	}
	if s, ok := v.(string); ok && s == "" {
		return "(none)"
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(buf.String())
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// requestShape returns the shape of a live request, reading (and restoring)
// its body.
func requestShape(req *http.Request, body []byte) shape {
	return newShape(req.Method, req.URL, req.Header.Get("Content-Type"), string(body))
}
