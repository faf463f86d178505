package glapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// ErrOutcomeUnknown is wrapped by the error of a POST or PATCH whose fate is
// unknown: the request was sent, then the connection broke or the server
// answered 500, 502 or 504. Such a request is never sent again
// automatically; check whether it took effect before retrying it.
var ErrOutcomeUnknown = errors.New("outcome unknown: the request may or may not have taken effect; check before retrying")

// APIError is an error answer from GreenLake.
type APIError struct {
	Method     string // request method
	Path       string // request path (no query)
	StatusCode int
	ErrorCode  string // the body's errorCode, if any
	Message    string // the body's message, if any
	DebugID    string // the body's debugId, if any
}

// Error reads like
// "GET /compute-ops-mgmt/v1/jobs/x: 404 Not Found: message (errorCode E, debugId D)".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	var extra []string
	if e.ErrorCode != "" {
		extra = append(extra, "errorCode "+e.ErrorCode)
	}
	if e.DebugID != "" {
		extra = append(extra, "debugId "+e.DebugID)
	}
	if len(extra) > 0 {
		b.WriteString(" (" + strings.Join(extra, ", ") + ")")
	}
	return b.String()
}

// errorBody is the union of the error shapes of COM (errorResponse), identity
// and workspaces (StandardErrorResponse), plus the "detail" of validation
// errors.
type errorBody struct {
	ErrorCode    string            `json:"errorCode"`
	Message      string            `json:"message"`
	DebugID      string            `json:"debugId"`
	Detail       json.RawMessage   `json:"detail"`
	ErrorDetails []errorDetailBody `json:"errorDetails"`
}

type errorDetailBody struct {
	Type              string      `json:"type"`
	RetryAfterSeconds json.Number `json:"retryAfterSeconds"`
}

// maxErrorSnippet bounds how much of a non-JSON error body is quoted.
const maxErrorSnippet = 200

// newAPIError builds the APIError for a non-2xx answer whose body is body.
func newAPIError(method, path string, status int, body []byte) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: status}
	var eb errorBody
	if err := json.Unmarshal(body, &eb); err == nil {
		e.ErrorCode, e.Message, e.DebugID = eb.ErrorCode, eb.Message, eb.DebugID
		if e.Message == "" && len(eb.Detail) > 0 {
			e.Message = detailText(eb.Detail)
		}
		return e
	}
	e.Message = snippet(body)
	return e
}

// detailText renders a "detail" field: a string, or compact JSON.
func detailText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) == nil {
		return snippet(buf.Bytes())
	}
	return ""
}

// snippet returns the start of a non-JSON body as one line of text.
func snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > maxErrorSnippet {
		s = s[:maxErrorSnippet]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "..."
	}
	return s
}

// FilterError is returned, before anything is sent, when a list filter does
// not parse or names a property the endpoint cannot filter by.
type FilterError struct {
	Resource string // the endpoint's resource name, e.g. "jobs"
	Filter   string // the filter as given
	Err      error  // the parse or validation error
}

// Error names the resource and carries the parser's explanation.
func (e *FilterError) Error() string {
	return fmt.Sprintf("invalid filter for %s: %v", e.Resource, e.Err)
}

// Unwrap returns the parse or validation error.
func (e *FilterError) Unwrap() error { return e.Err }

// TokenError is a failure to get an access token from the token endpoint.
// It never contains the client secret.
type TokenError struct {
	TokenURL    string
	StatusCode  int    // 0 when the endpoint was not reached
	Code        string // the OAuth2 "error" field, if any
	Description string // the OAuth2 "error_description" field, if any
	// Redirect is where the endpoint redirected the token request to; a
	// redirect is never followed (it would carry the secret elsewhere).
	Redirect string
	Err      error // the underlying error
}

// Error describes what the token endpoint said.
func (e *TokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "getting a GreenLake access token from %s", e.TokenURL)
	if e.StatusCode == 0 || e.Redirect != "" {
		fmt.Fprintf(&b, ": %v", e.Err)
		return b.String()
	}
	fmt.Fprintf(&b, ": %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Description != "" {
		b.WriteString(" (" + e.Description + ")")
	}
	if e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusBadRequest {
		b.WriteString("; check the client id and secret")
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *TokenError) Unwrap() error { return e.Err }

// temporary reports whether asking again may help.
func (e *TokenError) temporary() bool {
	if e.Redirect != "" {
		return false
	}
	return e.StatusCode == 0 || e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}
