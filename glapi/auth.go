package glapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// authTransport adds a bearer token, fetched with the client-credentials
// grant through the same base transport, to every request. The token is
// fetched once and reused until it expires; an API answer of 401 drops it
// and the request is sent once more with a fresh one (a 401 means the
// request was not processed, so this is safe for every method).
type authTransport struct {
	conf *clientcredentials.Config
	base http.RoundTripper

	scrub *Scrubber // learns every token received

	mu    sync.Mutex
	token *oauth2.Token
}

func newAuthTransport(cfg Config, tokenURL string, base http.RoundTripper, scrub *Scrubber) *authTransport {
	return &authTransport{
		scrub: scrub,
		conf: &clientcredentials.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret.Reveal(),
			TokenURL:     tokenURL,
		},
		base: base,
	}
}

// RoundTrip sends req with an Authorization header.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.get(req.Context(), nil)
	if err != nil {
		closeBody(req)
		return nil, err
	}
	resp, err := t.base.RoundTrip(withToken(req, tok))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	retry, ok := rewind(req)
	if !ok {
		return resp, nil
	}
	tok, err = t.get(req.Context(), tok)
	if err != nil {
		return resp, nil // keep the API's own 401 answer
	}
	drain(resp)
	return t.base.RoundTrip(withToken(retry, tok))
}

// get returns the cached token, fetching a new one when there is none, it
// has expired, or it is stale (the one the API just refused).
func (t *authTransport) get(ctx context.Context, stale *oauth2.Token) (*oauth2.Token, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token.Valid() && (stale == nil || t.token.AccessToken != stale.AccessToken) {
		return t.token, nil
	}
	// The token request is not the API call whose context it borrows.
	ctx = WithCall(ctx, Call{Method: http.MethodPost, Mutates: false, Token: true})
	ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Transport: t.base, CheckRedirect: refuseRedirect})
	tok, err := t.conf.Token(ctx)
	if err != nil {
		return nil, tokenError(t.conf.TokenURL, err, t.scrub)
	}
	t.scrub.Add(tokenValues(tok)...)
	t.token = tok
	return tok, nil
}

// redirectError is a redirect answer to the token request, which is never
// followed: the request carries the client secret, and following would
// hand it to whatever host the answer names.
type redirectError struct {
	status   int
	location string
}

func (e *redirectError) Error() string {
	return fmt.Sprintf("the token endpoint answered %d %s, redirecting to %s; not followed, so the client secret is not sent there (if that is the right token endpoint, set --token-url or %s to it)",
		e.status, http.StatusText(e.status), e.location, EnvTokenURL)
}

// refuseRedirect is the token client's CheckRedirect: it refuses every
// redirect, saying where it pointed.
func refuseRedirect(req *http.Request, via []*http.Request) error {
	e := &redirectError{location: req.URL.Redacted()}
	if req.Response != nil {
		e.status = req.Response.StatusCode
	}
	return e
}

// tokenValues are the secrets of a token answer: the access, refresh and id
// tokens.
func tokenValues(tok *oauth2.Token) []string {
	v := []string{tok.AccessToken, tok.RefreshToken}
	if id, ok := tok.Extra("id_token").(string); ok {
		v = append(v, id)
	}
	return v
}

// tokenError converts an oauth2 error into a TokenError with no secret in
// it: the endpoint's error_description, error code and body are scrubbed of
// the client secret by value (an endpoint may echo what it was sent).
func tokenError(tokenURL string, err error, scrub *Scrubber) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		re.Body = scrub.Bytes(re.Body)
		re.ErrorCode = scrub.String(re.ErrorCode)
		re.ErrorDescription = scrub.String(re.ErrorDescription)
		re.ErrorURI = scrub.String(re.ErrorURI)
	}
	err = scrub.Error(err)
	te := &TokenError{TokenURL: tokenURL, Err: err}
	var redir *redirectError
	if errors.As(err, &redir) {
		te.StatusCode, te.Redirect, te.Err = redir.status, redir.location, redir
		return te
	}
	if errors.As(err, &re) {
		if re.Response != nil {
			te.StatusCode = re.Response.StatusCode
		}
		te.Code, te.Description = re.ErrorCode, re.ErrorDescription
	}
	return te
}

// withToken returns a shallow copy of req carrying tok.
func withToken(req *http.Request, tok *oauth2.Token) *http.Request {
	r := req.Clone(req.Context())
	r.Body = req.Body
	tok.SetAuthHeader(r)
	return r
}

// rewind returns a copy of req with a fresh body, if it can be made.
func rewind(req *http.Request) (*http.Request, bool) {
	if req.Body == nil || req.Body == http.NoBody {
		return req.Clone(req.Context()), true
	}
	if req.GetBody == nil {
		return nil, false
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, false
	}
	r := req.Clone(req.Context())
	r.Body = body
	return r, true
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
