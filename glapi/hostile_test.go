package glapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// Tests of glrun against hostile or broken servers: each names the failure
// it proves glrun survives, for the table of docs/errors.md.

// TestTokenRequestNeverFollowsRedirects: a token endpoint answering 307 or
// 308 to another host does not get the client secret sent there; the error
// says where the redirect pointed, and it is not retried.
func TestTokenRequestNeverFollowsRedirects(t *testing.T) {
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			var stolen atomic.Int32
			evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				stolen.Add(1)
				w.WriteHeader(500)
			}))
			t.Cleanup(evil.Close)
			var asked atomic.Int32
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, map[string]any{"id": "j1"}) })
			tokenSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				asked.Add(1)
				http.Redirect(w, r, evil.URL+"/as/token.oauth2", status)
			}))
			t.Cleanup(tokenSrv.Close)
			clk := newRecClock()
			c := testClient(t, f, clk, nil, func(cfg *Config) { cfg.TokenURL = tokenSrv.URL + "/as/token.oauth2" })
			_, err := c.Jobs.Get(context.Background(), "j1")
			if err == nil {
				t.Fatal("Get succeeded through a redirected token request")
			}
			if n := stolen.Load(); n != 0 {
				t.Errorf("the redirect target received %d requests (the client secret)", n)
			}
			var te *TokenError
			if !errors.As(err, &te) || te.Redirect != evil.URL+"/as/token.oauth2" {
				t.Errorf("err = %v, want a TokenError naming the redirect target", err)
			}
			if !strings.Contains(err.Error(), "redirecting to "+evil.URL+"/as/token.oauth2; not followed") {
				t.Errorf("error %q does not say where the redirect pointed", err)
			}
			// (oauth2 asks twice: secret in the header, then in the form.)
			if n := asked.Load(); n > 2 || len(clk.waits()) != 0 {
				t.Errorf("token endpoint asked %d times after waits %v: a redirect must not be retried", n, clk.waits())
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Error("the error shows the client secret")
			}
		})
	}
}

// readAllString reads r for tests.
func readAllString(r io.Reader) string {
	b, _ := io.ReadAll(r)
	return string(b)
}
