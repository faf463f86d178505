package glapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
)

// ClaimWorkspaceID is the claim of a GreenLake access token (a JWT) that
// names the workspace the token acts in.
const ClaimWorkspaceID = "hpe_workspace_id"

// Workspace returns the id of the workspace the client's credentials act
// in: the hpe_workspace_id claim of its access token, fetching a token when
// it has none (a token request, never an API call: it goes through no
// Mode). It is "" with a nil error when the token is not a JWT or names no
// workspace. The token is decoded without verifying its signature, only to
// read that claim (the API verifies it on every call), and is never logged.
func (c *Client) Workspace(ctx context.Context) (string, error) {
	tok, err := c.auth.get(ctx, nil)
	if err != nil {
		return "", c.scrub.Error(err)
	}
	return WorkspaceClaim(tok.AccessToken), nil
}

// WorkspaceClaim returns the hpe_workspace_id claim of a JWT, or "" when
// token is not a JWT or has no such claim. The signature is not verified.
func WorkspaceClaim(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var claims map[string]any
	if json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	id, _ := claims[ClaimWorkspaceID].(string)
	return id
}
