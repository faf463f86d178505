package glapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
)

// TestTokenExpiryMidRunRefreshesOnce runs against a simulator whose tokens
// live five minutes (the token-ttl fault) while the client still believes
// in its token: after the token expires, the next request is answered 401,
// a new token is fetched and the request succeeds; one refresh per expiry.
func TestTokenExpiryMidRunRefreshesOnce(t *testing.T) {
	f, err := sim.ParseFaults("token-ttl=5m")
	if err != nil {
		t.Fatal(err)
	}
	tokens := clock.NewVirtual(simStart)
	env := newSimEnv(t, sim.Options{TokenClock: tokens, Faults: f})
	c, s := env.c, env.sim
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := c.Servers.List(ctx, glapi.ListOptions{}); err != nil {
			t.Fatalf("request %d (token expired %d times): %v", i+1, i, err)
		}
		tokens.Advance(6 * time.Minute)
	}
	var fetched, refused int
	for _, e := range s.Requests() {
		switch {
		case e.Path == "/as/token.oauth2":
			fetched++
		case e.Status == http.StatusUnauthorized:
			refused++
		}
	}
	if fetched != 3 || refused != 2 {
		t.Errorf("%d tokens fetched and %d requests refused, want 3 and 2 (one refresh per expiry)", fetched, refused)
	}
}

// TestSecond401IsAnError: when the fresh token is refused too, the request
// is not tried a third time; the error is the API's 401, naming the
// endpoint, without the token or the secret.
func TestSecond401IsAnError(t *testing.T) {
	var api, tokenReqs atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/token.oauth2") {
			n := tokenReqs.Add(1)
			_, _ = w.Write([]byte(`{"access_token":"tok-` + string(rune('0'+n)) + `-zzz","token_type":"Bearer","expires_in":3600}`))
			return
		}
		api.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"errorCode":"HPE_GL_UNAUTHORIZED","message":"token refused"}`))
	}))
	t.Cleanup(srv.Close)
	c, err := glapi.New(glapi.Config{BaseURL: srv.URL, ClientID: "id", ClientSecret: glapi.NewSecret("the-client-secret"),
		Clock: clock.NewVirtual(time.Unix(0, 0))})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Jobs.Get(context.Background(), "j1")
	var ae *glapi.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized {
		t.Fatalf("err = %v, want a 401 APIError", err)
	}
	if api.Load() != 2 || tokenReqs.Load() != 2 {
		t.Errorf("%d API attempts with %d tokens, want 2 and 2", api.Load(), tokenReqs.Load())
	}
	msg := err.Error()
	if !strings.Contains(msg, "GET /compute-ops-mgmt/v1/jobs/j1") || strings.Contains(msg, "tok-") || strings.Contains(msg, "the-client-secret") {
		t.Errorf("error %q should name the endpoint and hold no token or secret", msg)
	}
}
