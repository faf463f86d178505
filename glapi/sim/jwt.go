package sim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
)

// DemoWorkspaceID is the id of the simulator's workspace unless
// Options.WorkspaceID names another.
const DemoWorkspaceID = "7d3e6f1a9b2c4d5e8f0a1b2c3d4e5f60"

// tokenIssuer is the iss claim of the simulator's access tokens.
const tokenIssuer = "https://sso.common.cloud.hpe.com"

// newAccessToken returns an access token for the API client id, shaped as
// GreenLake's are: a JWT whose claims name the client and the workspace it
// acts in (hpe_workspace_id), so that a client can tell which workspace a
// token is for without another request. Its signature is random bytes: the
// simulator knows its tokens by value, and nobody can forge one it did not
// hand out (the jti and the signature are unguessable). Callers hold s.mu.
func (s *Sim) newAccessToken(clientID string) string {
	now := s.tokenClock.Now()
	claims := map[string]any{
		"iss":                tokenIssuer,
		"sub":                clientID,
		"client_id":          clientID,
		"aud":                "external_api",
		"iat":                now.Unix(),
		"nbf":                now.Unix(),
		"exp":                now.Add(s.tokenTTL).Unix(),
		"jti":                randomPart(16),
		"hpe_principal_type": "api-client",
		"hpe_workspace_id":   s.st.plat.workspaceID,
	}
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "glrun-sim"})
	payload, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(header) + "." + enc.EncodeToString(payload) + "." + randomPart(32)
}

// randomPart is n random bytes, base64url-encoded.
func randomPart(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// WorkspaceID returns the id of the simulator's workspace: the
// hpe_workspace_id of the tokens it issues.
func (s *Sim) WorkspaceID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.plat.workspaceID
}
