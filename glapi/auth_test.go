package glapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestTokenFetchedOnceAndReused: many requests, also concurrent ones, share
// one token fetched from <BaseURL>/as/token.oauth2.
func TestTokenFetchedOnceAndReused(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"id": idOf(r)})
	})
	c := testClient(t, f, newRecClock(), nil)
	if got := c.BaseURLs().Token; got != f.srv.URL+"/as/token.oauth2" {
		t.Errorf("token URL = %q", got)
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Jobs.Get(context.Background(), "x"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if _, err := c.Users.Get(context.Background(), "u"); err != nil {
		t.Fatal(err)
	}
	if got := f.tokenCount(); got != 1 {
		t.Errorf("token fetched %d times, want 1", got)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, h := range f.hdrs {
		if h.Get("Authorization") != "Bearer tok-1" {
			t.Errorf("Authorization = %q", h.Get("Authorization"))
		}
	}
}

// TestTokenRefreshedOn401: an API 401 drops the token; the request is sent
// once more with a new one.
func TestTokenRefreshedOn401(t *testing.T) {
	var n atomic.Int32
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			writeJSON(w, 401, map[string]string{"message": "token revoked"})
			return
		}
		writeJSON(w, 201, map[string]any{"id": "c1", "clientSecret": "new"})
	})
	c := testClient(t, f, newRecClock(), nil)
	if _, err := c.Credentials.Create(context.Background(), CredentialCreate{CredentialName: "x"}); err != nil {
		t.Fatal(err)
	}
	if got := f.tokenCount(); got != 2 {
		t.Errorf("tokens = %d, want 2", got)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.bodies) != 2 || f.bodies[1] != f.bodies[0] {
		t.Errorf("bodies = %q, want the same body twice", f.bodies)
	}
}

// TestSecretNeverPrinted: a refused token request and a failing API call
// produce errors and debug logs without the client secret or the token.
func TestSecretNeverPrinted(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		writeJSON(w, 429, map[string]string{"message": "slow"})
	})
	var logs bytes.Buffer
	good := testClient(t, f, newRecClock(), &logs, func(c *Config) { c.RetryMax = 2 })
	_, err1 := good.Jobs.Get(context.Background(), "j")
	bad := testClient(t, f, newRecClock(), &logs, func(c *Config) { c.ClientSecret = NewSecret("wrong-" + testSecret) })
	_, err2 := bad.Jobs.Get(context.Background(), "j")
	var te *TokenError
	if !errors.As(err2, &te) || te.StatusCode != 401 || te.Code != "invalid_client" {
		t.Fatalf("err = %v, want a TokenError 401 invalid_client", err2)
	}
	if !strings.Contains(err2.Error(), "check the client id and secret") {
		t.Errorf("token error %q should say what to check", err2)
	}
	cfg := Config{ClientID: testClientID, ClientSecret: NewSecret(testSecret)}
	for _, s := range []string{err1.Error(), err2.Error(), fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg), logs.String()} {
		if strings.Contains(s, testSecret) || strings.Contains(s, "tok-1") {
			t.Errorf("secret or token leaked in %q", s)
		}
	}
	if got := len(f.requests()); got != 3 {
		t.Errorf("API requests = %d, want 3 (the bad client sends none)", got)
	}
}

// TestTokenURLThroughTransport: the token request goes through
// Config.Transport, to the configured token URL.
func TestTokenURLThroughTransport(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, map[string]any{"id": idOf(r)}) })
	var seen []string
	var mu sync.Mutex
	c := testClient(t, f, newRecClock(), nil, func(c *Config) {
		c.TokenURL = f.srv.URL + "/as/token.oauth2?x=1"
		c.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			seen = append(seen, r.Method+" "+r.URL.Path)
			mu.Unlock()
			return http.DefaultTransport.RoundTrip(r)
		})
	})
	if _, err := c.Groups.Get(context.Background(), "g"); err != nil {
		t.Fatal(err)
	}
	want := []string{"POST /as/token.oauth2", "GET /compute-ops-mgmt/v1/groups/g"}
	if strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Errorf("transport saw %q, want %q", seen, want)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
