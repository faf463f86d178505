package cli

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"glrun/exitcode"
	"glrun/glapi/sim"
)

// writeConfig writes config.yaml under a new XDG_CONFIG_HOME and clears the
// environment variables that would take precedence.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "glrun", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CONFIG_HOME", dir)
	for _, k := range []string{"GLRUN_PROFILE", "GREENLAKE_CLIENT_ID", "GREENLAKE_CLIENT_SECRET", "GREENLAKE_REGION",
		"GREENLAKE_BASE_URL", "GREENLAKE_TOKEN_URL", "GREENLAKE_TENANT_ACID"} {
		t.Setenv(k, "")
	}
	return path
}

// TestConfigShowsSources: flags beat env, env beats the profile, and the
// secret is masked.
func TestConfigShowsSources(t *testing.T) {
	path := writeConfig(t, `default: prod
profiles:
  prod:
    region: eu-central
    client_id: prod-client
    tenant_acid: tenant-from-profile
    client_secret_env: PROD_SECRET
  lab:
    base_url: http://127.0.0.1:9
    client_id: lab-client
`)
	t.Setenv("PROD_SECRET", "very-secret-value")
	t.Setenv("GREENLAKE_CLIENT_ID", "env-client")
	r := glrunTool(t, "", "config", "-o", "json", "--region", "ap-northeast")
	if r.code != 0 {
		t.Fatalf("config: exit %d: %s", r.code, r.stderr)
	}
	var got []setting
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]setting{
		"profile":       {Value: "prod", Source: "default in " + path},
		"region":        {Value: "ap-northeast", Source: "flag --region"},
		"client id":     {Value: "env-client", Source: "env GREENLAKE_CLIENT_ID"},
		"tenant acid":   {Value: "tenant-from-profile", Source: "profile prod in " + path},
		"base url":      {Source: "unset"},
		"client secret": {Value: "****", Source: "env PROD_SECRET in profile prod in " + path},
	}
	for _, s := range got {
		if w, ok := want[s.Name]; ok && (w.Value != s.Value || w.Source != s.Source) {
			t.Errorf("%s = %q (%s), want %q (%s)", s.Name, s.Value, s.Source, w.Value, w.Source)
		}
	}
	text := glrunTool(t, "", "config", "--profile", "lab")
	if text.code != 0 || !strings.Contains(text.stdout, "http://127.0.0.1:9") || !strings.Contains(text.stdout, "(--profile)") {
		t.Errorf("config --profile lab: exit %d:\n%s%s", text.code, text.stdout, text.stderr)
	}
	if strings.Contains(r.stdout+r.stderr+text.stdout+text.stderr, "very-secret-value") {
		t.Error("glrun config printed the secret")
	}
	bad := glrunTool(t, "", "config", "--profile", "staging")
	if bad.code != exitcode.Usage || !strings.Contains(bad.stderr, `profile "staging" (from --profile) is not defined`) {
		t.Errorf("unknown profile: exit %d, stderr %q", bad.code, bad.stderr)
	}
}

// TestRunUsesProfile runs a runbook against a simulator named only by the
// profile (base URL, client id, secret from a command).
func TestRunUsesProfile(t *testing.T) {
	s := newTestSim(t)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	writeConfig(t, `profiles:
  local:
    base_url: `+srv.URL+`
    client_id: `+sim.DemoClientID+`
    client_secret_command: echo `+sim.DemoClientSecret+`
`)
	t.Setenv("GLRUN_PROFILE", "local")
	rb := filepath.Join(t.TempDir(), "count.star")
	src := "\"\"\"Count servers.\"\"\"\n\ndef main():\n    \"\"\"Count.\"\"\"\n    return len(compute.servers.list())\n"
	if err := os.WriteFile(rb, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r := glrunTool(t, "", "run", "--yes", rb)
	if r.code != 0 || strings.TrimSpace(r.stdout) != "40" {
		t.Errorf("run with profile: exit %d, stdout %q, stderr %s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, sim.DemoClientSecret) {
		t.Error("the run printed the client secret")
	}
}

// TestConfigSecretNotSetWhenItsVariableIsEmpty: a profile whose
// client_secret_env variable is unset or empty shows the secret as not
// set, naming the variable, never as "****"; with the variable set it is
// "****" and never the value.
func TestConfigSecretNotSetWhenItsVariableIsEmpty(t *testing.T) {
	writeConfig(t, `default: lab
profiles:
  lab:
    base_url: http://127.0.0.1:9
    client_id: lab-client
    client_secret_env: LAB_SECRET
  vault:
    client_id: vault-client
    client_secret_command: pass show greenlake/vault
`)
	secretOf := func(args ...string) setting {
		t.Helper()
		r := glrunTool(t, "", append([]string{"config", "-o", "json"}, args...)...)
		if r.code != 0 {
			t.Fatalf("config: exit %d: %s", r.code, r.stderr)
		}
		var got []setting
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatal(err)
		}
		for _, s := range got {
			if s.Name == "client secret" {
				return s
			}
		}
		t.Fatalf("no client secret in %s", r.stdout)
		return setting{}
	}
	for _, v := range []string{"", "   "} {
		t.Setenv("LAB_SECRET", v)
		if got := secretOf(); got.Value != "not set (LAB_SECRET is empty)" || !strings.HasPrefix(got.Source, "env LAB_SECRET in profile lab") {
			t.Errorf("LAB_SECRET=%q: client secret %q (%s), want not set (LAB_SECRET is empty)", v, got.Value, got.Source)
		}
	}
	text := glrunTool(t, "", "config")
	if !strings.Contains(text.stdout, "not set (LAB_SECRET is empty)") || strings.Contains(text.stdout, "****") {
		t.Errorf("config text:\n%s", text.stdout)
	}
	t.Setenv("LAB_SECRET", "lab-secret-value")
	if got := secretOf(); got.Value != "****" {
		t.Errorf("LAB_SECRET set: client secret %q, want ****", got.Value)
	}
	if got := secretOf("--profile", "vault"); got.Value == "****" || !strings.Contains(got.Value, "not run") {
		t.Errorf("secret command: client secret %q, want it said the command is not run", got.Value)
	}
	all := glrunTool(t, "", "config")
	if strings.Contains(all.stdout+all.stderr, "lab-secret-value") {
		t.Error("glrun config printed the secret")
	}
}
