package cli

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"glrun/exitcode"
	"glrun/glapi/sim"
)

// recordingServer is a loopback (or, with listen, any) server that records
// every request it receives, with its body, and answers as the simulator.
type recordingServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

func newRecordingServer(t *testing.T, l net.Listener) *recordingServer {
	t.Helper()
	s := newTestSim(t)
	rs := &recordingServer{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rs.mu.Lock()
		rs.bodies = append(rs.bodies, r.Method+" "+r.URL.String()+" "+string(body))
		rs.mu.Unlock()
		s.ServeHTTP(w, r)
	})
	if l == nil {
		rs.Server = httptest.NewServer(h)
	} else {
		rs.Server = &httptest.Server{Listener: l, Config: &http.Server{Handler: h}}
		rs.Start()
	}
	t.Cleanup(rs.Close)
	return rs
}

func (rs *recordingServer) received() []string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return append([]string(nil), rs.bodies...)
}

// readRunbook writes a runbook that only reads, and returns its path.
func readRunbook(t *testing.T) string {
	t.Helper()
	rb := filepath.Join(t.TempDir(), "read.star")
	src := "\"\"\"Count servers.\"\"\"\n\ndef main():\n    \"\"\"Count.\"\"\"\n    return len(compute.servers.list())\n"
	if err := os.WriteFile(rb, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return rb
}

// TestMixedSecretSourcesRefused: a secret is sent only with the client id
// and to the hosts of its own source. A GREENLAKE_CLIENT_SECRET with a
// profile's base_url, or a profile's secret with --base-url, is refused
// (exit 2) naming both sources, and the host receives nothing.
func TestMixedSecretSourcesRefused(t *testing.T) {
	srv := newRecordingServer(t, nil)
	const envSecret = "env-secret-meant-for-prod-0123456789"
	rb := readRunbook(t)
	tests := []struct {
		name    string
		profile string
		env     map[string]string
		args    []string
		want    []string // in stderr
		code    int
	}{
		{
			name:    "env secret with a profile's host",
			profile: "base_url: " + srv.URL + "\n    client_id: " + sim.DemoClientID + "\n    client_secret_env: LAB_SECRET\n",
			env:     map[string]string{"GREENLAKE_CLIENT_SECRET": envSecret, "LAB_SECRET": sim.DemoClientSecret},
			want:    []string{"GREENLAKE_CLIENT_SECRET", `profile "lab" (base_url)`, `profile "lab" (client_id)`},
			code:    exitcode.Usage,
		},
		{
			name:    "profile secret command with --base-url",
			profile: "client_id: " + sim.DemoClientID + "\n    client_secret_command: echo " + sim.DemoClientSecret + "\n",
			args:    []string{"--base-url", srv.URL},
			want:    []string{`profile "lab" (client_secret_command)`, "--base-url"},
			code:    exitcode.Usage,
		},
		{
			name:    "profile secret with GREENLAKE_CLIENT_ID",
			profile: "base_url: " + srv.URL + "\n    client_secret_env: LAB_SECRET\n",
			env:     map[string]string{"GREENLAKE_CLIENT_ID": sim.DemoClientID, "LAB_SECRET": sim.DemoClientSecret},
			want:    []string{`profile "lab" (client_secret_env)`, "the client id from GREENLAKE_CLIENT_ID"},
			code:    exitcode.Usage,
		},
		{
			name:    "everything from the profile",
			profile: "base_url: " + srv.URL + "\n    client_id: " + sim.DemoClientID + "\n    client_secret_env: LAB_SECRET\n",
			env:     map[string]string{"LAB_SECRET": sim.DemoClientSecret, "GREENLAKE_REGION": "eu-central"},
			code:    exitcode.OK,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeConfig(t, "default: lab\nprofiles:\n  lab:\n    "+tt.profile)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			before := len(srv.received())
			r := glrunTool(t, "", append(append([]string{"run", "--yes"}, tt.args...), rb)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", r.code, tt.code, r.stderr)
			}
			got := srv.received()[before:]
			if tt.code != exitcode.OK {
				if len(got) != 0 {
					t.Errorf("the host received %d requests, want none: %q", len(got), got)
				}
				for _, w := range append(tt.want, "nothing was sent") {
					if !strings.Contains(r.stderr, w) {
						t.Errorf("stderr does not name %q:\n%s", w, r.stderr)
					}
				}
			} else if len(got) == 0 {
				t.Errorf("a consistent profile sent nothing")
			}
			if strings.Contains(r.stderr, envSecret) || strings.Contains(r.stderr, sim.DemoClientSecret) {
				t.Errorf("stderr holds a secret:\n%s", r.stderr)
			}
		})
	}
}

