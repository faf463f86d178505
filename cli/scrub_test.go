package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHostileTokenEndpointEchoesNoSecret: a token endpoint that echoes the
// client secret back in its error (in a JSON error_description, in a plain
// text body, JSON-escaped, URL-encoded, in a server error that is retried)
// gets it into none of glrun's output: stderr (logs at -v, the error, the
// report) and -o json hold no form of it.
func TestHostileTokenEndpointEchoesNoSecret(t *testing.T) {
	t.Parallel()
	const id = "5f0c3b9e-7a1d-4e2b-9c8f-31d4a6b2e7c0"
	const secret = `s3cr3t<&>"q"\x-0123456789`
	echo := []struct {
		name   string
		status int
		ctype  string
		body   func(sent string) string
	}{
		{"json description", 401, "application/json", func(s string) string {
			b, _ := json.Marshal(map[string]string{"error": "invalid_client", "error_description": "secret " + s + " is wrong"})
			return string(b)
		}},
		{"json error code", 400, "application/json", func(s string) string {
			b, _ := json.Marshal(map[string]string{"error": s})
			return string(b)
		}},
		{"plain text", 401, "text/plain", func(s string) string { return "bad client secret: " + s }},
		{"url-encoded", 401, "text/plain", func(s string) string { return "client_secret=" + url.QueryEscape(s) }},
		{"json-escaped in text", 401, "text/plain", func(s string) string {
			b, _ := json.Marshal(s)
			return "rejected " + string(b)
		}},
	}
	rb := readRunbook(t)
	for _, e := range echo {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_ = r.ParseForm()
				sent := r.PostForm.Get("client_secret")
				if _, pw, ok := r.BasicAuth(); ok {
					sent, _ = url.QueryUnescape(pw)
				}
				w.Header().Set("Content-Type", e.ctype)
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(e.status)
				fmt.Fprint(w, e.body(sent))
			}))
			t.Cleanup(srv.Close)
			env := map[string]string{"GREENLAKE_CLIENT_ID": id, "GREENLAKE_CLIENT_SECRET": secret, "XDG_CONFIG_HOME": t.TempDir()}
			getenv := func(k string) string { return env[k] }
			for _, args := range [][]string{
				{"run", "-v", "--base-url", srv.URL, rb},
				{"run", "-v", "-o", "json", "--base-url", srv.URL, rb},
				{"run", "-v", "--log-format", "json", "-o", "json", "--base-url", srv.URL, rb},
				{"plan", "-v", "--base-url", srv.URL, rb},
			} {
				r := glrunEnv(t, nil, getenv, args...)
				if r.code == 0 {
					t.Fatalf("%v: a refused token should fail the run\n%s", args, r.stderr)
				}
				out := r.stdout + r.stderr
				for _, form := range secretForms(secret) {
					if strings.Contains(out, form) {
						t.Errorf("%v: the output holds the secret (as %q):\nstdout:\n%s\nstderr:\n%s", args, form, r.stdout, r.stderr)
					}
				}
				if e.ctype == "application/json" && !strings.Contains(out, "<redacted>") {
					t.Errorf("%v: the echoed secret should read <redacted>:\n%s%s", args, r.stdout, r.stderr)
				}
			}
		})
	}
}

// secretForms are the ways a secret can be written out: as is, URL-encoded,
// JSON-escaped (with and without HTML escaping).
func secretForms(s string) []string {
	b, _ := json.Marshal(s)
	var html strings.Builder
	enc := json.NewEncoder(&html)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return []string{s, url.QueryEscape(s), url.PathEscape(s),
		strings.Trim(string(b), `"`), strings.Trim(strings.TrimSpace(html.String()), `"`)}
}

