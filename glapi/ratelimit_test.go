package glapi

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// arrivals is an API handler that notes the clock's time of every request
// and answers with what answer says (200 and an empty object by default).
type arrivals struct {
	clk    *recClock
	mu     sync.Mutex
	times  []time.Time
	answer func(n int, w http.ResponseWriter) bool
}

func (a *arrivals) serve(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.times = append(a.times, a.clk.Now())
	n := len(a.times)
	a.mu.Unlock()
	if a.answer != nil && a.answer(n, w) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": idOf(r)})
}

func (a *arrivals) at() []time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]time.Time(nil), a.times...)
}

// adaptiveOf digs the adaptive limiter of a family out of c's chain.
func adaptiveOf(t *testing.T, c *Client, prefix string) *adaptiveLimiter {
	t.Helper()
	obs, _ := c.next.(*retryTransport).rc.HTTPClient.Transport.(observingTransport)
	lt, ok := obs.next.(*limitTransport)
	if !ok {
		t.Fatalf("no limit layer in the chain")
	}
	return lt.families[prefix].(*adaptiveLimiter)
}

func TestIdentityLimitNeverSendsMoreThan300InAMinute(t *testing.T) {
	clk := newRecClock()
	a := &arrivals{clk: clk}
	f := newFake(t, a.serve)
	var logs bytes.Buffer
	c := testClient(t, f, clk, &logs)
	start := clk.Now()
	const n = 700
	for i := range n {
		if _, err := c.Users.Get(context.Background(), "u1"); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	ts := a.at()
	if len(ts) != n {
		t.Fatalf("server saw %d requests, want %d", len(ts), n)
	}
	// The first 300 go out at once: a burst within the documented limit.
	if got := ts[299].Sub(start); got != 0 {
		t.Errorf("request 300 waited %v; the first 300 of a minute should not wait", got)
	}
	for i := 0; i+300 < len(ts); i++ {
		if gap := ts[i+300].Sub(ts[i]); gap < time.Minute {
			t.Fatalf("requests %d and %d are %v apart: 301 requests within a minute", i+1, i+301, gap)
		}
	}
	if !strings.Contains(logs.String(), "rate limit: waiting") || !strings.Contains(logs.String(), "api=identity/v1") {
		t.Errorf("the waits are not in the debug log:\n%.500s", logs.String())
	}
}

func TestComputeLimitHalvesOn429AndHoldsForTheHint(t *testing.T) {
	clk := newRecClock()
	a := &arrivals{clk: clk, answer: func(n int, w http.ResponseWriter) bool {
		if n == 5 {
			w.Header().Set("Retry-After", "7")
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "slow down"})
			return true
		}
		return false
	}}
	f := newFake(t, a.serve)
	var logs bytes.Buffer
	c := testClient(t, f, clk, &logs, func(cfg *Config) { cfg.RateLimits.ComputeRate = 40 })
	for i := range 10 {
		if _, err := c.Jobs.Get(context.Background(), "j1"); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	ts := a.at()
	if len(ts) != 11 { // 10 gets, one of them retried
		t.Fatalf("server saw %d requests, want 11", len(ts))
	}
	if gap := ts[5].Sub(ts[4]); gap < 7*time.Second {
		t.Errorf("the request after the 429 came %v later, want at least the 7s hint", gap)
	}
	if got := adaptiveOf(t, c, prefixCompute).rate(); got != 20 {
		t.Errorf("compute rate after one 429 = %g/s, want 20/s (halved from 40)", got)
	}
	if !strings.Contains(logs.String(), `msg="rate limit: adjusted" api=compute from=40/s to=20/s`) {
		t.Errorf("the decrease is not in the debug log:\n%s", logs.String())
	}
}

