package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestSimServeClients: --client ID:SECRET:EMAIL adds an API client (its
// secret is not printed); a malformed one is a usage error.
func TestSimServeClients(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // serve prints where it listens, then stops at once
	var out, errb bytes.Buffer
	code := Execute(ctx, []string{"sim", "serve", "--addr", "127.0.0.1:0",
		"--client", "cab-client:cab-secret-0123:cab@example.com", "--client", "ops-client:ops-secret-4567:ops@example.com"},
		streams{in: strings.NewReader(""), out: &out, err: &errb})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"also client cab-client, acting as cab@example.com", "also client ops-client, acting as ops@example.com"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if s := out.String() + errb.String(); strings.Contains(s, "cab-secret-0123") || strings.Contains(s, "ops-secret-4567") {
		t.Errorf("a client secret was printed:\n%s", s)
	}

	out.Reset()
	errb.Reset()
	code = Execute(context.Background(), []string{"sim", "serve", "--addr", "127.0.0.1:0", "--client", "cab-client:cab-secret-0123"},
		streams{in: strings.NewReader(""), out: &out, err: &errb})
	if code != 2 || !strings.Contains(errb.String(), "--client: want ID:SECRET:EMAIL") || strings.Contains(errb.String(), "cab-secret-0123") {
		t.Errorf("malformed --client: exit %d, stderr %q", code, errb.String())
	}
}
