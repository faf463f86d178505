package glapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"glrun/clock"
)

// Rate limiter defaults.
const (
	// DefaultIdentityPerMinute is the documented identity rate limit: 300
	// requests per minute per workspace (docs/api.md).
	DefaultIdentityPerMinute = 300
	// DefaultComputeRate is the rate (requests per second, and the burst)
	// the adaptive limiter of Compute Ops Management and workspaces starts
	// at: high enough that a 200-server fan-out is not slowed down before
	// the API says anything, low enough that a runaway loop is.
	DefaultComputeRate = 200
	// DefaultComputeMinRate and DefaultComputeMaxRate bound the adaptive
	// rate (requests per second).
	DefaultComputeMinRate = 1
	DefaultComputeMaxRate = 1000
)

// identityWindow is the window the identity limit counts requests in: a
// minute, plus a second of margin for the time a request spends on the
// wire, so the server's own count never sees 301 in its minute.
const identityWindow = time.Minute + time.Second

// RateLimits configures the client-side rate limiter, which keeps a large
// run from tripping 429 storms. The identity API gets its documented limit
// (a sliding window of IdentityPerMinute requests); Compute Ops Management
// and workspaces, which document none, get an adaptive limit: it starts at
// ComputeRate requests per second (a burst of as many); until the API first
// answers 429 it doubles for each quarter of a second's worth of answers
// without one (a slow start that reaches the ceiling in a few seconds: the API's answers,
// not a guess, decide how fast glrun goes); after a 429 it halves
// (multiplicative decrease), then grows by one request per second for each
// second's worth of clean answers (additive increase). Every request of the
// family is held until the 429's wait hint (Retry-After, retryAfterSeconds,
// ratelimit-reset) has passed. The zero value takes the defaults.
type RateLimits struct {
	// Off turns the limiter off: requests go out as fast as they come.
	Off bool
	// IdentityPerMinute is the identity limit; 0 means
	// DefaultIdentityPerMinute.
	IdentityPerMinute int
	// ComputeRate is the adaptive limit's starting rate in requests per
	// second; 0 means DefaultComputeRate.
	ComputeRate float64
	// ComputeMinRate and ComputeMaxRate bound the adaptive rate; 0 means
	// DefaultComputeMinRate and DefaultComputeMaxRate.
	ComputeMinRate, ComputeMaxRate float64
	// Devices are the per-minute limits of /devices by endpoint; zero
	// fields take DefaultDevicesLimits.
	Devices EndpointLimits
	// Subscriptions are the per-minute limits of /subscriptions by
	// endpoint; zero fields take DefaultSubscriptionsLimits.
	Subscriptions EndpointLimits
	// AuthorizationPerMinute is the limit of all /authorization endpoints
	// together; 0 means DefaultAuthorizationPerMinute.
	AuthorizationPerMinute int
	// AuditPerMinute is the limit of the audit log API; 0 means
	// DefaultAuditPerMinute.
	AuditPerMinute int
}

// EndpointLimits are the documented per-minute, per-workspace limits of
// the endpoints of one platform API (docs/api.md). Each is counted in a
// window of its own; a zero field takes the API's default.
type EndpointLimits struct {
	// List is GET of the collection.
	List int
	// Get is GET of one object.
	Get int
	// Add is POST to the collection.
	Add int
	// Update is PATCH (and PUT, DELETE) of the collection or an object.
	Update int
	// Operation is GET of an async operation.
	Operation int
}

// Documented platform limits, in requests per minute per workspace. The
// device numbers went up over time (the write limits were 25 and 20 in
// mid-2026, PATCH was 5 in 2025); these are the newest published ones. A
// server that still enforces older numbers answers 429 with a wait, which
// the limiter and the retry layer honour.
var (
	// DefaultDevicesLimits are those of /devices/v1 (PATCH goes to
	// /devices/v2beta1, which has the same write limits).
	DefaultDevicesLimits = EndpointLimits{List: 160, Get: 40, Add: 50, Update: 40, Operation: 90}
	// DefaultSubscriptionsLimits are those of /subscriptions/v1.
	DefaultSubscriptionsLimits = EndpointLimits{List: 60, Get: 20, Add: 4, Update: 5, Operation: 30}
)

