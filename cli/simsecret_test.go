package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"glrun/exitcode"
	"glrun/glapi"
	"glrun/glapi/sim"
)

// lockedBuffer is a bytes.Buffer safe for a writer and a reader at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serving is a 'glrun sim serve' run in-process.
type serving struct {
	code           int // -1 while it serves
	stdout, stderr string
	base           string // its URL, "" when it did not start
}

// simServe runs 'glrun sim serve' with args, env and stdin until it prints
// that it listens or exits; it is stopped when the test ends.
func simServe(t *testing.T, env map[string]string, stdin string, args ...string) serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Execute(ctx, append([]string{"sim", "serve"}, args...), streams{
			in: strings.NewReader(stdin), out: &out, err: &errb,
			getenv: func(k string) string { return env[k] },
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	deadline := time.After(10 * time.Second)
	for {
		select {
		case code := <-done:
			done <- code
			return serving{code: code, stdout: out.String(), stderr: errb.String()}
		case <-deadline:
			t.Fatalf("sim serve neither started nor exited:\n%s%s", out.String(), errb.String())
		case <-time.After(5 * time.Millisecond):
		}
		if o := out.String(); strings.Contains(o, "Press Ctrl-C") {
			first, _, _ := strings.Cut(o, "\n")
			base := strings.TrimPrefix(first, "glrun simulator listening on ")
			r := serving{code: -1, stdout: o, stderr: errb.String(), base: base}
			if status := tokenStatus(t, base, sim.DemoClientID, "probe-not-the-secret"); status != http.StatusUnauthorized {
				t.Errorf("a wrong secret got %d", status)
			}
			return r
		}
	}
}

// tokenStatus asks base's token endpoint for a token with id and secret.
func tokenStatus(t *testing.T, base, id, secret string) int {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	resp, err := http.PostForm(base+"/as/token.oauth2", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestSimServeSecretOutOfProcessList: 'glrun sim serve' takes the secret
// its token endpoint accepts from GLRUN_SIM_CLIENT_SECRET or the first line
// of standard input (--client-secret-stdin), so it needs no place on the
// command line, and then does not print it; --client-secret still works,
// with a warning. Given twice, it is refused.
func TestSimServeSecretOutOfProcessList(t *testing.T) {
	t.Parallel()
	const secret = "lab-secret-0123456789abcdef"
	tests := []struct {
		name  string
		env   map[string]string
		stdin string
		args  []string
		warn  bool
	}{
		{"environment", map[string]string{envSimClientSecret: secret}, "", nil, false},
		{"standard input", nil, secret + "\nrest\n", []string{"--client-secret-stdin"}, false},
		{"flag, with a warning", nil, "", []string{"--client-secret", secret}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := simServe(t, tt.env, tt.stdin, append([]string{"--addr", "127.0.0.1:0"}, tt.args...)...)
			if r.base == "" {
				t.Fatalf("did not start: exit %d\n%s", r.code, r.stderr)
			}
			if got := tokenStatus(t, r.base, sim.DemoClientID, secret); got != http.StatusOK {
				t.Errorf("the given secret got %d, want 200", got)
			}
			if got := tokenStatus(t, r.base, sim.DemoClientID, sim.DemoClientSecret); got != http.StatusUnauthorized {
				t.Errorf("the demo secret got %d, want 401", got)
			}
			if strings.Contains(r.stdout+r.stderr, secret) {
				t.Errorf("the secret was printed:\n%s%s", r.stdout, r.stderr)
			}
			if got := strings.Contains(r.stderr, "visible in the process list"); got != tt.warn {
				t.Errorf("warning shown %v, want %v:\n%s", got, tt.warn, r.stderr)
			}
		})
	}
	r := simServe(t, map[string]string{envSimClientSecret: secret}, secret+"\n", "--addr", "127.0.0.1:0", "--client-secret-stdin")
	if r.code != exitcode.Usage || !strings.Contains(r.stderr, "given 2 times") {
		t.Errorf("a secret given twice: exit %d, want %d\n%s", r.code, exitcode.Usage, r.stderr)
	}
}

// TestSimServeRefusesRemoteAddr: the simulator listens on loopback only,
// unless --allow-remote; on loopback with the demo credentials it prints
// them (the README's quick start relies on that), elsewhere it does not.
func TestSimServeRefusesRemoteAddr(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0"} {
		r := simServe(t, nil, "", "--addr", addr)
		if r.code != exitcode.Usage || !strings.Contains(r.stderr, "not a loopback address") {
			t.Errorf("--addr %s: exit %d, want %d refusing it\n%s", addr, r.code, exitcode.Usage, r.stderr)
		}
	}
	r := simServe(t, nil, "", "--addr", "0.0.0.0:0", "--allow-remote")
	if r.base == "" {
		t.Fatalf("--allow-remote did not start: exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, sim.DemoClientSecret) {
		t.Errorf("listening beyond loopback, it printed the demo secret:\n%s", r.stdout)
	}
	r = simServe(t, nil, "", "--addr", "127.0.0.1:0")
	if !strings.Contains(r.stdout, "GREENLAKE_CLIENT_SECRET="+sim.DemoClientSecret) {
		t.Errorf("on loopback it should print the demo credentials:\n%s", r.stdout)
	}
}

// TestSimServeHelpHoldsNoCredentials: --help shows no default credentials.
func TestSimServeHelpHoldsNoCredentials(t *testing.T) {
	t.Parallel()
	r := glrunTool(t, "", "sim", "serve", "--help")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, cred := range []string{sim.DemoClientSecret, sim.DemoClientID} {
		if strings.Contains(r.stdout+r.stderr, cred) {
			t.Errorf("--help shows a default credential %.6s...:\n%s", cred, r.stdout)
		}
	}
	for _, w := range []string{envSimClientSecret, "--client-secret-stdin", "--allow-remote"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("--help does not mention %s", w)
		}
	}
}

// TestSimServeWorkspaceID: the tokens of 'glrun sim serve --workspace-id'
// name that workspace, as GreenLake's name theirs.
func TestSimServeWorkspaceID(t *testing.T) {
	t.Parallel()
	const ws = "0123456789abcdef0123456789abcdef"
	r := simServe(t, nil, "", "--addr", "127.0.0.1:0", "--workspace-id", ws)
	if r.base == "" {
		t.Fatalf("did not start: exit %d\n%s", r.code, r.stderr)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {sim.DemoClientID}, "client_secret": {sim.DemoClientSecret}}
	resp, err := http.PostForm(r.base+"/as/token.oauth2", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		t.Fatal(err)
	}
	if got := glapi.WorkspaceClaim(tok.AccessToken); got != ws {
		t.Errorf("the token names workspace %q, want %q", got, ws)
	}
}
