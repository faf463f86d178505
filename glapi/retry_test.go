package glapi

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestRetryHonoursWaitHints: a GET answered 429 or 503 is retried and
// waits exactly as long as the answer asked, by the hint of highest rank.
func TestRetryHonoursWaitHints(t *testing.T) {
	retryInfo := `{"httpStatusCode":429,"errorCode":"HPE_GL_ERROR_TOO_MANY_REQUESTS","message":"slow down",` +
		`"debugId":"d1","errorDetails":[{"type":"hpe.greenlake.metadata","source":"compute-ops-mgmt","metadata":{}},` +
		`{"type":"hpe.greenlake.retry_info","retryAfterSeconds":7}]}`
	start := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name    string
		status  int
		headers map[string]string
		body    string
		want    time.Duration
	}{
		{"Retry-After seconds", 429, map[string]string{"Retry-After": "3"}, "", 3 * time.Second},
		{"Retry-After HTTP date", 429, map[string]string{"Retry-After": start.Add(42 * time.Second).Format(http.TimeFormat)}, "", 42 * time.Second},
		{"Retry-After wins over the body", 429, map[string]string{"Retry-After": "2"}, retryInfo, 2 * time.Second},
		{"body retryAfterSeconds", 429, nil, retryInfo, 7 * time.Second},
		{"body wins over ratelimit-reset", 429, map[string]string{"ratelimit-reset": "11"}, retryInfo, 7 * time.Second},
		{"ratelimit-reset", 429, map[string]string{"ratelimit-reset": "11"}, "", 11 * time.Second},
		{"X-RateLimit-Reset", 429, map[string]string{"X-RateLimit-Reset": "13"}, "", 13 * time.Second},
		{"503 without hint backs off", 503, nil, "", time.Second},
		{"503 with Retry-After", 503, map[string]string{"Retry-After": "5"}, "", 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					for k, v := range tt.headers {
						w.Header().Set(k, v)
					}
					w.WriteHeader(tt.status)
					_, _ = w.Write([]byte(tt.body))
					return
				}
				writeJSON(w, 200, map[string]any{"id": "j1", "state": "RUNNING"})
			})
			clk := newRecClock()
			c := testClient(t, f, clk, nil)
			job, err := c.Jobs.Get(context.Background(), "j1")
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if job.String("state") != "RUNNING" {
				t.Errorf("state = %q", job.String("state"))
			}
			if diff := cmp.Diff([]time.Duration{tt.want}, clk.waits()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			if got := len(f.requests()); got != 2 {
				t.Errorf("requests = %d, want 2", got)
			}
		})
	}
}

// TestRetryBackoffAndGiveUp: without hints the waits double up to the cap,
// and after RetryMax retries the last answer is returned as an APIError.
func TestRetryBackoffAndGiveUp(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 502, map[string]any{"errorCode": "E502", "message": "bad gateway", "debugId": "d"})
	})
	clk := newRecClock()
	c := testClient(t, f, clk, nil, func(c *Config) {
		c.RetryMax = 4
		c.RetryWaitMin = time.Second
		c.RetryWaitMax = 5 * time.Second
	})
	_, err := c.Servers.Get(context.Background(), "s1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 {
		t.Fatalf("err = %v, want an APIError 502", err)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second}
	if diff := cmp.Diff(want, clk.waits()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	if got := len(f.requests()); got != 5 {
		t.Errorf("requests = %d, want 5", got)
	}
}

// TestRetryMaxNone: RetryMax -1 sends once.
func TestRetryMaxNone(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	c := testClient(t, f, newRecClock(), nil, func(c *Config) { c.RetryMax = -1 })
	if _, err := c.Jobs.Get(context.Background(), "x"); err == nil {
		t.Fatal("want an error")
	}
	if got := len(f.requests()); got != 1 {
		t.Errorf("requests = %d, want 1", got)
	}
}

