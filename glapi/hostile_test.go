package glapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
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

// TestEchoedSecretIsScrubbed: a token endpoint whose 401 error_description
// quotes the client secret, and an API whose error message quotes the
// access token, do not get either into glrun's errors: secrets are
// scrubbed by value, not only by field name.
func TestEchoedSecretIsScrubbed(t *testing.T) {
	t.Run("token endpoint echoes the client secret", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, map[string]any{"id": "j1"}) })
		tokenSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			_, secret, ok := r.BasicAuth()
			if !ok {
				secret = r.PostForm.Get("client_secret")
			}
			writeJSON(w, 401, map[string]string{"error": "invalid_client",
				"error_description": "client secret " + secret + " is not valid for " + testClientID})
		}))
		t.Cleanup(tokenSrv.Close)
		c := testClient(t, f, newRecClock(), nil, func(cfg *Config) { cfg.TokenURL = tokenSrv.URL })
		_, err := c.Jobs.Get(context.Background(), "j1")
		if err == nil {
			t.Fatal("Get succeeded")
		}
		if strings.Contains(err.Error(), testSecret) {
			t.Errorf("the error shows the client secret: %v", err)
		}
		var te *TokenError
		if !errors.As(err, &te) {
			t.Fatalf("err = %v, want a TokenError", err)
		}
		if strings.Contains(te.Description, testSecret) || !strings.Contains(te.Description, "client secret <redacted> is not valid") {
			t.Errorf("Description = %q, want the secret replaced by <redacted>", te.Description)
		}
		if te.Err != nil && strings.Contains(te.Err.Error(), testSecret) {
			t.Errorf("the wrapped error shows the client secret: %v", te.Err)
		}
	})
	t.Run("API echoes the access token", func(t *testing.T) {
		const token = "tok-long-access-0001"
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 400, map[string]any{"errorCode": "E", "message": "bad header " + r.Header.Get("Authorization")})
		})
		tokenSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"access_token": token, "token_type": "Bearer", "expires_in": 3600})
		}))
		t.Cleanup(tokenSrv.Close)
		c := testClient(t, f, newRecClock(), nil, func(cfg *Config) { cfg.TokenURL = tokenSrv.URL })
		_, err := c.Jobs.Get(context.Background(), "j1")
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("err = %v, want an APIError", err)
		}
		if strings.Contains(err.Error(), token) || strings.Contains(apiErr.Message, token) {
			t.Errorf("the error shows the access token: %v", err)
		}
		if got := c.Scrubber().String("log line with " + token + " and " + testSecret); got != "log line with <redacted> and <redacted>" {
			t.Errorf("Scrubber.String = %q", got)
		}
	})
}

// TestScrubber: values are replaced wherever they appear (also URL-encoded),
// a longer secret wins over its prefix, short values are ignored, and a
// scrubbed error still wraps the original.
func TestScrubber(t *testing.T) {
	s := NewScrubber("abcdefgh12345678", "abcdefgh", "short", "with space+plus")
	tests := []struct{ in, want string }{
		{"x abcdefgh12345678 y", "x <redacted> y"},
		{"x abcdefgh y", "x <redacted> y"},
		{"short stays", "short stays"},
		{"form with+space%2Bplus", "form <redacted>"},
		{"nothing", "nothing"},
	}
	for _, tt := range tests {
		if got := s.String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	base := errors.New("leaked abcdefgh12345678")
	err := s.Error(base)
	if err.Error() != "leaked <redacted>" || !errors.Is(err, base) {
		t.Errorf("Error = %v (wraps original: %v)", err, errors.Is(err, base))
	}
	clean := errors.New("nothing secret")
	if s.Error(clean) != clean {
		t.Error("an error with nothing to scrub was rewrapped")
	}
	var nilScrubber *Scrubber
	if nilScrubber.String("abcdefgh12345678") != "abcdefgh12345678" {
		t.Error("a nil Scrubber changed text")
	}
}

// TestUnsafeIDsRefusedBeforeSending: ids that are not one path segment
// ("", ".", "..", a slash also when percent-encoded, a control character)
// are refused before anything is sent: /jobs/.. would reach another
// endpoint.
func TestUnsafeIDsRefusedBeforeSending(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, map[string]any{"id": idOf(r)}) })
	c := testClient(t, f, newRecClock(), nil)
	ctx := context.Background()
	tests := []struct {
		id, want string
	}{
		{"", "id must not be empty"},
		{".", `id "." is not a valid id: "." would address another endpoint`},
		{"..", `id ".." is not a valid id: ".." would address another endpoint`},
		{"%2e%2E", `id "%2e%2E" is not a valid id: ".." would address another endpoint`},
		{"a/b", `id "a/b" is not a valid id: it contains a slash`},
		{"a%2Fb", `id "a%2Fb" is not a valid id: it contains a slash`},
		{`a\b`, `is not a valid id: it contains a slash`},
		{"a\nb", `id "a\nb" is not a valid id: it contains a control character`},
		{"a\x00b", `is not a valid id: it contains a control character`},
	}
	calls := map[string]func(id string) error{
		"Jobs.Get":          func(id string) error { _, err := c.Jobs.Get(ctx, id); return err },
		"Jobs.Update":       func(id string) error { _, err := c.Jobs.Update(ctx, id, "CANCELLED"); return err },
		"Servers.Get":       func(id string) error { _, err := c.Servers.Get(ctx, id); return err },
		"Users.Delete":      func(id string) error { return c.Users.Delete(ctx, id) },
		"Credentials.Reset": func(id string) error { _, err := c.Credentials.Reset(ctx, id); return err },
	}
	for _, tt := range tests {
		for name, call := range calls {
			err := call(tt.id)
			var idErr *IDError
			if !errors.As(err, &idErr) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s(%q) = %v, want an IDError saying %q", name, tt.id, err, tt.want)
			}
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests sent, want none: %v", n, f.requests())
	}
}

