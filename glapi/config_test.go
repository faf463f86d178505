package glapi

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEndpointsFromConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		want    Endpoints
		wantErr string
	}{
		{"default region", Config{}, Endpoints{
			Compute: "https://us-west.api.greenlake.hpe.com", Global: "https://global.api.greenlake.hpe.com",
			Token: DefaultTokenURL}, ""},
		{"eu-central", Config{Region: "eu-central"}, Endpoints{
			Compute: "https://eu-central.api.greenlake.hpe.com", Global: "https://global.api.greenlake.hpe.com",
			Token: DefaultTokenURL}, ""},
		{"ap-northeast", Config{Region: "ap-northeast"}, Endpoints{
			Compute: "https://ap-northeast.api.greenlake.hpe.com", Global: "https://global.api.greenlake.hpe.com",
			Token: DefaultTokenURL}, ""},
		{"base URL sends everything to one host", Config{BaseURL: "http://127.0.0.1:8080/"}, Endpoints{
			Compute: "http://127.0.0.1:8080", Global: "http://127.0.0.1:8080",
			Token: "http://127.0.0.1:8080/as/token.oauth2"}, ""},
		{"token URL overrides", Config{BaseURL: "http://127.0.0.1:8080", TokenURL: "https://sso.example/t"}, Endpoints{
			Compute: "http://127.0.0.1:8080", Global: "http://127.0.0.1:8080", Token: "https://sso.example/t"}, ""},
		{"unknown region", Config{Region: "mars-1"}, Endpoints{},
			`unknown region "mars-1" (valid regions: us-west, eu-central, ap-northeast)`},
		{"relative base URL", Config{BaseURL: "localhost:8080"}, Endpoints{}, "must be an absolute http:// or https:// URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.ClientID, cfg.ClientSecret = "id", NewSecret("secret")
			c, err := New(cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrInvalidConfig) {
					t.Fatalf("err = %v, want ErrInvalidConfig containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, c.BaseURLs()); diff != "" {
				t.Errorf("endpoints (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMissingCredentials(t *testing.T) {
	for _, cfg := range []Config{{}, {ClientID: "id"}, {ClientSecret: NewSecret("s")}} {
		_, err := New(cfg)
		if !errors.Is(err, ErrNoCredentials) {
			t.Fatalf("err = %v, want ErrNoCredentials", err)
		}
		for _, want := range []string{"--client-id", "GREENLAKE_CLIENT_ID", "GREENLAKE_CLIENT_SECRET"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("message %q should mention %s", err, want)
			}
		}
	}
}

func TestApplyEnvFillsOnlyEmptyFields(t *testing.T) {
	env := map[string]string{
		"GREENLAKE_CLIENT_ID": "env-id", "GREENLAKE_CLIENT_SECRET": "env-secret",
		"GREENLAKE_REGION": "eu-central", "GREENLAKE_BASE_URL": "http://env",
		"GREENLAKE_TOKEN_URL": "http://env/token", "GREENLAKE_TENANT_ACID": "env-acid",
	}
	getenv := func(k string) string { return env[k] }

	var empty Config
	empty.ApplyEnv(getenv)
	if empty.ClientID != "env-id" || empty.ClientSecret.Reveal() != "env-secret" || empty.Region != "eu-central" ||
		empty.BaseURL != "http://env" || empty.TokenURL != "http://env/token" || empty.TenantACID != "env-acid" {
		t.Errorf("from env: %+v (secret %q)", empty, empty.ClientSecret.Reveal())
	}

	flags := Config{ClientID: "flag-id", ClientSecret: NewSecret("flag-secret"), Region: "us-west",
		BaseURL: "http://flag", TokenURL: "http://flag/token", TenantACID: "flag-acid"}
	flags.ApplyEnv(getenv)
	if flags.ClientID != "flag-id" || flags.ClientSecret.Reveal() != "flag-secret" || flags.Region != "us-west" ||
		flags.BaseURL != "http://flag" || flags.TokenURL != "http://flag/token" || flags.TenantACID != "flag-acid" {
		t.Errorf("flags must win: %+v", flags)
	}
}