// Other documented platform limits (requests per minute per workspace).
const (
	// DefaultAuthorizationPerMinute is the limit of /authorization/v1beta1.
	DefaultAuthorizationPerMinute = 1000
	// DefaultAuditPerMinute is the per-user limit of /audit-log/v2beta1/logs
	// (300 overall).
	DefaultAuditPerMinute = 100
)

// validate reports a negative limit, naming it.
func (e EndpointLimits) validate(api string) error {
	for _, f := range []struct {
		name string
		v    int
	}{{"List", e.List}, {"Get", e.Get}, {"Add", e.Add}, {"Update", e.Update}, {"Operation", e.Operation}} {
		if f.v < 0 {
			return fmt.Errorf("%w: rate limit: %s.%s must not be negative, got %d", ErrInvalidConfig, api, f.name, f.v)
		}
	}
	return nil
}

// orDefaults fills the zero fields of e from d.
func (e EndpointLimits) orDefaults(d EndpointLimits) EndpointLimits {
	pick := func(v, def int) int {
		if v == 0 {
			return def
		}
		return v
	}
	return EndpointLimits{List: pick(e.List, d.List), Get: pick(e.Get, d.Get), Add: pick(e.Add, d.Add),
		Update: pick(e.Update, d.Update), Operation: pick(e.Operation, d.Operation)}
}

// Validate reports a negative or inconsistent setting, naming the field.
func (r RateLimits) Validate() error {
	switch {
	case r.IdentityPerMinute < 0:
		return fmt.Errorf("%w: rate limit: IdentityPerMinute must not be negative, got %d", ErrInvalidConfig, r.IdentityPerMinute)
	case r.ComputeRate < 0 || r.ComputeMinRate < 0 || r.ComputeMaxRate < 0:
		return fmt.Errorf("%w: rate limit: compute rates must not be negative (rate %g, min %g, max %g)",
			ErrInvalidConfig, r.ComputeRate, r.ComputeMinRate, r.ComputeMaxRate)
	case r.AuthorizationPerMinute < 0:
		return fmt.Errorf("%w: rate limit: AuthorizationPerMinute must not be negative, got %d", ErrInvalidConfig, r.AuthorizationPerMinute)
	case r.AuditPerMinute < 0:
		return fmt.Errorf("%w: rate limit: AuditPerMinute must not be negative, got %d", ErrInvalidConfig, r.AuditPerMinute)
	}
	if err := r.Devices.validate("Devices"); err != nil {
		return err
	}
	if err := r.Subscriptions.validate("Subscriptions"); err != nil {
		return err
	}
	d := r.withDefaults()
	if d.ComputeMinRate > d.ComputeMaxRate {
		return fmt.Errorf("%w: rate limit: ComputeMinRate %g is above ComputeMaxRate %g", ErrInvalidConfig, d.ComputeMinRate, d.ComputeMaxRate)
	}
	return nil
}

// withDefaults fills the zero fields.
func (r RateLimits) withDefaults() RateLimits {
	if r.IdentityPerMinute == 0 {
		r.IdentityPerMinute = DefaultIdentityPerMinute
	}
	if r.ComputeMinRate == 0 {
		r.ComputeMinRate = DefaultComputeMinRate
	}
	if r.ComputeMaxRate == 0 {
		r.ComputeMaxRate = max(DefaultComputeMaxRate, r.ComputeRate)
	}
	if r.ComputeRate == 0 {
		r.ComputeRate = DefaultComputeRate
	}
	r.ComputeRate = min(max(r.ComputeRate, r.ComputeMinRate), r.ComputeMaxRate)
	r.Devices = r.Devices.orDefaults(DefaultDevicesLimits)
	r.Subscriptions = r.Subscriptions.orDefaults(DefaultSubscriptionsLimits)
	if r.AuthorizationPerMinute == 0 {
		r.AuthorizationPerMinute = DefaultAuthorizationPerMinute
	}
	if r.AuditPerMinute == 0 {
		r.AuditPerMinute = DefaultAuditPerMinute
	}
	return r
}

