package replay

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"glrun/clock"
	"glrun/glapi"
)

// TestCassetteHoldsNoEchoedSecretOrFormToken: a cassette never holds the
// client secret or a token, also when the token endpoint answers in
// application/x-www-form-urlencoded or text/plain (as oauth2 accepts), when
// it echoes the secret in an error_description, or when the API echoes the
// secret and the token in an error message.
func TestCassetteHoldsNoEchoedSecretOrFormToken(t *testing.T) {
	const (
		secret = "cassette-secret-0123456789"
		token  = "tok-form-abcdef0123456789"
		idTok  = "idtok-form-abcdef0123456789"
		refTok = "reftok-form-abcdef0123456789"
	)
	tests := []struct {
		name       string
		tokenCT    string // content type of the token answer; "" for a 401
		scrubWired bool   // the recorder knows the client's Scrubber
	}{
		{"form-encoded token answer", "application/x-www-form-urlencoded", true},
		{"text/plain token answer", "text/plain; charset=utf-8", true},
		{"form-encoded token answer, no scrubber", "application/x-www-form-urlencoded", false},
		{"JSON token answer", "application/json", true},
		{"401 echoing the secret", "", true},
		{"401 echoing the secret, no scrubber", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/as/token.oauth2" {
					_ = r.ParseForm()
					_, got, ok := r.BasicAuth()
					if !ok {
						got = r.PostForm.Get("client_secret")
					}
					switch {
					case tt.tokenCT == "":
						w.Header().Set("Content-Type", "application/json")
						w.WriteHeader(401)
						_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"secret ` + got + ` refused"}`))
					case strings.HasPrefix(tt.tokenCT, "application/json"):
						w.Header().Set("Content-Type", tt.tokenCT)
						_, _ = w.Write([]byte(`{"access_token":"` + token + `","id_token":"` + idTok + `","refresh_token":"` + refTok + `","token_type":"Bearer","expires_in":3600}`))
					default:
						w.Header().Set("Content-Type", tt.tokenCT)
						_, _ = w.Write([]byte("access_token=" + token + "&id_token=" + idTok + "&refresh_token=" + refTok + "&token_type=bearer&expires_in=3600"))
					}
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(400)
				_, _ = w.Write([]byte(`{"message":"you sent ` + r.Header.Get("Authorization") + ` with secret ` + secret + `"}`))
			}))
			t.Cleanup(srv.Close)
			path := filepath.Join(t.TempDir(), "c.yaml")
			rec, err := Record(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			c, err := glapi.New(glapi.Config{BaseURL: srv.URL, ClientID: "cassette-client", ClientSecret: glapi.NewSecret(secret),
				Transport: rec, Clock: clock.NewVirtual(start), RetryMax: -1})
			if err != nil {
				t.Fatal(err)
			}
			if tt.scrubWired {
				rec.ScrubWith(c.Scrubber())
			}
			_, getErr := c.Jobs.Get(context.Background(), "j1")
			if getErr == nil {
				t.Fatal("Get succeeded")
			}
			if err := rec.Stop(); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, leak := range []string{secret, token, idTok, refTok} {
				if strings.Contains(string(b), leak) {
					t.Errorf("the cassette holds %q:\n%s", leak, b)
				}
			}
			if strings.Contains(getErr.Error(), secret) || strings.Contains(getErr.Error(), token) {
				t.Errorf("the error holds a secret: %v", getErr)
			}
		})
	}
}
