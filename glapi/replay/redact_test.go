package replay

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

func TestRedactInteraction(t *testing.T) {
	const secret = "s3cr3t-value-123456"
	tests := []struct {
		name    string
		in      cassette.Interaction
		mustNot []string
		must    []string
	}{
		{
			name: "bearer header",
			in: cassette.Interaction{Request: cassette.Request{
				Method: "GET", URL: "http://h/compute-ops-mgmt/v1/jobs",
				Headers: http.Header{"Authorization": {"Bearer " + secret}},
			}},
			mustNot: []string{secret, "Bearer"},
		},
		{
			name: "token request form and answer",
			in: cassette.Interaction{
				Request: cassette.Request{
					Method: "POST", URL: "http://h/as/token.oauth2",
					Headers: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
					Body:    "client_id=abc&client_secret=" + secret + "&grant_type=client_credentials",
					Form:    url.Values{"client_secret": {secret}, "grant_type": {"client_credentials"}},
				},
				Response: cassette.Response{
					Headers: http.Header{"Content-Type": {"application/json"}},
					Body:    `{"access_token":"tok-abcdefghijkl","token_type":"Bearer","expires_in":7199}`,
				},
			},
			mustNot: []string{secret, "tok-abcdefghijkl"},
			must:    []string{"grant_type=client_credentials", `"expires_in":7199`, `"access_token":"<redacted>"`},
		},
		{
			name: "credential answer with a nested secret, echoed elsewhere",
			in: cassette.Interaction{
				Request: cassette.Request{Method: "POST", URL: "http://h/workspaces/v1/credentials"},
				Response: cassette.Response{
					Headers: http.Header{"Content-Type": {"application/json"}, "X-Echo": {secret}},
					Body:    `{"credentialName":"ci","clientSecret":"` + secret + `","nested":{"password":"hunter2hunter2"}}`,
				},
			},
			mustNot: []string{secret, "hunter2hunter2"},
			must:    []string{`"credentialName":"ci"`},
		},
		{
			name: "ordinary fields are kept",
			in: cassette.Interaction{
				Request: cassette.Request{Method: "GET", URL: "http://h/compute-ops-mgmt/v1/servers"},
				Response: cassette.Response{
					Headers: http.Header{"Content-Type": {"application/json"}},
					Body:    `{"items":[{"id":"s1","name":"prod-web-01"}],"count":1}`,
				},
			},
			must: []string{`{"items":[{"id":"s1","name":"prod-web-01"}],"count":1}`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := tt.in
			if i.Request.Headers == nil {
				i.Request.Headers = http.Header{}
			}
			if i.Response.Headers == nil {
				i.Response.Headers = http.Header{}
			}
			redactInteraction(&i)
			all := dump(i)
			for _, bad := range tt.mustNot {
				if strings.Contains(all, bad) {
					t.Errorf("%q survived redaction:\n%s", bad, all)
				}
			}
			for _, good := range tt.must {
				if !strings.Contains(all, good) {
					t.Errorf("%q missing after redaction:\n%s", good, all)
				}
			}
		})
	}
}

func dump(i cassette.Interaction) string {
	var b strings.Builder
	b.WriteString(i.Request.URL + "\n" + i.Request.Body + "\n" + i.Response.Body + "\n")
	for _, h := range []http.Header{i.Request.Headers, i.Response.Headers} {
		for k, vs := range h {
			b.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
		}
	}
	for k, vs := range i.Request.Form {
		b.WriteString(k + "=" + strings.Join(vs, ",") + "\n")
	}
	return b.String()
}

// mayHoldSecretKey lets redaction skip decoding a body only when no key
// in it can be a secret's, however the key is written.
func TestMayHoldSecretKey(t *testing.T) {
	tests := []struct {
		name string
		body string
		want bool
	}{
		{"a page of jobs", `{"items":[{"id":"j1","state":"RUNNING","resource":{"id":"s1"}}],"count":1}`, false},
		{"snake case", `{"client_secret":"x"}`, true},
		{"camel case", `{"clientSecret":"x"}`, true},
		{"kebab and capitals", `{"Private-Key":"x"}`, true},
		{"a token field", `{"id_token":"x"}`, true},
		{"an api key", `{"api_key":"x"}`, true},
		{"a password suffix", `{"adminPassword":"x"}`, true},
		{"a letter escaped", `{"\u0073ecret":"x"}`, true},
		{"a Kelvin sign for the k", "{\"api\u212aey\":\"x\"}", true},
		{"the word in a value only", `{"note":"rotate the secret"}`, true}, // decoded to be sure
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mayHoldSecretKey(tt.body); got != tt.want {
				t.Errorf("mayHoldSecretKey(%s) = %v, want %v", tt.body, got, tt.want)
			}
			// Never a secret field that decoding would find and the
			// pre-scan would miss.
			var found []string
			if out := redactBody(tt.body, "application/json", &found); !tt.want && out != tt.body {
				t.Errorf("redactBody changed a body without secret fields: %s", out)
			}
		})
	}
}

// Escaped or disguised secret keys are still redacted.
func TestRedactBodyFindsDisguisedKeys(t *testing.T) {
	for _, body := range []string{
		`{"\u0073ecret":"abcdefgh1234"}`,
		"{\"api\u212aey\":\"abcdefgh1234\"}",
		`{"data":[{"Client-Secret":"abcdefgh1234"}]}`,
	} {
		var found []string
		out := redactBody(body, "application/json", &found)
		if strings.Contains(out, "abcdefgh1234") || len(found) != 1 {
			t.Errorf("redactBody(%s) = %s, found %q: the secret stayed", body, out, found)
		}
	}
}

// BenchmarkRedactJobsPage is redaction of a page of 1,000 jobs, which
// holds no secret field: the journal does it for every page a run reads.
func BenchmarkRedactJobsPage(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"items":[`)
	for i := range 1000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"id":"3a2f0c1e-0000-4000-8000-00000000` + strconv.Itoa(1000+i) + `","state":"COMPLETE","resultCode":"SUCCESS","jobTemplate":"30110551-cad6-4069-95b8-dbce9bbd8525","resource":{"id":"P0001","type":"compute-ops-mgmt/server"},"createdAt":"2026-12-03T10:00:00Z","updatedAt":"2026-12-03T10:01:33Z"}`)
	}
	sb.WriteString(`],"count":1000,"offset":0,"total":100000`)
	page := sb.String()
	for _, bc := range []struct{ name, body string }{
		{"page", page + "}"},
		// The same page with the word in a value: the pre-scan cannot
		// rule a secret field out, and the page is decoded as before.
		{"page decoded", page + `,"note":"no token here"}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.body)))
			for b.Loop() {
				var found []string
				_ = redactBody(bc.body, "application/json", &found)
			}
		})
	}
}
