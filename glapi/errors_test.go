package glapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAPIErrors: the error shapes of COM, identity and workspaces become
// APIError fields, and Error() reads as one line naming the request.
func TestAPIErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		call   func(c *Client) error
		want   APIError
		text   string
	}{
		{"COM 404", 404,
			`{"httpStatusCode":404,"errorCode":"HPE_GL_COMPUTE_OPS_NOT_FOUND","message":"Job not found","debugId":"dbg-1"}`,
			func(c *Client) error { _, err := c.Jobs.Get(context.Background(), "x"); return err },
			APIError{"GET", "/compute-ops-mgmt/v1/jobs/x", 404, "HPE_GL_COMPUTE_OPS_NOT_FOUND", "Job not found", "dbg-1"},
			"GET /compute-ops-mgmt/v1/jobs/x: 404 Not Found: Job not found (errorCode HPE_GL_COMPUTE_OPS_NOT_FOUND, debugId dbg-1)"},
		{"identity 422", 422,
			`{"httpStatusCode":422,"errorCode":"HPE_GL_IDENTITY_UNPROCESSABLE","message":"bad language","debugId":"dbg-2"}`,
			func(c *Client) error {
				lang := "xx"
				_, err := c.Users.Update(context.Background(), "u1", UserUpdate{Language: &lang})
				return err
			},
			APIError{"PUT", "/identity/v1/users/u1", 422, "HPE_GL_IDENTITY_UNPROCESSABLE", "bad language", "dbg-2"},
			"PUT /identity/v1/users/u1: 422 Unprocessable Entity: bad language (errorCode HPE_GL_IDENTITY_UNPROCESSABLE, debugId dbg-2)"},
		{"workspaces 409", 409,
			`{"debugId":"d67806f0","errorCode":"HPE_GL_WORKSPACES_UNABLE_CREATE_CREDENTIALS","httpStatusCode":409,"message":"Credential name already created."}`,
			func(c *Client) error {
				_, err := c.Credentials.Create(context.Background(), CredentialCreate{CredentialName: "dup"})
				return err
			},
			APIError{"POST", "/workspaces/v1/credentials", 409, "HPE_GL_WORKSPACES_UNABLE_CREATE_CREDENTIALS", "Credential name already created.", "d67806f0"},
			"POST /workspaces/v1/credentials: 409 Conflict: Credential name already created. (errorCode HPE_GL_WORKSPACES_UNABLE_CREATE_CREDENTIALS, debugId d67806f0)"},
		{"validation detail", 400, `{"detail":"limit must be <= 600"}`,
			func(c *Client) error { return c.Users.Delete(context.Background(), "u2") },
			APIError{"DELETE", "/identity/v1/users/u2", 400, "", "limit must be <= 600", ""},
			"DELETE /identity/v1/users/u2: 400 Bad Request: limit must be <= 600"},
		{"non-JSON body", 403, "<html>\n  forbidden\n</html>",
			func(c *Client) error { _, err := c.Servers.Get(context.Background(), "s"); return err },
			APIError{"GET", "/compute-ops-mgmt/v1/servers/s", 403, "", "<html> forbidden </html>", ""},
			"GET /compute-ops-mgmt/v1/servers/s: 403 Forbidden: <html> forbidden </html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			err := tt.call(testClient(t, f, newRecClock(), nil))
			var got *APIError
			if !errors.As(err, &got) {
				t.Fatalf("err = %v, want an APIError", err)
			}
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("APIError (-want +got):\n%s", diff)
			}
			if err.Error() != tt.text {
				t.Errorf("Error() = %q\nwant      %q", err.Error(), tt.text)
			}
		})
	}
}

// TestMalformedJSON: a truncated or malformed answer is an error naming
// the endpoint, never a panic, for single objects and list pages.
func TestMalformedJSON(t *testing.T) {
	for _, body := range []string{`{"id": "x", "state": `, `not json`, ``, `{"items": [{"id": 1}, ]}`} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(body))
		})
		c := testClient(t, f, newRecClock(), nil)
		_, err := c.Jobs.Get(context.Background(), "x")
		if err == nil || !strings.Contains(err.Error(), "GET /compute-ops-mgmt/v1/jobs/x: decoding the answer") {
			t.Errorf("body %q: err = %v, want a decoding error naming the endpoint", body, err)
		}
		_, err = c.Servers.List(context.Background(), ListOptions{})
		if err == nil || !strings.Contains(err.Error(), "GET /compute-ops-mgmt/v1/servers: decoding the answer") {
			t.Errorf("body %q: err = %v, want a decoding error naming the endpoint", body, err)
		}
	}
}
