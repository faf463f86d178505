package glapi

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestDeadTargetFailsFast: a base URL where nothing listens, or whose host
// name does not resolve, fails after at most 2 quick retries (well under
// the 31 s of the full backoff), each retry logged at info level, with an
// error that says what to check.
func TestDeadTargetFailsFast(t *testing.T) {
	// A loopback port with nothing listening: listen, note it, close.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := l.Addr().String()
	_ = l.Close()

	// A resolver that knows no host: a dialer failing as net.Dialer does
	// when the name does not resolve.
	noDNS := http.DefaultTransport.(*http.Transport).Clone()
	noDNS.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.OpError{Op: "dial", Net: network,
			Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}
	tests := []struct {
		name      string
		baseURL   string
		transport http.RoundTripper
		wantHint  string
	}{
		{"connection refused on loopback", "http://" + deadAddr, nil,
			"nothing is listening at " + deadAddr + ": is `glrun sim serve` running?"},
		{"host name does not resolve", "https://glrun-no-such-host.example", noDNS,
			`the host name "glrun-no-such-host.example" does not resolve: check the host name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newRecClock()
			var logs bytes.Buffer
			c, err := New(Config{ClientID: testClientID, ClientSecret: NewSecret(testSecret),
				BaseURL: tt.baseURL, Transport: tt.transport, Clock: clk,
				Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
			if err != nil {
				t.Fatal(err)
			}
			start := clk.Now()
			_, err = c.Jobs.Get(context.Background(), "j1")
			if err == nil {
				t.Fatal("Get succeeded against a dead target")
			}
			if !strings.Contains(err.Error(), tt.wantHint) {
				t.Errorf("error %q lacks the hint %q", err, tt.wantHint)
			}
			if testing.Verbose() {
				t.Log(err)
			}
			if !strings.Contains(err.Error(), "after 3 attempts") {
				t.Errorf("error %q does not say it tried 3 times", err)
			}
			if waited := clk.Now().Sub(start); waited > 2*time.Second {
				t.Errorf("waited %v before failing, want at most 2s", waited)
			}
			if got := strings.Count(logs.String(), "level=INFO msg=\"retrying request\""); got != 2 {
				t.Errorf("%d retries logged at info level, want 2:\n%s", got, logs.String())
			}
			if strings.Contains(err.Error()+logs.String(), testSecret) {
				t.Error("the client secret leaked")
			}
		})
	}
}