func TestComputeLimitGrowsWithoutA429(t *testing.T) {
	clk := newRecClock()
	a := &arrivals{clk: clk}
	f := newFake(t, a.serve)
	c := testClient(t, f, clk, nil, func(cfg *Config) {
		cfg.RateLimits = RateLimits{ComputeRate: 2, ComputeMinRate: 1, ComputeMaxRate: 5}
	})
	for i := range 40 {
		if _, err := c.Jobs.Get(context.Background(), "j1"); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	if got := adaptiveOf(t, c, prefixCompute).rate(); got != 5 {
		t.Errorf("compute rate after 40 good answers = %g/s, want the ceiling 5/s", got)
	}
	// At 2 to 5 requests a second, 40 requests take simulated seconds.
	if el := clk.Now().Sub(a.at()[0]); el < 5*time.Second || el > 20*time.Second {
		t.Errorf("40 requests took %v of clock time, want between 5s and 20s", el)
	}
}

func TestComputeLimitSlowStartReachesTheCeilingThenBacksOffOn429(t *testing.T) {
	clk := newRecClock()
	throttle := false
	a := &arrivals{clk: clk, answer: func(n int, w http.ResponseWriter) bool {
		if throttle {
			throttle = false
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "slow down"})
			return true
		}
		return false
	}}
	f := newFake(t, a.serve)
	c := testClient(t, f, clk, nil) // the defaults: 200/s, ceiling 1000/s
	lim := adaptiveOf(t, c, prefixCompute)
	start := clk.Now()
	get := func(n int) {
		t.Helper()
		for i := range n {
			if _, err := c.Jobs.Get(context.Background(), "j1"); err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
		}
	}
	// 50, 100 and 200 clean answers (a quarter of a second's worth at 200,
	// 400 and 800 a second) double the rate three times: 350 requests reach
	// the ceiling, and none of them waits (the starting burst is 200).
	get(349)
	if got := lim.rate(); got == DefaultComputeMaxRate {
		t.Fatalf("rate after 349 clean answers is already the ceiling")
	}
	get(1)
	if got := lim.rate(); got != DefaultComputeMaxRate {
		t.Fatalf("rate after 350 clean answers = %g/s, want the ceiling %d/s", got, DefaultComputeMaxRate)
	}
	if el := clk.Now().Sub(start); el > time.Second {
		t.Errorf("reaching the ceiling took %v of clock time, want at most 1s", el)
	}
	// A 429 halves it; from then on growth is additive: a second's worth of
	// clean answers adds one request per second, not a doubling.
	throttle = true
	get(1)
	if got := lim.rate(); got != DefaultComputeMaxRate/2 {
		t.Fatalf("rate after a 429 = %g/s, want %d/s", got, DefaultComputeMaxRate/2)
	}
	get(DefaultComputeMaxRate / 2)
	if got := lim.rate(); got != DefaultComputeMaxRate/2+1 {
		t.Errorf("rate after a clean second following a 429 = %g/s, want %d/s (additive)", got, DefaultComputeMaxRate/2+1)
	}
}

func TestRateLimitOffSendsWithoutWaiting(t *testing.T) {
	clk := newRecClock()
	a := &arrivals{clk: clk}
	f := newFake(t, a.serve)
	c := testClient(t, f, clk, nil, func(cfg *Config) { cfg.RateLimits.Off = true })
	for range 400 {
		if _, err := c.Users.Get(context.Background(), "u1"); err != nil {
			t.Fatal(err)
		}
	}
	if w := clk.waits(); len(w) != 0 {
		t.Errorf("waited %d times with the limiter off", len(w))
	}
}

func TestRateLimitConcurrentRequestsAreAllSent(t *testing.T) {
	clk := newRecClock()
	a := &arrivals{clk: clk}
	f := newFake(t, a.serve)
	c := testClient(t, f, clk, nil, func(cfg *Config) { cfg.RateLimits = RateLimits{IdentityPerMinute: 10, ComputeRate: 3} })
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if i%2 == 0 {
				_, err = c.Users.Get(context.Background(), "u1")
			} else {
				_, err = c.Jobs.Get(context.Background(), "j1")
			}
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := len(a.at()); got != 16 {
		t.Errorf("server saw %d requests, want 16", got)
	}
}