// TestGetByIDChecksTheAnswer: an answer to GET /jobs/MY-JOB-123 about
// another job (or with no id) is an error, never taken for the job asked.
func TestGetByIDChecksTheAnswer(t *testing.T) {
	tests := []struct {
		name   string
		answer map[string]any
		want   string
	}{
		{"another id", map[string]any{"id": "OTHER-JOB", "state": "COMPLETE"},
			`GET /compute-ops-mgmt/v1/jobs/MY-JOB-123: the answer is about id "OTHER-JOB", not the id asked ("MY-JOB-123")`},
		{"no id", map[string]any{"state": "COMPLETE"},
			`GET /compute-ops-mgmt/v1/jobs/MY-JOB-123: the answer has no id`},
		{"the id asked", map[string]any{"id": "MY-JOB-123", "state": "COMPLETE"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, tt.answer) })
			c := testClient(t, f, newRecClock(), nil)
			job, err := c.Jobs.Get(context.Background(), "MY-JOB-123")
			if tt.want == "" {
				if err != nil || job.ID() != "MY-JOB-123" {
					t.Fatalf("Get = %v, %v", job, err)
				}
				return
			}
			var wrong *WrongObjectError
			if err == nil || !errors.As(err, &wrong) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Get = %v, %v; want a WrongObjectError saying %q", job, err, tt.want)
			}
		})
	}
}

// TestHugeRetryAfterFailsWithTheHint: a wait hint longer than
// MaxHintedWait (15 minutes by default) is not honoured (Retry-After:
// 1000000000 is 277,777 hours): the request fails at once, showing the
// hint; a hint within the cap is honoured.
func TestHugeRetryAfterFailsWithTheHint(t *testing.T) {
	tests := []struct {
		name     string
		headers  map[string]string
		body     string
		wantErr  string
		wantWait time.Duration
	}{
		{"Retry-After 1000000000", map[string]string{"Retry-After": "1000000000"}, "",
			"429 Too Many Requests: the server asked to wait 277777h46m40s (Retry-After) before retrying, longer than the 15m0s glrun waits at most", 0},
		{"Retry-After beyond a Duration", map[string]string{"Retry-After": "99999999999999999"}, "",
			"the server asked to wait longer than 290 years (Retry-After)", 0},
		{"retryAfterSeconds huge", nil, `{"errorDetails":[{"type":"hpe.greenlake.retry_info","retryAfterSeconds":1e15}]}`,
			"(retryAfterSeconds) before retrying", 0},
		{"ratelimit-reset just over", map[string]string{"ratelimit-reset": "901"}, "",
			"asked to wait 15m1s (Ratelimit-Reset)", 0},
		{"Retry-After at the cap is honoured", map[string]string{"Retry-After": "900"}, "", "", 15 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					for k, v := range tt.headers {
						w.Header().Set(k, v)
					}
					w.WriteHeader(429)
					_, _ = w.Write([]byte(tt.body))
					return
				}
				writeJSON(w, 200, map[string]any{"id": idOf(r)})
			})
			clk := newRecClock()
			c := testClient(t, f, clk, nil)
			_, err := c.Jobs.Get(context.Background(), "j1")
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
			} else {
				var hint *HintTooLongError
				if !errors.As(err, &hint) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a HintTooLongError saying %q", err, tt.wantErr)
				}
			}
			var want []time.Duration
			if tt.wantWait > 0 {
				want = []time.Duration{tt.wantWait}
			}
			if got := clk.waits(); len(got) != len(want) || (len(want) > 0 && got[0] != want[0]) {
				t.Errorf("waits = %v, want %v", got, want)
			}
			// The rate limiter does not hold later requests for the hint.
			if tt.wantErr != "" {
				if _, err := c.Jobs.Get(context.Background(), "j1"); err != nil {
					t.Errorf("the next request: %v", err)
				}
				if got := clk.waits(); len(got) > 1 || (len(got) == 1 && got[0] > time.Minute) {
					t.Errorf("the next request waited %v", got)
				}
			}
		})
	}
}