// resetAfterRead reads the request, then breaks the connection without
// answering: the server may have acted on it.
func resetAfterRead(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// TestPostNeverResentWhenFateUnknown: a POST whose connection breaks after
// the server read it, or which is answered 500/502/504, is sent once and
// fails with ErrOutcomeUnknown; a GET in the same situation is retried.
func TestPostNeverResentWhenFateUnknown(t *testing.T) {
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter)
		status int // expected APIError status, 0 for a broken connection
	}{
		{"connection reset after read", resetAfterRead, 0},
		{"500", func(w http.ResponseWriter) { writeJSON(w, 500, map[string]string{"message": "boom"}) }, 500},
		{"502", func(w http.ResponseWriter) { w.WriteHeader(502) }, 502},
		{"504", func(w http.ResponseWriter) { w.WriteHeader(504) }, 504},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var posts atomic.Int32
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					posts.Add(1)
				}
				tt.answer(w)
			})
			clk := newRecClock()
			c := testClient(t, f, clk, nil)
			_, err := c.Jobs.Create(context.Background(), JobCreate{
				JobTemplate: "30110551-cad6-4069-95b8-dbce9bbd8525", ResourceID: "P06760-B21+2M212504P8",
				ResourceType: "compute-ops-mgmt/server"})
			if !errors.Is(err, ErrOutcomeUnknown) {
				t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
			}
			if !strings.Contains(err.Error(), "outcome unknown") || !strings.Contains(err.Error(), "/compute-ops-mgmt/v1/jobs") {
				t.Errorf("error %q should name the endpoint and say the outcome is unknown", err)
			}
			var apiErr *APIError
			if tt.status != 0 && (!errors.As(err, &apiErr) || apiErr.StatusCode != tt.status) {
				t.Errorf("err = %v, want APIError %d inside", err, tt.status)
			}
			if got := posts.Load(); got != 1 {
				t.Errorf("POST sent %d times, want 1", got)
			}
			if w := clk.waits(); len(w) != 0 {
				t.Errorf("waited %v, want no retry", w)
			}
		})
	}
	t.Run("GET after reset is retried", func(t *testing.T) {
		var n atomic.Int32
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				resetAfterRead(w)
				return
			}
			writeJSON(w, 200, map[string]any{"id": "j"})
		})
		// (net/http itself may resend a GET on a reused connection; either
		// way the GET succeeds.)
		c := testClient(t, f, newRecClock(), nil)
		if _, err := c.Jobs.Get(context.Background(), "j"); err != nil {
			t.Fatalf("Get: %v", err)
		}
		if got := n.Load(); got != 2 {
			t.Errorf("GET sent %d times, want 2", got)
		}
	})
}

// TestPostRetriedWhenNotProcessed: 429 and 503 mean the POST was not
// processed, so it is sent again (with the same body) after the hinted wait.
func TestPostRetriedWhenNotProcessed(t *testing.T) {
	for _, status := range []int{429, 503} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			var n atomic.Int32
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					w.Header().Set("Retry-After", "4")
					w.WriteHeader(status)
					return
				}
				writeJSON(w, 201, map[string]any{"id": "new-job", "state": "PENDING"})
			})
			clk := newRecClock()
			c := testClient(t, f, clk, nil)
			job, err := c.Jobs.Create(context.Background(), JobCreate{JobTemplate: "t", ResourceID: "r", ResourceType: "compute-ops-mgmt/server"})
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			if job.ID() != "new-job" {
				t.Errorf("id = %q", job.ID())
			}
			if diff := cmp.Diff([]time.Duration{4 * time.Second}, clk.waits()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			f.mu.Lock()
			bodies := append([]string(nil), f.bodies...)
			f.mu.Unlock()
			if len(bodies) != 2 || bodies[0] != bodies[1] || !strings.Contains(bodies[1], `"resourceId":"r"`) {
				t.Errorf("bodies = %q, want the same body twice", bodies)
			}
		})
	}
}

// TestRetryWaitCancelled: cancelling during a retry wait stops at once
// with the context's error.
func TestRetryWaitCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		cancel()
		w.Header().Set("Retry-After", "60")
		w.WriteHeader(429)
	})
	c := testClient(t, f, newRecClock(), nil)
	_, err := c.Jobs.Get(ctx, "j")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := len(f.requests()); got != 1 {
		t.Errorf("requests = %d, want 1", got)
	}
}

// TestRetryLogs: each retry is logged at debug level with the wait and why.
func TestRetryLogs(t *testing.T) {
	var n atomic.Int32
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "9")
			w.WriteHeader(429)
			return
		}
		writeJSON(w, 200, map[string]any{"id": idOf(r)})
	})
	var logs bytes.Buffer
	c := testClient(t, f, newRecClock(), &logs)
	if _, err := c.Groups.Get(context.Background(), "g"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"retrying request", "wait=9s", "429 Too Many Requests", "Retry-After", "path=/compute-ops-mgmt/v1/groups/g"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs.String())
		}
	}
}
