package cli

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"glrun/glapi/sim"
)

// TestTargetIsRealGreenLakeWhateverTheSource: a base URL counts as real
// GreenLake, or not, by the same rule whether it comes from --base-url,
// GREENLAKE_BASE_URL or the selected profile's base_url; the first of
// those that is set wins.
func TestTargetIsRealGreenLakeWhateverTheSource(t *testing.T) {
	tests := []struct {
		name    string
		flag    string // --base-url
		env     string // GREENLAKE_BASE_URL
		profile string // base_url of the default profile ("" for no profile)
		want    bool
	}{
		{"nothing: GreenLake itself", "", "", "", true},
		{"loopback --base-url", "http://127.0.0.1:8080", "", "", false},
		{"loopback GREENLAKE_BASE_URL", "", "http://127.0.0.1:8080", "", false},
		{"loopback profile base_url", "", "", "http://127.0.0.1:8080", false},
		{"localhost profile base_url", "", "", "http://localhost:8080/", false},
		{"IPv6 loopback profile base_url", "", "", "http://[::1]:8080", false},
		{"remote --base-url", "https://gl.example.com", "", "", true},
		{"remote GREENLAKE_BASE_URL", "", "https://gl.example.com", "", true},
		{"remote profile base_url", "", "", "https://gl.example.com", true},
		{"--base-url wins over a loopback profile", "https://gl.example.com", "", "http://127.0.0.1:8080", true},
		{"GREENLAKE_BASE_URL wins over a loopback profile", "", "https://gl.example.com", "http://127.0.0.1:8080", true},
		{"loopback --base-url wins over a remote profile", "http://127.0.0.1:8080", "", "https://gl.example.com", false},
		{"loopback GREENLAKE_BASE_URL wins over a remote profile", "", "http://127.0.0.1:8080", "https://gl.example.com", false},
		{"a profile base_url that names no host", "", "", "127.0.0.1:8080", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.profile != "" {
				path := filepath.Join(dir, "glrun", "config.yaml")
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				text := "default: p\nprofiles:\n  p:\n    base_url: " + tt.profile + "\n    client_id: x\n"
				if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			env := map[string]string{"XDG_CONFIG_HOME": dir, "GREENLAKE_BASE_URL": tt.env}
			getenv := func(k string) string { return env[k] }
			f := targetFlags{baseURL: tt.flag}
			if got := f.realGreenLake(getenv); got != tt.want {
				t.Errorf("realGreenLake = %v, want %v", got, tt.want)
			}
			if got := needsApproval(&f, getenv); got != tt.want {
				t.Errorf("needsApproval = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestLoopbackProfileRunsWithoutConfirmation: 'glrun run' against a
// 'glrun sim serve' named only by the profile's base_url runs as it does
// with --base-url or GREENLAKE_BASE_URL: without asking to confirm a change
// to "a real GreenLake workspace".
func TestLoopbackProfileRunsWithoutConfirmation(t *testing.T) {
	s := newTestSim(t)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	base := srv.URL
	rb := filepath.Join(t.TempDir(), "off.star")
	src := "\"\"\"Power a server off.\"\"\"\n\ndef main():\n    \"\"\"Off.\"\"\"\n    s = compute.servers.list()[0]\n    compute.jobs.create(\"power_off\", s)\n    return s.name\n"
	if err := os.WriteFile(rb, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, source := range []string{"--base-url", "GREENLAKE_BASE_URL", "profile"} {
		t.Run(source, func(t *testing.T) {
			writeConfig(t, "profiles:\n  local:\n    base_url: "+base+"\n    client_id: "+sim.DemoClientID+"\n    client_secret_env: LOCAL_SECRET\n")
			t.Setenv("LOCAL_SECRET", sim.DemoClientSecret)
			args := []string{"run", rb}
			switch source {
			case "--base-url":
				t.Setenv("GREENLAKE_CLIENT_ID", sim.DemoClientID)
				t.Setenv("GREENLAKE_CLIENT_SECRET", sim.DemoClientSecret)
				args = []string{"run", "--base-url", base, rb}
			case "GREENLAKE_BASE_URL":
				t.Setenv("GREENLAKE_CLIENT_ID", sim.DemoClientID)
				t.Setenv("GREENLAKE_CLIENT_SECRET", sim.DemoClientSecret)
				t.Setenv("GREENLAKE_BASE_URL", base)
			case "profile":
				t.Setenv("GLRUN_PROFILE", "local")
			}
			r := glrunTool(t, "", args...)
			if r.code != 0 {
				t.Fatalf("exit %d (standard input is not a terminal, so a confirmation cannot be asked)\n%s", r.code, r.stderr)
			}
			if strings.Contains(r.stderr, "real GreenLake") {
				t.Errorf("a loopback target from %s was taken for real GreenLake:\n%s", source, r.stderr)
			}
		})
	}
}
