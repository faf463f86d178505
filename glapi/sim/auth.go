package sim

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// tokenPath is the OAuth2 token endpoint.
const tokenPath = "/as/token.oauth2"

// handleToken answers the client credentials grant: client id and secret
// in the form body or in HTTP Basic auth.
func (s *Sim) handleToken(r *http.Request, body []byte) response {
	if r.Method != http.MethodPost {
		return jsonResp(http.StatusMethodNotAllowed, obj{"error": "invalid_request", "error_description": "use POST"}).with("Allow", "POST")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return jsonResp(http.StatusBadRequest, obj{"error": "invalid_request", "error_description": "malformed form body"})
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	if gt := form.Get("grant_type"); gt != "client_credentials" {
		return jsonResp(http.StatusBadRequest, obj{"error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials"})
	}
	if !s.validClient(id, secret) {
		return jsonResp(http.StatusUnauthorized, obj{"error": "invalid_client", "error_description": "Invalid client or client credentials"}).
			with("WWW-Authenticate", `Basic realm="token"`)
	}
	tok := s.newAccessToken(id)
	s.tokens[tok] = s.tokenClock.Now().Add(s.tokenTTL)
	s.tokenOwner[tok] = id
	return jsonResp(http.StatusOK, obj{
		"access_token": tok,
		"token_type":   "Bearer",
		"expires_in":   int(s.tokenTTL / time.Second),
	}).with("Cache-Control", "no-store")
}

// validClient reports whether id and secret are the configured client or
// a credential created through the workspaces API. Callers hold s.mu.
func (s *Sim) validClient(id, secret string) bool {
	if id == "" || secret == "" {
		return false
	}
	if id == s.clientID && secret == s.clientSecret {
		return true
	}
	if c, ok := s.clients[id]; ok && c.Secret == secret {
		return true
	}
	if sec, ok := s.st.secrets[id]; ok && sec == secret && id != s.clientID {
		return true
	}
	return false
}

// checkBearer returns an empty message when the request carries a valid,
// unexpired bearer token, else why not. Callers hold s.mu.
func (s *Sim) checkBearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "Missing Authorization header with a bearer token"
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "Authorization header must be a bearer token"
	}
	exp, ok := s.tokens[tok]
	if !ok {
		return "Invalid bearer token"
	}
	if !s.tokenClock.Now().Before(exp) {
		return "Bearer token has expired"
	}
	return ""
}
