// Package httpbody reads the body of an HTTP request or answer on its way
// through a round tripper and puts an identical one back, so that what
// comes next (the transport, the client) reads it as if it had not been
// touched.
package httpbody

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// Request returns the bytes of req's body (nil when it has none) and puts
// an identical body back, with a GetBody that gives it again, so that the
// request can still be sent, redirected or retried.
func Request(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the request body of %s %s: %w", req.Method, req.URL.Path, err)
	}
	req.Body = io.NopCloser(bytes.NewReader(b))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return b, nil
}

// Response returns the bytes of resp's body (nil when it has none) and
// puts an identical body back. On a read error the body put back holds
// what was read before it, and the error is returned as it is.
func Response(resp *http.Response) ([]byte, error) {
	if resp.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}