func TestRateLimitWaitIsCancelled(t *testing.T) {
	clk := newRecClock()
	a := &arrivals{clk: clk}
	f := newFake(t, a.serve)
	c := testClient(t, f, clk, nil, func(cfg *Config) { cfg.RateLimits.IdentityPerMinute = 1 })
	if _, err := c.Users.Get(context.Background(), "u1"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Users.Get(ctx, "u1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := len(a.at()); got != 1 {
		t.Errorf("server saw %d requests, want 1: the cancelled one must not be sent", got)
	}
}

func TestRateLimitsInvalidConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    RateLimits
		want string
	}{
		{"negative identity", RateLimits{IdentityPerMinute: -1}, "IdentityPerMinute must not be negative"},
		{"negative compute", RateLimits{ComputeRate: -2}, "compute rates must not be negative"},
		{"min above max", RateLimits{ComputeMinRate: 10, ComputeMaxRate: 5}, "ComputeMinRate 10 is above ComputeMaxRate 5"},
		{"negative devices add", RateLimits{Devices: EndpointLimits{Add: -1}}, "Devices.Add must not be negative"},
		{"negative subscriptions operation", RateLimits{Subscriptions: EndpointLimits{Operation: -3}}, "Subscriptions.Operation must not be negative"},
		{"negative authorization", RateLimits{AuthorizationPerMinute: -1}, "AuthorizationPerMinute must not be negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(Config{ClientID: testClientID, ClientSecret: NewSecret(testSecret),
				BaseURL: "http://127.0.0.1:1", RateLimits: tc.r})
			if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrInvalidConfig saying %q", err, tc.want)
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
}

// TestPlatformFamiliesCountEachEndpointApart: on the devices API, the
// list, read, add, update and operation endpoints each have their own
// window (docs/api.md), so a spent add limit does not hold the reads; an
// answer saying no requests remain holds the whole API until its reset.
func TestPlatformFamiliesCountEachEndpointApart(t *testing.T) {
	clk := newRecClock()
	lt := newLimitTransport(Config{RateLimits: RateLimits{Devices: EndpointLimits{Add: 1, Get: 2}}}, nil, clk, slog.New(slog.DiscardHandler)).(*limitTransport)
	req := func(method, path string) *http.Request {
		r, _ := http.NewRequest(method, "http://x"+path, nil)
		return r
	}
	_, l := lt.family(req("GET", CollectionDevices))
	for _, tc := range []struct {
		method, path string
		wantWait     bool
	}{
		{"POST", CollectionDevices, false},
		{"POST", CollectionDevices, true}, // the second add of the minute waits
		{"GET", CollectionDevices + "/d1", false},
		{"GET", CollectionDevices + "/d2", false},
		{"GET", CollectionDevices + "/d3", true},
		{"GET", CollectionDeviceOperations + "/op", false},
		{"PATCH", CollectionDevicesUpdate, false},
		{"GET", CollectionDevices, false},
	} {
		if got := l.reserve(req(tc.method, tc.path), clk.Now()); (got > 0) != tc.wantWait {
			t.Errorf("%s %s: wait %s, want a wait: %v", tc.method, tc.path, got, tc.wantWait)
		}
	}
	for _, path := range []string{CollectionDevices, CollectionDevicesUpdate, CollectionDeviceOperations} {
		if name, _ := lt.family(req("GET", path)); name != prefixDevicesV1 && name != prefixDevicesV2 {
			t.Errorf("%s is limited as %q, want the devices family", path, name)
		}
	}
	if name, _ := lt.family(req("GET", CollectionSCIMGroups)); name != prefixSCIM {
		t.Errorf("SCIM groups are limited as %q, want their own family, not identity's", name)
	}
	l.observe(req("GET", CollectionDevices), clk.Now(), http.StatusOK, 30*time.Second)
	if got := l.reserve(req("GET", CollectionDevices), clk.Now()); got < 30*time.Second {
		t.Errorf("after an answer with no requests remaining and a 30s reset, a read waits %s", got)
	}
}