// familyLimiter is the limit of one API family.
type familyLimiter interface {
	// reserve claims the next slot for req and returns how long to wait
	// for it.
	reserve(req *http.Request, now time.Time) time.Duration
	// observe learns from the answer to req: its status and the wait it
	// hints.
	observe(req *http.Request, now time.Time, status int, hint time.Duration)
}

// limitTransport sits between the retry layer and auth, so every attempt,
// retries included, takes its turn:
//
//	service -> Client.do -> Mode -> retry -> limit -> auth -> Transport
//
// All its waits go through the Clock.
type limitTransport struct {
	next     http.RoundTripper
	clock    clock.Clock
	log      *slog.Logger
	hint     func(*http.Response) (time.Duration, string)
	families map[string]familyLimiter
}

// newLimitTransport returns next behind the limits of cfg.RateLimits, or
// next itself when they are off.
func newLimitTransport(cfg Config, next http.RoundTripper, clk clock.Clock, log *slog.Logger) http.RoundTripper {
	if cfg.RateLimits.Off {
		return next
	}
	r := cfg.RateLimits.withDefaults()
	hinter := &retryTransport{clock: clk}
	compute := newAdaptiveLimiter("compute", r, log)
	devices := newEndpointLimiter(r.Devices)
	maxHint := maxHintedWait(cfg)
	return &limitTransport{
		next:  next,
		clock: clk,
		log:   log,
		hint: func(resp *http.Response) (time.Duration, string) {
			d, h := hinter.hint(resp)
			if d > maxHint {
				// Not honoured: the retry layer fails the request instead
				// of holding every request of the family that long.
				return 0, ""
			}
			return d, h
		},
		families: map[string]familyLimiter{
			prefixIdentity:       newWindowLimiter(r.IdentityPerMinute, identityWindow),
			prefixCompute:        compute,
			prefixComputeBeta:    compute,
			prefixWorkspaces:     newAdaptiveLimiter("workspaces", r, log),
			prefixDevicesV1:      devices,
			prefixDevicesV2:      devices,
			prefixSubscriptions:  newEndpointLimiter(r.Subscriptions),
			prefixAuthorization:  newEndpointLimiter(EndpointLimits{List: r.AuthorizationPerMinute}),
			prefixSCIM:           newAdaptiveLimiter("scim", r, log),
			prefixServiceCatalog: newAdaptiveLimiter("service-catalog", r, log),
			prefixAuditLog:       newEndpointLimiter(EndpointLimits{List: r.AuditPerMinute}),
		},
	}
}

// family returns the limiter of the request's path, or nil (token
// requests and unknown paths are not limited).
func (t *limitTransport) family(req *http.Request) (string, familyLimiter) {
	name, lim := "", familyLimiter(nil)
	for prefix, l := range t.families {
		if (strings.HasPrefix(req.URL.Path, prefix+"/") || req.URL.Path == prefix) && len(prefix) > len(name) {
			name, lim = prefix, l
		}
	}
	return name, lim
}

// RoundTrip waits for the request's turn, sends it and learns from the
// answer.
func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	name, l := t.family(req)
	if l == nil {
		return t.next.RoundTrip(req)
	}
	if wait := l.reserve(req, t.clock.Now()); wait > 0 {
		t.log.Debug("rate limit: waiting", "api", strings.TrimPrefix(name, "/"), "method", req.Method,
			"path", unescapePath(req.URL.EscapedPath()), "wait", wait)
		if err := t.clock.Sleep(req.Context(), wait); err != nil {
			return nil, fmt.Errorf("waiting for the %s rate limit: %w", strings.TrimPrefix(name, "/"), err)
		}
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	var hint time.Duration
	if resp.StatusCode == http.StatusTooManyRequests || exhausted(resp) {
		hint, _ = t.hint(resp)
	}
	l.observe(req, t.clock.Now(), resp.StatusCode, hint)
	return resp, nil
}

