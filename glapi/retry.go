package glapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"glrun/clock"
)

// retryTransport retries failed requests with go-retryablehttp. Every wait
// goes through the Clock: retryablehttp's own Backoff returns 0, CheckRetry
// decides whether and how long to wait (reading the hint from the answer),
// and PrepareRetry waits on the Clock with the request's context.
//
// The retry policy. Idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE)
// are retried on network errors, 429 and 5xx (except 501): sending them
// twice does what sending them once does. POST and PATCH (a job creation,
// an invitation, a credential) are retried only when the answer proves the
// server did not process them, status by status:
//
//   - 429 Too Many Requests: retried after the hinted wait. The rate
//     limiter refuses the request before any handler sees it.
//   - 503 Service Unavailable: retried after the hinted wait (or backoff).
//     The service refuses work it cannot take; GreenLake documents 503 as
//     "try again later", nothing started.
//   - 500 Internal Server Error, 502 Bad Gateway, 504 Gateway Timeout: never
//     retried. The request may have been processed before the failure (a
//     gateway timing out does not stop the job creation behind it), so the
//     outcome is unknown (ErrOutcomeUnknown) and only an outcome check
//     (idempotency.go) may decide what to do.
//   - 501 Not Implemented and every other 4xx: never retried; the same
//     request would get the same answer.
//   - a connection refused, a host name that does not resolve, a dial
//     error: retried (a refused connection or an unresolved name at most
//     twice, quickly): nothing was sent.
//   - a connection broken after sending, a truncated answer: never
//     retried; the outcome is unknown.
//
// Every attempt is reported to the request's AttemptObserver, so a run can
// say how many requests it really sent.
type retryTransport struct {
	rc       *retryablehttp.Client
	clock    clock.Clock
	log      *slog.Logger
	min, max time.Duration
	maxHint  time.Duration // the longest hinted wait honoured
}

// maxHintBody bounds how much of an error body is read for a wait hint.
const maxHintBody = 1 << 20

// attemptState is one request's progress through its retries; it travels in
// the request's context from CheckRetry to PrepareRetry.
type attemptState struct {
	method, path string
	attempts     int
	wait         time.Duration
	why          string
	// unknown is set when the last attempt of a POST or PATCH failed after
	// (possibly) reaching the server.
	unknown bool
	// lost is set when an earlier attempt may have reached the server but
	// its answer was lost (so a retried DELETE may find the object gone).
	lost bool
	// connectFails counts the attempts that could not connect (refused,
	// host name not resolved); loud makes the next retry's log info level.
	connectFails int
	loud         bool
}

type attemptKey struct{}

