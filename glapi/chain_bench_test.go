package glapi

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// cannedTransport answers the token endpoint and every API request from
// memory, so a benchmark measures the chain, not a network.
type cannedTransport struct{ body string }

func (c cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	body := c.body
	if strings.HasSuffix(req.URL.Path, "/as/token.oauth2") {
		body = `{"access_token":"tok-1","token_type":"Bearer","expires_in":7200}`
	}
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK, Request: req, ContentLength: int64(len(body)),
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   io.NopCloser(strings.NewReader(body)),
	}, nil
}

const benchJob = `{"id":"f7dadc7d-54c3-4ffb-b7fe-3f79a5cfdd46","type":"compute-ops-mgmt/job","state":"RUNNING",` +
	`"resource":{"id":"P58686-B21+2M212543P9","type":"compute-ops-mgmt/server"},"jobTemplate":"30110551-cad6-4069-95b8-dbce9bbd8525",` +
	`"createdAt":"2026-11-24T22:43:23.742Z","updatedAt":"2026-11-24T22:44:56.742Z","generation":3,"results":{},"jobParams":{}}`

// BenchmarkTransportChain measures one GET through the whole chain
// (service -> Client.do -> Mode -> retry -> limit -> auth -> Transport) and
// the decoding of its answer, with the rate limiter on and off.
func BenchmarkTransportChain(b *testing.B) {
	for _, tc := range []struct {
		name string
		off  bool
	}{{"limiter", false}, {"no-limiter", true}} {
		b.Run(tc.name, func(b *testing.B) {
			c, err := New(Config{
				ClientID: testClientID, ClientSecret: NewSecret(testSecret), BaseURL: "http://glrun.invalid",
				Transport:  cannedTransport{body: benchJob},
				RateLimits: RateLimits{Off: tc.off, ComputeRate: 1e9, ComputeMaxRate: 1e9},
			})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := c.Jobs.Get(ctx, "f7dadc7d-54c3-4ffb-b7fe-3f79a5cfdd46"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