// TestHostileAnswersEchoNoSecret: a server that hands out a token and then
// echoes the bearer token and the client secret in its answers (a server's
// name) gets neither into glrun's output, though the runbook logs it,
// prints it, returns it and fails with it: logs, print(), the error, the
// run report and -o json are written through the client's Scrubber.
func TestHostileAnswersEchoNoSecret(t *testing.T) {
	t.Parallel()
	const id = "5f0c3b9e-7a1d-4e2b-9c8f-31d4a6b2e7c0"
	const secret = `hostile-<secret>&"echo"-0123456789`
	const token = "hostile-token-5b1f0c9e7d2a4e3b8c6f"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/as/token.oauth2" {
			fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":7200}`, token)
			return
		}
		name := "srv " + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") + " " + secret
		b, _ := json.Marshal(map[string]any{"items": []any{map[string]any{"id": "s1", "name": name, "type": "compute-ops-mgmt/server", "resourceUri": "/compute-ops-mgmt/v1/servers/s1"}},
			"count": 1, "total": 1, "offset": 0})
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	t.Run("plan", func(t *testing.T) { planEchoingServer(t, srv.URL, id, secret, token) })
	rb := filepath.Join(t.TempDir(), "echo.star")
	src := "\"\"\"Repeat what the server said.\"\"\"\n\ndef main(fail_too = False):\n    \"\"\"Echo.\"\"\"\n" +
		"    name = compute.servers.list()[0].name\n    log.info(\"got \" + name, name = name)\n    print(name)\n" +
		"    if fail_too:\n        fail(\"failing with \" + name)\n    return {\"name\": name}\n"
	if err := os.WriteFile(rb, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GREENLAKE_CLIENT_ID": id, "GREENLAKE_CLIENT_SECRET": secret, "XDG_CONFIG_HOME": t.TempDir()}
	getenv := func(k string) string { return env[k] }
	for _, args := range [][]string{
		{"run", "-v", "--base-url", srv.URL, rb},
		{"run", "-v", "-o", "json", "--base-url", srv.URL, rb},
		{"run", "-v", "--log-format", "json", "-o", "json", "--base-url", srv.URL, rb},
		{"run", "-v", "-o", "json", "--base-url", srv.URL, rb, "fail_too=true"},
		{"run", "-v", "--base-url", srv.URL, rb, "fail_too=true"},
	} {
		r := glrunEnv(t, nil, getenv, args...)
		out := r.stdout + r.stderr
		if !strings.Contains(out, "srv <redacted> <redacted>") {
			t.Errorf("%v: the echoed token and secret should read <redacted>:\n%s", args, out)
		}
		for _, form := range append(secretForms(secret), token) {
			if strings.Contains(out, form) {
				t.Errorf("%v: the output holds a secret (as %q):\nstdout:\n%s\nstderr:\n%s", args, form, r.stdout, r.stderr)
			}
		}
	}
}

// planEchoingServer plans a restart of the server whose name echoes the
// token and the secret: the plan file, its rendering and 'glrun show' hold
// neither, and the plan is still consistent (show accepts it).
func planEchoingServer(t *testing.T, base, id, secret, token string) {
	rb := filepath.Join(t.TempDir(), "restart.star")
	src := "\"\"\"Restart the first server.\"\"\"\n\ndef main():\n    \"\"\"Restart.\"\"\"\n" +
		"    s = compute.servers.list()[0]\n    compute.jobs.create(\"restart\", s)\n"
	if err := os.WriteFile(rb, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GREENLAKE_CLIENT_ID": id, "GREENLAKE_CLIENT_SECRET": secret, "XDG_CONFIG_HOME": t.TempDir()}
	getenv := func(k string) string { return env[k] }
	out := filepath.Join(t.TempDir(), "p.json")
	r := glrunEnv(t, nil, getenv, "plan", "--base-url", base, rb, "--out", out)
	if r.code != 0 {
		t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
	}
	file, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	show := glrunEnv(t, nil, getenv, "show", out)
	if show.code != 0 {
		t.Fatalf("show of the scrubbed plan: exit %d\n%s", show.code, show.stderr)
	}
	if !strings.Contains(show.stdout, "restart server srv <redacted> <redacted>") {
		t.Errorf("the description should name the server with the echo redacted:\n%s", show.stdout)
	}
	for where, text := range map[string]string{"plan file": string(file), "plan output": r.stdout + r.stderr, "show": show.stdout + show.stderr} {
		for _, form := range append(secretForms(secret), token) {
			if strings.Contains(text, form) {
				t.Errorf("%s holds a secret (as %q):\n%s", where, form, text)
			}
		}
	}
}