// TestInsecureHTTPRefused: a plain http:// base URL on a host that is not
// loopback is refused (exit 2) before the secret is sent, unless
// --allow-insecure-http or the profile's allow_insecure_http allows it.
func TestInsecureHTTPRefused(t *testing.T) {
	ip := nonLoopbackIPv4(t)
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	srv := newRecordingServer(t, l)
	rb := readRunbook(t)
	tests := []struct {
		name    string
		profile string // "" for none
		args    []string
		code    int
	}{
		{"--base-url", "", []string{"--base-url", srv.URL}, exitcode.Usage},
		{"--token-url", "", []string{"--base-url", srv.URL, "--token-url", srv.URL + "/as/token.oauth2", "--allow-insecure-http=false"}, exitcode.Usage},
		{"profile base_url", "base_url: " + srv.URL, nil, exitcode.Usage},
		{"--allow-insecure-http", "", []string{"--base-url", srv.URL, "--allow-insecure-http"}, exitcode.OK},
		{"profile allow_insecure_http", "base_url: " + srv.URL + "\n    allow_insecure_http: true", nil, exitcode.OK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ""
			if tt.profile != "" {
				cfg = "default: lab\nprofiles:\n  lab:\n    client_id: " + sim.DemoClientID + "\n    client_secret_env: LAB_SECRET\n    " + tt.profile + "\n"
			}
			writeConfig(t, cfg)
			if tt.profile != "" {
				t.Setenv("LAB_SECRET", sim.DemoClientSecret)
			} else {
				t.Setenv("GREENLAKE_CLIENT_ID", sim.DemoClientID)
				t.Setenv("GREENLAKE_CLIENT_SECRET", sim.DemoClientSecret)
			}
			before := len(srv.received())
			r := glrunTool(t, "", append(append([]string{"run", "--yes"}, tt.args...), rb)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", r.code, tt.code, r.stderr)
			}
			got := srv.received()[before:]
			if tt.code == exitcode.Usage {
				if len(got) != 0 {
					t.Errorf("the host received %d requests over plain http, want none", len(got))
				}
				if !strings.Contains(r.stderr, "refusing plain http") || !strings.Contains(r.stderr, "--allow-insecure-http") {
					t.Errorf("stderr does not explain the refusal:\n%s", r.stderr)
				}
			} else if len(got) == 0 {
				t.Errorf("allowed, yet nothing was sent")
			}
		})
	}
	t.Run("a profile's allow_insecure_http does not cover --base-url", func(t *testing.T) {
		writeConfig(t, "default: lab\nprofiles:\n  lab:\n    region: eu-central\n    allow_insecure_http: true\n")
		t.Setenv("GREENLAKE_CLIENT_ID", sim.DemoClientID)
		t.Setenv("GREENLAKE_CLIENT_SECRET", sim.DemoClientSecret)
		before := len(srv.received())
		r := glrunTool(t, "", "run", "--yes", "--base-url", srv.URL, rb)
		if r.code != exitcode.Usage || !strings.Contains(r.stderr, "refusing plain http") {
			t.Errorf("exit %d, want %d refusing plain http\n%s", r.code, exitcode.Usage, r.stderr)
		}
		if got := srv.received()[before:]; len(got) != 0 {
			t.Errorf("the host received %d requests", len(got))
		}
	})
}

// nonLoopbackIPv4 returns an IPv4 address of this machine that is not
// loopback, or skips the test.
func nonLoopbackIPv4(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Skipf("no interface addresses: %v", err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			return n.IP.String()
		}
	}
	t.Skip("this machine has no IPv4 address other than loopback")
	return ""
}
