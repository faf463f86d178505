package glapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Limits that keep a hostile or broken server from holding glrun forever.
// Each is configurable in Config; these are the defaults.
const (
	// DefaultIdleTimeout is how long glrun waits for the next byte of an
	// answer, its headers or its body, before giving up on it.
	DefaultIdleTimeout = 60 * time.Second
	// DefaultMaxResponseBytes is the largest answer body glrun reads (64
	// MiB: the largest page of the largest list is a few MiB).
	DefaultMaxResponseBytes = 64 << 20
	// DefaultMaxHintedWait is the longest wait a server may ask for before
	// a retry (Retry-After and the like); a longer hint fails the request,
	// with the hint in the error.
	DefaultMaxHintedWait = 15 * time.Minute
	// DefaultMaxPages is the most pages one listing reads: 10,000 pages of
	// the smallest page size (100) is a million items.
	DefaultMaxPages = 10000
)

// IdleTimeoutError is returned when a server sent no byte for Idle while
// glrun waited for an answer's headers or read its body.
type IdleTimeoutError struct {
	Idle  time.Duration
	Phase string // "headers" or "body"
}

// Error says what glrun was waiting for and for how long.
func (e *IdleTimeoutError) Error() string {
	what := "the answer's headers"
	if e.Phase == "body" {
		what = "the rest of the answer's body"
	}
	return fmt.Sprintf("no byte of %s came in %s; gave up (the idle timeout, Config.IdleTimeout)", what, e.Idle)
}

// Timeout reports true, as net.Error timeouts do.
func (e *IdleTimeoutError) Timeout() bool { return true }

// ResponseTooLargeError is returned when an answer's body is larger than
// Config.MaxResponseBytes.
type ResponseTooLargeError struct {
	Limit int64
}

// Error names the limit.
func (e *ResponseTooLargeError) Error() string {
	return fmt.Sprintf("the answer is larger than %s, the most glrun reads (Config.MaxResponseBytes)", byteSize(e.Limit))
}

// byteSize is n in the largest binary unit that divides it, such as "64 MiB".
func byteSize(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// guardTransport is the innermost layer, right above Config.Transport: it
// gives up on an answer whose headers or body stall for longer than idle
// (the timer restarts with every byte read, on the wall clock: this is
// the network's time, not the run's), and stops reading a body past max
// bytes. Token requests go through it too.
type guardTransport struct {
	next http.RoundTripper
	idle time.Duration
	max  int64
}

var errIdle = errors.New("idle timeout")

func (t guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	var timer *time.Timer
	if t.idle > 0 {
		timer = time.AfterFunc(t.idle, func() { cancel(errIdle) })
	}
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		if timer != nil {
			timer.Stop()
		}
		if errors.Is(context.Cause(ctx), errIdle) && req.Context().Err() == nil {
			err = &IdleTimeoutError{Idle: t.idle, Phase: "headers"}
		}
		cancel(nil)
		return nil, err
	}
	if t.max > 0 && resp.ContentLength > t.max {
		if timer != nil {
			timer.Stop()
		}
		resp.Body = &tooLargeBody{body: resp.Body, err: &ResponseTooLargeError{Limit: t.max}, cancel: func() { cancel(nil) }}
		return resp, nil
	}
	resp.Body = &guardedBody{body: resp.Body, ctx: ctx, parent: req.Context(), cancel: cancel,
		timer: timer, idle: t.idle, left: t.max, max: t.max}
	return resp, nil
}

// guardedBody is a body read under the idle timeout and the size cap.
type guardedBody struct {
	body   io.ReadCloser
	ctx    context.Context
	parent context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	idle   time.Duration
	max    int64

	mu   sync.Mutex
	left int64 // bytes that may still be read, when max > 0
}

func (b *guardedBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.max > 0 {
		if b.left <= 0 {
			// Past the cap: is there more?
			var one [1]byte
			n, err := b.body.Read(one[:])
			if n > 0 {
				return 0, &ResponseTooLargeError{Limit: b.max}
			}
			return 0, b.mapErr(err)
		}
		if int64(len(p)) > b.left {
			p = p[:b.left]
		}
	}
	n, err := b.body.Read(p)
	b.left -= int64(n)
	if b.timer != nil && n > 0 {
		b.timer.Reset(b.idle)
	}
	return n, b.mapErr(err)
}

// mapErr turns the cancellation of the idle timer into an IdleTimeoutError.
func (b *guardedBody) mapErr(err error) error {
	if err != nil && err != io.EOF && errors.Is(context.Cause(b.ctx), errIdle) && b.parent.Err() == nil {
		return &IdleTimeoutError{Idle: b.idle, Phase: "body"}
	}
	return err
}

func (b *guardedBody) Close() error {
	if b.timer != nil {
		b.timer.Stop()
	}
	err := b.body.Close()
	b.cancel(nil)
	return err
}

// tooLargeBody is the body of an answer whose Content-Length is past the
// cap: nothing of it is read.
type tooLargeBody struct {
	body   io.ReadCloser
	err    error
	cancel func()
}

func (b *tooLargeBody) Read([]byte) (int, error) { return 0, b.err }

func (b *tooLargeBody) Close() error {
	err := b.body.Close()
	b.cancel()
	return err
}