// windowLimiter allows at most n requests in any window: the documented
// "N requests per minute" of identity, bursts included. Each reservation
// takes the slot of the request n places before it, one window later.
type windowLimiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	slots  []time.Time // a ring of the last n reserved send times
	head   int
}

func newWindowLimiter(n int, window time.Duration) *windowLimiter {
	return &windowLimiter{n: n, window: window}
}

func (w *windowLimiter) reserve(_ *http.Request, now time.Time) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.slots) < w.n {
		w.slots = append(w.slots, now)
		return 0
	}
	at := w.slots[w.head].Add(w.window)
	if at.Before(now) {
		at = now
	}
	w.slots[w.head] = at
	w.head = (w.head + 1) % w.n
	return at.Sub(now)
}

// observe does nothing: the window is documented, not learned. A 429 is
// handled by the retry layer's wait.
func (w *windowLimiter) observe(*http.Request, time.Time, int, time.Duration) {}

// platformWindow is the window the platform limits count requests in: a
// minute plus a second of margin, as for identity.
const platformWindow = time.Minute + time.Second

// endpointLimiter is the limit of a platform API whose endpoints have
// limits of their own (devices, subscriptions): a sliding window per
// endpoint kind, and a hold on every request of the API after a 429 or an
// answer with no requests remaining (X-RateLimit-Remaining: 0), until the
// wait it hints (X-RateLimit-Reset, ratelimit-reset, Retry-After,
// retryAfterSeconds) has passed, or for a whole window after a 429 without
// a hint. An API with one limit for every endpoint
// (authorization, audit) gives only List, which then counts every request.
type endpointLimiter struct {
	windows map[string]*windowLimiter // by EndpointKind

	mu        sync.Mutex
	holdUntil time.Time
}

func newEndpointLimiter(l EndpointLimits) *endpointLimiter {
	w := map[string]*windowLimiter{}
	for _, kind := range []string{"list", "get", "add", "update", "operation"} {
		if n := l.Of(kind); n > 0 {
			w[kind] = newWindowLimiter(n, platformWindow)
		}
	}
	return &endpointLimiter{windows: w}
}

// Of returns the limit of kind, one of EndpointKind's answers.
func (l EndpointLimits) Of(kind string) int {
	switch kind {
	case "get":
		return l.Get
	case "add":
		return l.Add
	case "update":
		return l.Update
	case "operation":
		return l.Operation
	}
	return l.List
}

// EndpointKind classifies a request to a platform API as one of
// EndpointLimits' fields: "list", "get", "add", "update" or "operation".
func EndpointKind(req *http.Request) string {
	segs := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	switch {
	case req.Method == http.MethodPost:
		return "add"
	case req.Method != http.MethodGet:
		return "update"
	case len(segs) >= 3 && segs[2] == "async-operations":
		return "operation"
	case len(segs) > 3:
		return "get"
	}
	return "list"
}

func (e *endpointLimiter) reserve(req *http.Request, now time.Time) time.Duration {
	w := e.windows[EndpointKind(req)]
	if w == nil {
		w = e.windows["list"]
	}
	e.mu.Lock()
	start := now
	if e.holdUntil.After(start) {
		start = e.holdUntil
	}
	e.mu.Unlock()
	if w == nil {
		return start.Sub(now)
	}
	return start.Sub(now) + w.reserve(req, start)
}

func (e *endpointLimiter) observe(_ *http.Request, now time.Time, status int, hint time.Duration) {
	if status == http.StatusTooManyRequests && hint <= 0 {
		// No hint (subscriptions describe none): the limit is per minute,
		// so a window from now it has certainly been reset.
		hint = platformWindow
	}
	if hint <= 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if until := now.Add(hint); until.After(e.holdUntil) {
		e.holdUntil = until
	}
}

