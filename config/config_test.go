package config

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

const sample = `default: prod
profiles:
  prod:
    region: eu-central
    client_id: prod-client
    client_secret_command: echo s3cret-from-command; echo second line
  lab:
    base_url: http://127.0.0.1:8080
    client_id: lab-client
    client_secret_env: LAB_SECRET
`

func TestPath(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/x/glrun/config.yaml"},
		{map[string]string{"HOME": "/h"}, "/h/.config/glrun/config.yaml"},
	}
	for _, tt := range tests {
		if got, err := Path(env(tt.env)); err != nil || got != tt.want {
			t.Errorf("Path(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
}

func TestSelectPrecedence(t *testing.T) {
	f, err := Load(write(t, sample))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		flag, envProfile, want, source string
	}{
		{"lab", "prod", "lab", "--profile"},
		{"", "lab", "lab", EnvProfile},
		{"", "", "prod", "default in "},
	}
	for _, tt := range tests {
		sel, err := f.Select(tt.flag, env(map[string]string{EnvProfile: tt.envProfile}))
		if err != nil || sel.Name != tt.want || !strings.HasPrefix(sel.Source, tt.source) {
			t.Errorf("Select(%q, env %q) = %q from %q, %v; want %q from %q", tt.flag, tt.envProfile, sel.Name, sel.Source, err, tt.want, tt.source)
		}
	}
	_, err = f.Select("staging", env(nil))
	if err == nil || !strings.Contains(err.Error(), `profile "staging" (from --profile) is not defined`) || !strings.Contains(err.Error(), "profiles: lab, prod") {
		t.Errorf("unknown profile: %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"unknown key", "profiles:\n  prod:\n    regoin: eu-central\n", "line 3: field regoin not found"},
		{"undefined default", "default: nope\nprofiles:\n  prod: {}\n", `default profile "nope" is not defined (profiles: prod)`},
		{"two secret sources", "profiles:\n  prod:\n    client_secret_env: A\n    client_secret_command: b\n", "not both"},
		{"not yaml", "profiles: [\n", "config.yaml: line 2: did not find expected node content"},
		{"two unknown keys", "profiles:\n  prod:\n    regoin: a\n    tenant: b\n", "line 3: field regoin not found in type config.Profile; line 4: field tenant not found"},
		{"wrong type", "profiles:\n  prod:\n    keep_runs: many\n", "line 3: cannot construct !!str `many` into int"},
		{"bad indentation", "default: lab\n  profiles: x\n", "config.yaml: line 2: mapping values are not allowed in this context"},
		{"a tab", "\tdefault: lab\n", "config.yaml: line 1: found character that cannot start any token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(write(t, tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
			// The message names the line, not the YAML library's stages
			// and marks, and stays on one line.
			if err != nil && (strings.Contains(err.Error(), "go-yaml") || strings.Contains(err.Error(), "\n")) {
				t.Errorf("got %q, want one line without the library's internals", err)
			}
		})
	}
	if f, err := Load(filepath.Join(t.TempDir(), "none.yaml")); err != nil || len(f.Profiles) != 0 {
		t.Errorf("a missing file: %v, %v; want an empty configuration", f, err)
	}
	if f, err := Load(write(t, "")); err != nil || len(f.Profiles) != 0 {
		t.Errorf("an empty file: %v, %v; want an empty configuration", f, err)
	}
}

func TestSecret(t *testing.T) {
	ctx := context.Background()
	got, err := Profile{ClientSecretCommand: "echo s3cret; echo more"}.Secret(ctx, env(nil))
	if err != nil || got != "s3cret" {
		t.Errorf("command: %q, %v; want the first line", got, err)
	}
	got, err = Profile{ClientSecretEnv: "LAB_SECRET"}.Secret(ctx, env(map[string]string{"LAB_SECRET": " x "}))
	if err != nil || got != "x" {
		t.Errorf("env: %q, %v", got, err)
	}
	if _, err := (Profile{ClientSecretEnv: "LAB_SECRET"}).Secret(ctx, env(nil)); err == nil || !strings.Contains(err.Error(), "LAB_SECRET is empty or unset") {
		t.Errorf("unset env: %v", err)
	}
	secretFile := write(t, "leaked-secret\n")
	_, err = Profile{ClientSecretCommand: "cat " + secretFile + "; echo oops >&2; exit 3"}.Secret(ctx, env(nil))
	if err == nil || !strings.Contains(err.Error(), "oops") || strings.Contains(err.Error(), "leaked-secret") {
		t.Errorf("failing command: %v; want its stderr and not its output", err)
	}
	if got, err := (Profile{}).Secret(ctx, env(nil)); got != "" || err != nil {
		t.Errorf("no source: %q, %v", got, err)
	}
}
