package httpbody

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// failingReader gives some bytes, then an error.
type failingReader struct{ done bool }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.done {
		return 0, errors.New("connection reset")
	}
	f.done = true
	return copy(p, "par"), nil
}

func TestRequest(t *testing.T) {
	tests := []struct {
		name string
		body io.Reader
		want string
	}{
		{"none", nil, ""},
		{"json", strings.NewReader(`{"a":1}`), `{"a":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, "http://x/devices", tt.body)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Request(req)
			if err != nil || string(b) != tt.want {
				t.Fatalf("Request = %q, %v; want %q", b, err, tt.want)
			}
			if tt.body == nil {
				return
			}
			for i, rc := range []func() (io.ReadCloser, error){
				func() (io.ReadCloser, error) { return req.Body, nil }, req.GetBody, req.GetBody,
			} {
				r, _ := rc()
				again, _ := io.ReadAll(r)
				if string(again) != tt.want {
					t.Errorf("read %d after Request: %q, want %q", i, again, tt.want)
				}
			}
		})
	}
}

func TestRequestReadError(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPatch, "http://x/devices/v2beta1/devices", io.NopCloser(&failingReader{}))
	_, err := Request(req)
	if err == nil || !strings.Contains(err.Error(), "PATCH /devices/v2beta1/devices") || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("Request error = %v; want the method, the path and the cause", err)
	}
}

func TestResponse(t *testing.T) {
	resp := &http.Response{Body: io.NopCloser(strings.NewReader(`{"id":"j1"}`))}
	b, err := Response(resp)
	if err != nil || string(b) != `{"id":"j1"}` {
		t.Fatalf("Response = %q, %v", b, err)
	}
	again, _ := io.ReadAll(resp.Body)
	if string(again) != `{"id":"j1"}` {
		t.Errorf("body after Response: %q", again)
	}

	short := &http.Response{Body: io.NopCloser(&failingReader{})}
	b, err = Response(short)
	if err == nil || string(b) != "par" {
		t.Fatalf("Response of a failing body = %q, %v; want the bytes read and the error", b, err)
	}
	again, _ = io.ReadAll(short.Body)
	if string(again) != "par" {
		t.Errorf("body put back after a failed read: %q, want what was read", again)
	}

	if b, err := Response(&http.Response{}); b != nil || err != nil {
		t.Errorf("Response without a body = %q, %v", b, err)
	}
}