func newRetryTransport(cfg Config, next http.RoundTripper, clk clock.Clock, log *slog.Logger) *retryTransport {
	t := &retryTransport{clock: clk, log: log, min: cfg.RetryWaitMin, max: cfg.RetryWaitMax, maxHint: maxHintedWait(cfg)}
	if t.min <= 0 {
		t.min = time.Second
	}
	if t.max <= 0 {
		t.max = 30 * time.Second
	}
	if t.max < t.min {
		t.max = t.min
	}
	retries := cfg.RetryMax
	switch {
	case retries == 0:
		retries = 5
	case retries < 0:
		retries = 0
	}
	t.rc = &retryablehttp.Client{
		HTTPClient: &http.Client{
			Transport: observingTransport{next: next},
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
		Logger:       nil, // we log retries ourselves, through slog
		RetryWaitMin: t.min,
		RetryWaitMax: t.max,
		RetryMax:     retries,
		CheckRetry:   t.check,
		Backoff:      func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 },
		PrepareRetry: t.prepare,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return t
}

// RoundTrip sends req, retrying as described on retryTransport.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	st := &attemptState{method: req.Method, path: req.URL.Path}
	req = req.WithContext(context.WithValue(req.Context(), attemptKey{}, st))
	rreq, err := retryablehttp.FromRequest(req)
	if err != nil {
		return nil, fmt.Errorf("preparing %s %s: %w", req.Method, req.URL.Path, err)
	}
	resp, err := t.rc.Do(rreq)
	if err != nil {
		if resp != nil {
			drain(resp)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if st.attempts > 1 {
			err = fmt.Errorf("after %d attempts: %w", st.attempts, err)
		}
		if h := connectHint(err); h != "" {
			err = fmt.Errorf("%w (%s)", err, h)
		}
		if st.unknown {
			err = fmt.Errorf("%w: %w", err, ErrOutcomeUnknown)
		}
		return nil, err
	}
	if st.lost && req.Method == http.MethodDelete && resp.StatusCode == http.StatusNotFound {
		// The first attempt deleted it; only its answer was lost.
		drain(resp)
		t.log.Warn("a DELETE was retried after its answer was lost and the object is gone: the first attempt deleted it",
			"path", st.path)
		return &http.Response{
			Status: "204 No Content", StatusCode: http.StatusNoContent,
			Proto: resp.Proto, ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor,
			Header: http.Header{}, Body: http.NoBody, Request: resp.Request,
		}, nil
	}
	return resp, nil
}

// check is retryablehttp's CheckRetry: it decides whether to retry and
// records the wait in the request's attemptState.
func (t *retryTransport) check(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st, _ := ctx.Value(attemptKey{}).(*attemptState)
	if st == nil {
		return false, ctx.Err()
	}
	st.attempts++
	var te *TokenError
	isToken := err != nil && errors.As(err, &te)
	permanent := err != nil && isPermanent(err)
	notSent := isDialError(err) || permanent
	st.unknown = err != nil && !isToken && !idempotent(st.method) && !notSent
	if err != nil && !isToken && !notSent {
		st.lost = true
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	st.loud = false
	if kind := connectFailure(err); kind != "" && !permanent {
		st.connectFails++
		if st.connectFails > maxConnectRetries {
			return false, nil
		}
		st.wait = connectRetryWait * time.Duration(st.connectFails)
		st.why = "could not connect: " + innerError(err).Error()
		st.loud = true
		return true, nil
	}
	if err != nil {
		switch {
		case permanent:
			return false, nil
		case isToken:
			if !te.temporary() {
				return false, nil
			}
		case st.unknown:
			return false, nil // sent, fate unknown: never again
		}
		st.wait, st.why = t.backoff(st.attempts), "network error: "+innerError(err).Error()
		return true, nil
	}
	code := resp.StatusCode
	if code != http.StatusTooManyRequests && (code < 500 || code == http.StatusNotImplemented) {
		return false, nil
	}
	if !idempotent(st.method) && code != http.StatusTooManyRequests && code != http.StatusServiceUnavailable {
		return false, nil
	}
	wait, hint := t.hint(resp)
	if hint == "" {
		wait, hint = t.backoff(st.attempts), "backoff"
	} else if wait > t.maxHint {
		return false, &HintTooLongError{Status: code, Hint: hint, Wait: wait, Max: t.maxHint}
	}
	st.wait = wait
	st.why = fmt.Sprintf("%d %s (wait from %s)", code, http.StatusText(code), hint)
	return true, nil
}

// maxHintedWait is cfg.MaxHintedWait or its default.
func maxHintedWait(cfg Config) time.Duration {
	if cfg.MaxHintedWait > 0 {
		return cfg.MaxHintedWait
	}
	return DefaultMaxHintedWait
}

// HintTooLongError is returned when a server asks for a wait before a retry
// longer than Config.MaxHintedWait: glrun does not wait that long.
type HintTooLongError struct {
	Status int           // the answer's status, such as 429
	Hint   string        // where the wait came from, such as "Retry-After"
	Wait   time.Duration // the wait asked
	Max    time.Duration // the longest glrun waits
}

// Error shows the hint.
func (e *HintTooLongError) Error() string {
	return fmt.Sprintf("%d %s: the server asked to wait %s (%s) before retrying, longer than the %s glrun waits at most (Config.MaxHintedWait); gave up",
		e.Status, http.StatusText(e.Status), hintText(e.Wait), e.Hint, e.Max)
}

// hintText is d readable even when absurd ("277777h46m40s").
func hintText(d time.Duration) string {
	if d >= maxDuration {
		return "longer than 290 years"
	}
	return d.String()
}

// maxDuration is the longest time.Duration; hints beyond it are clamped.
const maxDuration = time.Duration(1<<63 - 1)

// seconds converts a non-negative number of seconds to a Duration,
// clamping what would overflow.
func seconds(f float64) time.Duration {
	if f >= float64(maxDuration/time.Second) {
		return maxDuration
	}
	return time.Duration(f * float64(time.Second))
}

// prepare is retryablehttp's PrepareRetry: it waits on the Clock.
func (t *retryTransport) prepare(req *http.Request) error {
	st, _ := req.Context().Value(attemptKey{}).(*attemptState)
	if st == nil {
		return nil
	}
	level := slog.LevelDebug
	if st.loud {
		level = slog.LevelInfo
	}
	t.log.Log(req.Context(), level, "retrying request", "method", st.method, "path", st.path,
		"attempt", st.attempts+1, "wait", st.wait, "why", st.why)
	if err := t.clock.Sleep(req.Context(), st.wait); err != nil {
		return fmt.Errorf("waiting to retry %s %s: %w", st.method, st.path, err)
	}
	return nil
}

// backoff is the exponential wait before retry number attempt (1-based):
// min, 2*min, 4*min ... capped at max.
func (t *retryTransport) backoff(attempt int) time.Duration {
	d := t.min
	for i := 1; i < attempt && d < t.max; i++ {
		d *= 2
	}
	return min(d, t.max)
}

// hint returns the wait the server asked for and where it came from, in
// this order: Retry-After (seconds or HTTP date), the error body's
// retryAfterSeconds (type hpe.greenlake.retry_info), ratelimit-reset or
// X-RateLimit-Reset (seconds). It leaves resp.Body readable.
func (t *retryTransport) hint(resp *http.Response) (time.Duration, string) {
	if v := resp.Header.Get("Retry-After"); v != "" {
		if d, ok := t.parseRetryAfter(v); ok {
			return d, "Retry-After"
		}
	}
	if d, ok := bodyRetryAfter(resp); ok {
		return d, "retryAfterSeconds"
	}
	for _, h := range []string{"Ratelimit-Reset", "X-Ratelimit-Reset"} {
		if v := resp.Header.Get(h); v != "" {
			if d, ok := t.parseReset(v); ok {
				return d, h
			}
		}
	}
	return 0, ""
}

// parseRetryAfter reads delay-seconds or an HTTP date.
func (t *retryTransport) parseRetryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return seconds(float64(n)), true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(t.clock.Now()), 0), true
}