// stallServer answers API requests with write, then stalls until the test
// ends (or the client hangs up).
func stallServer(t *testing.T, write func(w http.ResponseWriter)) *fakeGL {
	t.Helper()
	release := make(chan struct{})
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		write(w)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the server closes
	return f
}

// TestStalledAnswerTimesOut: an answer whose headers or body stop coming
// fails after IdleTimeout without a byte (60s by default; 100ms here, on
// the wall clock, as the network is), instead of hanging forever.
func TestStalledAnswerTimesOut(t *testing.T) {
	tests := []struct {
		name  string
		write func(w http.ResponseWriter)
		want  string
	}{
		{"stalled headers", func(w http.ResponseWriter) {},
			"no byte of the answer's headers came in 100ms; gave up"},
		{"stalled body", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"id":"j1","sta`))
			w.(http.Flusher).Flush()
		}, "no byte of the rest of the answer's body came in 100ms; gave up"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := stallServer(t, tt.write)
			c := testClient(t, f, newRecClock(), nil, func(cfg *Config) {
				cfg.IdleTimeout = 100 * time.Millisecond
				cfg.RetryMax = -1
			})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a safety net only
			defer cancel()
			_, err := c.Jobs.Get(ctx, "j1")
			var idle *IdleTimeoutError
			if !errors.As(err, &idle) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want an IdleTimeoutError saying %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), "GET /compute-ops-mgmt/v1/jobs/j1") {
				t.Errorf("err = %v does not name the endpoint", err)
			}
		})
	}
}

// TestHostilePagingStops: pages that never end or do not add up stop with
// a PagingError naming the endpoint: a huge total with full pages forever,
// cursors that alternate, cursors that never end, items past the total.
func TestHostilePagingStops(t *testing.T) {
	tests := []struct {
		name   string
		cursor bool
		page   func(r *http.Request, n int) map[string]any
		want   string
	}{
		{"huge total, full pages forever", false, func(r *http.Request, n int) map[string]any {
			off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
			return map[string]any{"offset": off, "count": 2, "total": 1 << 50, "items": []any{map[string]any{"id": "a"}, map[string]any{"id": "b"}}}
		}, "GET /compute-ops-mgmt/v1/jobs: the pages did not end after 50 pages"},
		{"items past the total", false, func(r *http.Request, n int) map[string]any {
			return map[string]any{"offset": 0, "count": 3, "total": 2, "items": []any{map[string]any{"id": "a"}, map[string]any{"id": "b"}, map[string]any{"id": "c"}}}
		}, "GET /compute-ops-mgmt/v1/jobs: the server sent 3 items up to offset 3, past the total of 2"},
		{"alternating cursors", true, func(r *http.Request, n int) map[string]any {
			return map[string]any{"count": 1, "next": []string{"A", "B"}[n%2], "items": []any{map[string]any{"id": "a"}}}
		}, `GET /compute-ops-mgmt/v1/async-operations: the server gave the cursor "A" a second time`},
		{"cursors that never end", true, func(r *http.Request, n int) map[string]any {
			return map[string]any{"count": 1, "next": fmt.Sprintf("c%d", n), "items": []any{map[string]any{"id": "a"}}}
		}, "GET /compute-ops-mgmt/v1/async-operations: the pages did not end after 50 pages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, tt.page(r, int(n.Add(1))-1))
			})
			c := testClient(t, f, newRecClock(), nil, func(cfg *Config) { cfg.MaxPages = 50 })
			var err error
			if tt.cursor {
				_, err = c.AsyncOps.List(context.Background(), ListOptions{})
			} else {
				_, err = c.Jobs.List(context.Background(), ListOptions{PageSize: 2})
			}
			var pe *PagingError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a PagingError saying %q", err, tt.want)
			}
			if got := len(f.requests()); got > 50 {
				t.Errorf("%d pages read, want at most 50", got)
			}
		})
	}
}

// TestResponseTooLarge: an answer past MaxResponseBytes (64 MiB by
// default; 1 KiB here) fails with a clear error, whether it announces its
// length or not, and is not read again.
func TestResponseTooLarge(t *testing.T) {
	big := `{"id":"j1","pad":"` + strings.Repeat("x", 2048) + `"}`
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if !chunked {
					w.Header().Set("Content-Length", strconv.Itoa(len(big)))
				}
				_, _ = w.Write([]byte(big[:100]))
				if chunked {
					w.(http.Flusher).Flush()
				}
				_, _ = w.Write([]byte(big[100:]))
			})
			c := testClient(t, f, newRecClock(), nil, func(cfg *Config) { cfg.MaxResponseBytes = 1024 })
			_, err := c.Jobs.Get(context.Background(), "j1")
			var tl *ResponseTooLargeError
			if !errors.As(err, &tl) || !strings.Contains(err.Error(), "GET /compute-ops-mgmt/v1/jobs/j1: decoding the answer: the answer is larger than 1 KiB, the most glrun reads") {
				t.Fatalf("err = %v, want a ResponseTooLargeError", err)
			}
			if got := len(f.requests()); got != 1 {
				t.Errorf("sent %d times, want 1", got)
			}
		})
	}
}
