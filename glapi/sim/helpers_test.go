package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"glrun/clock"
)

// start is the virtual time every test simulator starts at.
var start = time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)

// harness is a simulator on a virtual clock behind an httptest server,
// with a bearer token.
type harness struct {
	t     *testing.T
	sim   *Sim
	clk   *clock.Virtual
	srv   *httptest.Server
	token string
	log   *bytes.Buffer
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	clk := clock.NewVirtual(start)
	opts.Clock = clk
	if opts.TokenTTL != 0 {
		// A test that sets a token lifetime measures it on the virtual clock.
		opts.TokenClock = clk
	}
	buf := &bytes.Buffer{}
	opts.RequestLog = &lockedWriter{w: buf}
	s := New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	h := &harness{t: t, sim: s, clk: clk, srv: srv, log: buf}
	id, secret := DemoClientID, DemoClientSecret
	if opts.ClientID != "" {
		id, secret = opts.ClientID, opts.ClientSecret
	}
	h.token = h.getToken(id, secret)
	return h
}

// lockedWriter is an io.Writer the test reads after the requests are done.
type lockedWriter struct{ w io.Writer }

func (l *lockedWriter) Write(p []byte) (int, error) { return l.w.Write(p) }

func (h *harness) getToken(id, secret string) string {
	h.t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	resp, err := http.PostForm(h.srv.URL+tokenPath, form)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != 200 {
		h.t.Fatalf("token: status %d, body %v", resp.StatusCode, body)
	}
	return body["access_token"].(string)
}

// result is a decoded answer.
type result struct {
	status int
	header http.Header
	body   map[string]any
}

func (r result) items() []any {
	l, _ := r.body["items"].([]any)
	return l
}

// do sends a request; a non-nil body is sent as JSON with ctype (default
// application/json, or merge-patch for PATCH).
func (h *harness) do(method, path string, body any, ctype ...string) result {
	h.t.Helper()
	var header http.Header
	if body != nil && len(ctype) > 0 {
		header = http.Header{"Content-Type": {ctype[0]}}
	}
	return h.doHeader(method, path, body, header)
}

// doHeader is do with more request headers (a Content-Type among them
// replaces the default).
func (h *harness) doHeader(method, path string, body any, header http.Header) result {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.token)
	if body != nil {
		ct := "application/json"
		if method == http.MethodPatch {
			ct = "application/merge-patch+json"
		}
		req.Header.Set("Content-Type", ct)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &m); err != nil {
			h.t.Fatalf("%s %s: body is not JSON: %q", method, path, raw)
		}
	}
	return result{resp.StatusCode, resp.Header, m}
}

// get is do(GET) that expects want.
func (h *harness) get(path string, want int) result {
	h.t.Helper()
	r := h.do(http.MethodGet, path, nil)
	if r.status != want {
		h.t.Fatalf("GET %s: status %d, want %d (body %v)", path, r.status, want, r.body)
	}
	return r
}

// ids returns the "id" of each item.
func ids(items []any) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.(map[string]any)["id"].(string))
	}
	return out
}

// serverID returns the id of the demo server with that name.
func (h *harness) serverID(name string) string {
	h.t.Helper()
	o, ok := h.sim.ServerByName(name)
	if !ok {
		h.t.Fatalf("no server %s", name)
	}
	return o.ID()
}

func (h *harness) groupID(name string) string {
	h.t.Helper()
	o, ok := h.sim.GroupByName(name)
	if !ok {
		h.t.Fatalf("no group %s", name)
	}
	return o.ID()
}

// pathID escapes an id for a URL path, as clients must (+ as %2B).
func pathID(id string) string { return strings.ReplaceAll(url.PathEscape(id), "+", "%2B") }

// q escapes a query value with %20 and %2B.
func q(v string) string { return strings.ReplaceAll(url.QueryEscape(v), "+", "%20") }

// checkError asserts an error answer with the standard body.
func checkError(t *testing.T, what string, r result, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d (body %v)", what, r.status, status, r.body)
	}
	for _, k := range []string{"httpStatusCode", "errorCode", "message", "debugId"} {
		if _, ok := r.body[k]; !ok {
			t.Errorf("%s: error body lacks %s: %v", what, k, r.body)
		}
	}
	if got, _ := r.body["httpStatusCode"].(float64); int(got) != status {
		t.Errorf("%s: httpStatusCode %v, want %d", what, r.body["httpStatusCode"], status)
	}
}

func decodeJSON(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("decode: %v", err)
	}
}

func strconvItoa(n int) string { return strconv.Itoa(n) }
