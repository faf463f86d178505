package runtest

import (
	"net/http"
	"net/http/httptest"
)

// handlerTransport sends requests straight to an http.Handler (the
// simulator) in memory: no socket, no network.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	if r.Body == nil {
		r.Body = http.NoBody
	}
	r.RequestURI = req.URL.RequestURI()
	r.RemoteAddr = "127.0.0.1:1"
	r.Host = req.URL.Host
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, r)
	resp := w.Result()
	resp.Request = req
	return resp, nil
}

// caseTransport routes a test's requests to its simulator, or to its
// cassette once replay() was called.
type caseTransport struct{ tc *testCase }

func (t caseTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if p := t.tc.player; p != nil {
		return p.RoundTrip(req)
	}
	return handlerTransport{h: t.tc.sim}.RoundTrip(req)
}
