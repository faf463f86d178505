package replay

import (
	"net/http"
	"net/url"
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
