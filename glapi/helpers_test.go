package glapi

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"glrun/clock"
)

// Test credentials; the secret must never show up in errors or logs.
const (
	testClientID = "test-client"
	testSecret   = "s3cr3t-do-not-print"
)

// recClock is a virtual clock that records every wait asked of it.
type recClock struct {
	*clock.Virtual
	mu     sync.Mutex
	sleeps []time.Duration
}

func newRecClock() *recClock {
	return &recClock{Virtual: clock.NewVirtual(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))}
}

func (c *recClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.mu.Unlock()
	return c.Virtual.Sleep(ctx, d)
}

func (c *recClock) waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// fakeGL is a scripted GreenLake: a token endpoint at /as/token.oauth2 and
// an API handler set by each test. It records every API request.
type fakeGL struct {
	t   *testing.T
	srv *httptest.Server
	api http.HandlerFunc

	mu     sync.Mutex
	tokens int
	hdrs   []http.Header // headers of API requests
	uris   []string      // "METHOD RequestURI" of API requests
	bodies []string
}

func newFake(t *testing.T, api http.HandlerFunc) *fakeGL {
	t.Helper()
	f := &fakeGL{t: t, api: api}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGL) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/as/token.oauth2" {
		f.token(w, r)
		return
	}
	var body bytes.Buffer
	_, _ = body.ReadFrom(r.Body)
	f.mu.Lock()
	f.hdrs = append(f.hdrs, r.Header.Clone())
	f.uris = append(f.uris, r.Method+" "+r.RequestURI)
	f.bodies = append(f.bodies, body.String())
	f.mu.Unlock()
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer tok-") {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"errorCode": "HPE_GL_ERROR_UNAUTHORIZED",
			"message": "missing bearer token", "debugId": "d-auth", "httpStatusCode": 401})
		return
	}
	r.Body = http.NoBody
	f.api(w, r)
}

func (f *fakeGL) token(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != testClientID || secret != testSecret || r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client",
			"error_description": "bad client credentials"})
		return
	}
	f.mu.Lock()
	f.tokens++
	n := f.tokens
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": "tok-" + string(rune('0'+n)),
		"token_type": "Bearer", "expires_in": 7200})
}

func (f *fakeGL) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.uris...)
}

func (f *fakeGL) tokenCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// testClient returns a client for f on clk, with debug logs in logs.
func testClient(t *testing.T, f *fakeGL, clk clock.Clock, logs *bytes.Buffer, edit ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		ClientID: testClientID, ClientSecret: NewSecret(testSecret),
		BaseURL: f.srv.URL, Clock: clk,
		RetryWaitMin: time.Second, RetryWaitMax: 30 * time.Second,
	}
	if logs != nil {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// idOf is the id a GET by id asks for: the last segment of the path,
// unescaped (what a well-behaved server echoes as the object's id).
func idOf(r *http.Request) string {
	p := r.URL.Path
	return p[strings.LastIndexByte(p, '/')+1:]
}