// exhausted reports whether resp says no requests remain in the window
// (X-RateLimit-Remaining or ratelimit-remaining is 0).
func exhausted(resp *http.Response) bool {
	for _, h := range []string{"X-Ratelimit-Remaining", "Ratelimit-Remaining"} {
		if v := strings.TrimSpace(resp.Header.Get(h)); v == "0" {
			return true
		}
	}
	return false
}

// adaptiveLimiter is an AIMD token bucket (golang.org/x/time/rate, driven
// through its *At methods with the Clock's time) with a slow start: until
// the first 429 the rate doubles for each quarter of a second's worth of
// answers without one; from the first 429 on, additive increase of one request per second
// for each second's worth of clean answers, multiplicative decrease
// (halving) on a 429, and a hold on every request until the 429's wait hint
// has passed.
type adaptiveLimiter struct {
	name     string
	log      *slog.Logger
	min, max float64

	mu        sync.Mutex
	lim       *rate.Limiter
	ok        int       // answers without a 429 since the last change
	throttled bool      // a 429 came: the slow start is over
	holdUntil time.Time // no request goes out before this (a wait hint)
}

func newAdaptiveLimiter(name string, r RateLimits, log *slog.Logger) *adaptiveLimiter {
	return &adaptiveLimiter{
		name: name, log: log, min: r.ComputeMinRate, max: r.ComputeMaxRate,
		lim: rate.NewLimiter(rate.Limit(r.ComputeRate), burst(r.ComputeRate)),
	}
}

// slowStartStep is how many times a second the slow start may double the
// rate: it doubles after a quarter of a second's worth of clean answers,
// so the default 200/s reaches the 1000/s ceiling after 350 answers.
const slowStartStep = 4

// burst is a second's worth of requests, at least one.
func burst(r float64) int { return max(1, int(r)) }

func (a *adaptiveLimiter) reserve(_ *http.Request, now time.Time) time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	start := now
	if a.holdUntil.After(start) {
		start = a.holdUntil
	}
	res := a.lim.ReserveN(start, 1)
	if !res.OK() {
		return 0
	}
	return start.Sub(now) + res.DelayFrom(start)
}

func (a *adaptiveLimiter) observe(_ *http.Request, now time.Time, status int, hint time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	cur := float64(a.lim.Limit())
	if status != http.StatusTooManyRequests {
		a.ok++
		switch {
		case cur >= a.max:
		case !a.throttled && float64(a.ok) >= cur/slowStartStep:
			a.set(now, min(cur*2, a.max), "slow start: no 429 yet")
		case float64(a.ok) >= cur:
			a.set(now, min(cur+1, a.max), "no 429 for a second's worth of requests")
		}
		return
	}
	a.throttled = true
	if until := now.Add(hint); hint > 0 && until.After(a.holdUntil) {
		a.holdUntil = until
	}
	a.set(now, max(cur/2, a.min), "429 Too Many Requests")
	a.log.Debug("rate limit: holding requests", "api", a.name, "for", hint)
}

// set changes the rate (callers hold a.mu) and logs the change.
func (a *adaptiveLimiter) set(now time.Time, r float64, why string) {
	a.ok = 0
	if r == float64(a.lim.Limit()) {
		return
	}
	from := float64(a.lim.Limit())
	a.lim.SetLimitAt(now, rate.Limit(r))
	a.lim.SetBurstAt(now, burst(r))
	if r > from && r < a.max {
		return // increases are logged when they reach the ceiling only
	}
	a.log.Debug("rate limit: adjusted", "api", a.name, "from", fmt.Sprintf("%.3g/s", from),
		"to", fmt.Sprintf("%.3g/s", r), "why", why)
}

// rate returns the current rate (for tests).
func (a *adaptiveLimiter) rate() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return float64(a.lim.Limit())
}
