package glapi_test

import (
	"context"
	"errors"
	"io"
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

// serviceCall is one call of every kind of answer the client decodes: the
// endpoint its errors must name, and the call.
type serviceCall struct {
	endpoint string
	call     func(context.Context, *glapi.Client) error
}

// decoderCalls covers each decoder: single objects, offset pages, cursor
// pages, compliance records, messages with Location, credentials with
// secrets, and mutations answered with a body.
func decoderCalls() []serviceCall {
	tmpl, _ := glapi.LookupTemplate("restart")
	e := func(_ any, err error) error { return err }
	return []serviceCall{
		{"GET /compute-ops-mgmt/v1/jobs/j1", func(ctx context.Context, c *glapi.Client) error { return e(c.Jobs.Get(ctx, "j1")) }},
		{"GET /compute-ops-mgmt/v1/jobs", func(ctx context.Context, c *glapi.Client) error { return e(c.Jobs.List(ctx, glapi.ListOptions{})) }},
		{"POST /compute-ops-mgmt/v1/jobs", func(ctx context.Context, c *glapi.Client) error {
			return e(c.Jobs.Create(ctx, glapi.JobCreate{JobTemplate: tmpl.ID, ResourceID: "s1", ResourceType: tmpl.ResourceType}))
		}},
		{"PATCH /compute-ops-mgmt/v1/jobs/j1", func(ctx context.Context, c *glapi.Client) error { return e(c.Jobs.Update(ctx, "j1", "COMPLETE")) }},
		{"GET /compute-ops-mgmt/v1/async-operations", func(ctx context.Context, c *glapi.Client) error {
			return e(c.AsyncOps.List(ctx, glapi.ListOptions{}))
		}},
		{"GET /compute-ops-mgmt/v1/async-operations/o1", func(ctx context.Context, c *glapi.Client) error { return e(c.AsyncOps.Get(ctx, "o1")) }},
		{"GET /compute-ops-mgmt/v1/servers", func(ctx context.Context, c *glapi.Client) error { return e(c.Servers.List(ctx, glapi.ListOptions{})) }},
		{"GET /compute-ops-mgmt/v1/servers/s1", func(ctx context.Context, c *glapi.Client) error { return e(c.Servers.Get(ctx, "s1")) }},
		{"GET /compute-ops-mgmt/v1/groups", func(ctx context.Context, c *glapi.Client) error { return e(c.Groups.List(ctx, glapi.ListOptions{})) }},
		{"GET /compute-ops-mgmt/v1/groups/g1/compliance", func(ctx context.Context, c *glapi.Client) error { return e(c.Groups.Compliance(ctx, "g1")) }},
		{"GET /compute-ops-mgmt/v1/firmware-bundles", func(ctx context.Context, c *glapi.Client) error {
			return e(c.FirmwareBundles.List(ctx, glapi.ListOptions{}))
		}},
		{"GET /identity/v1/users", func(ctx context.Context, c *glapi.Client) error { return e(c.Users.List(ctx, glapi.ListOptions{})) }},
		{"GET /identity/v1/users/u1", func(ctx context.Context, c *glapi.Client) error { return e(c.Users.Get(ctx, "u1")) }},
		{"POST /identity/v1/users", func(ctx context.Context, c *glapi.Client) error {
			return e(c.Users.Invite(ctx, "a@example.com", false))
		}},
		{"PUT /identity/v1/users/u1", func(ctx context.Context, c *glapi.Client) error {
			lang := "en"
			return e(c.Users.Update(ctx, "u1", glapi.UserUpdate{Language: &lang}))
		}},
		{"GET /workspaces/v1/credentials", func(ctx context.Context, c *glapi.Client) error {
			return e(c.Credentials.List(ctx, glapi.ListOptions{}))
		}},
		{"POST /workspaces/v1/credentials", func(ctx context.Context, c *glapi.Client) error {
			return e(c.Credentials.Create(ctx, glapi.CredentialCreate{CredentialName: "x"}))
		}},
		{"POST /workspaces/v1/credentials/c1/reset", func(ctx context.Context, c *glapi.Client) error { return e(c.Credentials.Reset(ctx, "c1")) }},
	}
}

// bodyServer answers every API request 200 with body, and token requests
// with a token.
func bodyServer(t testing.TB, body []byte) *glapi.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if strings.HasSuffix(r.URL.Path, "/token.oauth2") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"tok-abc","token_type":"Bearer","expires_in":3600}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	c, err := glapi.New(glapi.Config{
		BaseURL: srv.URL, ClientID: "id", ClientSecret: glapi.NewSecret("s3cret-value"),
		Clock: clock.NewVirtual(time.Unix(0, 0)), RetryMax: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestMalformedAnswersNameTheEndpoint answers every call with bodies that
// are truncated, not JSON, the wrong JSON type, or pages whose items are
// not objects: each call fails with an error naming its endpoint (no
// panic), and a POST's error says its outcome is unknown.
func TestMalformedAnswersNameTheEndpoint(t *testing.T) {
	bodies := map[string]string{
		"truncated":         `{"items": [{"id": "a", "na`,
		"empty":             ``,
		"html":              `<html><body>502 Bad Gateway</body></html>`,
		"wrong type":        `[1, 2, 3]`,
		"items not a list":  `{"items": "nope", "count": 1, "total": 1}`,
		"items not objects": `{"items": [1, "x", null], "count": 3, "total": 3}`,
	}
	for name, body := range bodies {
		c := bodyServer(t, []byte(body))
		for _, sc := range decoderCalls() {
			err := sc.call(context.Background(), c)
			if err == nil {
				// Some shapes are valid for some calls (e.g. a list body for an
				// endpoint answered with a message only); no panic is the point.
				continue
			}
			if !strings.Contains(err.Error(), sc.endpoint) {
				t.Errorf("%s answer to %s: error %q does not name the endpoint", name, sc.endpoint, err)
			}
			if strings.HasPrefix(sc.endpoint, "POST") && !errors.Is(err, glapi.ErrOutcomeUnknown) {
				t.Errorf("%s answer to %s: error %q should say the outcome is unknown", name, sc.endpoint, err)
			}
		}
	}
}

// TestSimMalformedFault uses the simulator's malformed fault (the body cut
// in half): reads fail naming the endpoint.
func TestSimMalformedFault(t *testing.T) {
	c := newSimEnv(t, sim.Options{Faults: sim.Faults{Rates: map[string]float64{"malformed": 1}}}).c
	_, err := c.Servers.List(context.Background(), glapi.ListOptions{})
	if err == nil || !strings.Contains(err.Error(), "GET /compute-ops-mgmt/v1/servers: decoding the answer") {
		t.Errorf("err = %v, want a decoding error naming GET /compute-ops-mgmt/v1/servers", err)
	}
}

// FuzzResponseDecoders feeds arbitrary bodies to every decoder: none may
// panic, and every error names the endpoint.
func FuzzResponseDecoders(f *testing.F) {
	for _, seed := range []string{
		`{"id":"j1","state":"RUNNING"}`,
		`{"items":[{"id":"a"}],"count":1,"offset":0,"total":1}`,
		`{"items":[{"id":"a"}],"next":"/compute-ops-mgmt/v1/async-operations?next=x"}`,
		`{"items":[],"count":0,"total":0}`,
		`{"message":"ok"}`,
		`{"id":"c1","clientSecret":"abc"}`,
		`{"items":[{"id":"a"}],"count":1,"offset":0,"total":5}`,
		`{"items":null}`, `null`, `{`, ``, `[{}]`, `{"items":[{"id":1}],"total":"x"}`,
	} {
		f.Add([]byte(seed))
	}
	calls := decoderCalls()
	f.Fuzz(func(t *testing.T, body []byte) {
		c := bodyServer(t, body)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		for _, sc := range calls {
			err := sc.call(ctx, c)
			if err != nil && ctx.Err() == nil && !strings.Contains(err.Error(), sc.endpoint) &&
				!strings.Contains(err.Error(), strings.SplitN(sc.endpoint, "?", 2)[0]) {
				t.Errorf("%s: error %q does not name the endpoint", sc.endpoint, err)
			}
		}
	})
}

// TestTruncatedReadIsRetried: a GET whose 200 answer is cut short or not
// JSON is sent again (reads are idempotent), at most twice; a POST's is not
// (its outcome is unknown instead).
func TestTruncatedReadIsRetried(t *testing.T) {
	tests := []struct {
		name    string
		bad     int // answers spoilt before a good one
		wantErr string
		wantN   int
	}{
		{"one truncated answer", 1, "", 2},
		{"two truncated answers", 2, "", 3},
		{"always truncated", 99, "GET /compute-ops-mgmt/v1/jobs/j1: decoding the answer: unexpected EOF (after 3 attempts)", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/token.oauth2") {
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write([]byte(`{"access_token":"tok-abc","token_type":"Bearer","expires_in":3600}`))
					return
				}
				n := calls.Add(1)
				w.Header().Set("Content-Type", "application/json")
				if int(n) <= tt.bad {
					_, _ = w.Write([]byte(`{"id":"j1","sta`))
					return
				}
				_, _ = w.Write([]byte(`{"id":"j1","state":"COMPLETE"}`))
			}))
			t.Cleanup(srv.Close)
			c, err := glapi.New(glapi.Config{BaseURL: srv.URL, ClientID: "id", ClientSecret: glapi.NewSecret("s3cret-value"),
				Clock: clock.NewVirtual(time.Unix(0, 0))})
			if err != nil {
				t.Fatal(err)
			}
			job, err := c.Jobs.Get(context.Background(), "j1")
			switch {
			case tt.wantErr == "" && (err != nil || job.String("state") != "COMPLETE"):
				t.Errorf("Get = %v, %v; want the job", job, err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Errorf("Get error = %v, want %q", err, tt.wantErr)
			}
			if n := int(calls.Load()); n != tt.wantN {
				t.Errorf("GET sent %d times, want %d", n, tt.wantN)
			}
		})
	}
}

// TestSimMalformedReadsSucceed: under the simulator's malformed=0.02 fault
// (2% of answers cut in half; the fault that failed 3 of 3 runs), 300 reads
// all succeed.
func TestSimMalformedReadsSucceed(t *testing.T) {
	env := newSimEnv(t, sim.Options{Faults: sim.Faults{Rates: map[string]float64{"malformed": 0.02}, Seed: 5}})
	c, s := env.c, env.sim
	ctx := context.Background()
	servers, err := c.Servers.List(ctx, glapi.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 300; i++ {
		id := servers[i%len(servers)].ID()
		if _, err := c.Servers.Get(ctx, id); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	cut := 0
	for _, e := range s.Requests() {
		if e.Fault == "malformed" {
			cut++
		}
	}
	if cut == 0 {
		t.Error("the fault cut no answer (change the seed)")
	}
}
