package glapi

import (
	"context"
	"errors"
	"net/http"
)

// Attempt is one attempt the retry layer made at a request: the first
// sending and every retry.
type Attempt struct {
	// Call describes the request (the zero Call for requests not made by a
	// Client).
	Call Call
	// Number is 1 for the first attempt, 2 for the first retry, and so on.
	Number int
	// Sent is false when nothing reached the network: the connection was
	// refused, the host name did not resolve, or a replay had no answer.
	Sent bool
	// StatusCode is the answer's status, 0 when there was none.
	StatusCode int
}

// AttemptObserver is called once for every attempt the retry layer makes,
// after it ends, so that a caller can count what was really sent (a POST
// answered 503 and retried twice is one request and three attempts). It
// must be safe for concurrent use and must not keep the request.
type AttemptObserver func(Attempt)

type attemptObserverKey struct{}

// WithAttemptObserver returns ctx carrying fn: every attempt of a request
// made with the returned context (or one derived from it) is reported to fn.
func WithAttemptObserver(ctx context.Context, fn AttemptObserver) context.Context {
	return context.WithValue(ctx, attemptObserverKey{}, fn)
}

// attemptObserverOf returns the observer in ctx, or nil.
func attemptObserverOf(ctx context.Context) AttemptObserver {
	fn, _ := ctx.Value(attemptObserverKey{}).(AttemptObserver)
	return fn
}

// observingTransport sits right under the retry layer: each RoundTrip is
// one attempt, reported to the request's AttemptObserver.
type observingTransport struct{ next http.RoundTripper }

func (t observingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	fn := attemptObserverOf(req.Context())
	if fn == nil {
		return resp, err
	}
	a := Attempt{Sent: true}
	a.Call, _ = CallOf(req)
	if st, ok := req.Context().Value(attemptKey{}).(*attemptState); ok {
		a.Number = st.attempts + 1
	}
	if err != nil {
		var te *TokenError
		a.Sent = connectFailure(err) == "" && !isPermanent(err) && !isDialError(err) && !errors.As(err, &te)
	}
	if resp != nil {
		a.StatusCode = resp.StatusCode
	}
	fn(a)
	return resp, err
}