// parseReset reads a reset header in seconds; a value that can only be a
// Unix time (after 2001) is taken as one.
func (t *retryTransport) parseReset(v string) (time.Duration, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f < 0 {
		return 0, false
	}
	if f > 1e9 {
		return max(time.Unix(int64(f), 0).Sub(t.clock.Now()), 0), true
	}
	return seconds(f), true
}

// bodyRetryAfter reads errorDetails[].retryAfterSeconds from a JSON error
// body and puts the body back for whoever reads it next.
func bodyRetryAfter(resp *http.Response) (time.Duration, bool) {
	if resp.Body == nil || resp.Body == http.NoBody {
		return 0, false
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxHintBody))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return 0, false
	}
	var eb errorBody
	if json.Unmarshal(b, &eb) != nil {
		return 0, false
	}
	for _, d := range eb.ErrorDetails {
		if d.Type != "hpe.greenlake.retry_info" {
			continue
		}
		if f, err := d.RetryAfterSeconds.Float64(); err == nil && f >= 0 {
			return seconds(f), true
		}
	}
	return 0, false
}

// idempotent reports whether sending method twice has the effect of once.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// isDialError reports whether err happened while connecting, before any
// byte of the request was sent.
// PermanentError is implemented by transport errors that no retry can
// mend and that certainly sent nothing, such as a replay asked for a request
// its cassette does not hold: they are returned at once, never retried and
// never reported as an unknown outcome.
type PermanentError interface {
	error
	// Permanent reports whether the error is permanent.
	Permanent() bool
}

// isPermanent reports whether err wraps a permanent transport error.
func isPermanent(err error) bool {
	var p PermanentError
	return errors.As(err, &p) && p.Permanent()
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// innerError strips the *url.Error wrapper (which repeats the URL).
func innerError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
