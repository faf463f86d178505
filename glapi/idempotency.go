package glapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Outcome checks: a POST whose fate is unknown (ErrOutcomeUnknown: the
// connection broke after sending, or the server answered 500, 502 or 504,
// or its 2xx answer could not be read) is never re-sent blindly. Where the
// API lets glrun find out whether it took effect, the *Checked methods ask:
// if the object is there it is adopted; if it is certainly absent the
// request is sent once more (and only once); either way a warning says so.

// createdSkew is how far before the moment of sending a created object's
// createdAt may lie (the server's clock may run behind ours).
const createdSkew = 2 * time.Minute

// CreateChecked is Create, except that when the outcome is unknown it looks
// for a job of the same template on the same resource created since just
// before the request was sent: found, that job is returned (the newest, if
// several); certainly absent, the request is sent once more. The error of
// the check, if any, is joined to the original error.
func (s *JobsService) CreateChecked(ctx context.Context, req JobCreate) (Object, error) {
	before := s.c.clock.Now().Add(-createdSkew)
	job, err := s.Create(ctx, req)
	if err == nil || !errors.Is(err, ErrOutcomeUnknown) {
		return job, err
	}
	what := "POST " + CollectionJobs
	filter := fmt.Sprintf("jobTemplate eq %s and resource/id eq %s and createdAt ge %s",
		quoteLit(req.JobTemplate), quoteLit(req.ResourceID), before.UTC().Format(time.RFC3339))
	found, cerr := s.List(withOutcomeCheck(ctx), ListOptions{Filter: filter})
	if cerr != nil {
		return nil, checkFailed(what, err, cerr)
	}
	if len(found) > 0 {
		newest := found[0]
		for _, j := range found[1:] {
			if j.String("createdAt") > newest.String("createdAt") {
				newest = j
			}
		}
		s.c.log.Warn("outcome of a job creation was unknown; found the job it created and adopted it",
			"endpoint", what, "job", newest.ID(), "resource", req.ResourceID, "error", err)
		return newest, nil
	}
	s.c.log.Warn("outcome of a job creation was unknown; no such job exists, so sending it once more",
		"endpoint", what, "resource", req.ResourceID, "error", err)
	return s.Create(ctx, req)
}

// InviteChecked is Invite, except that when the outcome is unknown it looks
// the user up by email: found, the invitation is taken as done (the result
// says so and has the user's resourceUri as Location); certainly absent,
// the invitation is sent once more.
func (s *UsersService) InviteChecked(ctx context.Context, email string, sendWelcomeEmail bool) (InviteResult, error) {
	res, err := s.Invite(ctx, email, sendWelcomeEmail)
	if err == nil || !errors.Is(err, ErrOutcomeUnknown) {
		return res, err
	}
	what := "POST " + CollectionUsers
	u, cerr := s.Find(withOutcomeCheck(ctx), email)
	if cerr != nil {
		return InviteResult{}, checkFailed(what, err, cerr)
	}
	if u != nil {
		s.c.log.Warn("outcome of an invitation was unknown; the user exists, so it took effect; adopted",
			"endpoint", what, "user", email, "error", err)
		return InviteResult{Message: "User invited (confirmed after an unknown outcome)", Location: u.String("resourceUri")}, nil
	}
	s.c.log.Warn("outcome of an invitation was unknown; the user does not exist, so sending it once more",
		"endpoint", what, "user", email, "error", err)
	return s.Invite(ctx, email, sendWelcomeEmail)
}

// CreateChecked is Create, except that when the outcome is unknown it looks
// for a credential of the same name (names are unique in a workspace):
// found, it is returned WITHOUT its clientSecret, which was lost with the
// answer and cannot be read again (reset the credential to get a new one);
// certainly absent, the request is sent once more.
func (s *CredentialsService) CreateChecked(ctx context.Context, c CredentialCreate) (Object, error) {
	cred, err := s.Create(ctx, c)
	if err == nil || !errors.Is(err, ErrOutcomeUnknown) {
		return cred, err
	}
	what := "POST " + CollectionCredentials
	var found Object
	cerr := s.ListFunc(withOutcomeCheck(ctx), ListOptions{}, func(o Object) error {
		if found == nil && o.String("credentialName") == c.CredentialName {
			found = o
		}
		return nil
	})
	if cerr != nil {
		return nil, checkFailed(what, err, cerr)
	}
	if found != nil {
		s.c.log.Warn("outcome of a credential creation was unknown; the credential exists and is adopted, "+
			"but its client secret was lost with the answer: reset the credential to get a new one",
			"endpoint", what, "credential", c.CredentialName, "error", err)
		delete(found, "clientSecret")
		return found, nil
	}
	s.c.log.Warn("outcome of a credential creation was unknown; no such credential exists, so sending it once more",
		"endpoint", what, "credential", c.CredentialName, "error", err)
	return s.Create(ctx, c)
}

type outcomeCheckKey struct{}

// withOutcomeCheck marks ctx as that of a check for an unknown outcome: the
// reads made with it are described with Call.OutcomeCheck.
func withOutcomeCheck(ctx context.Context) context.Context {
	return context.WithValue(ctx, outcomeCheckKey{}, true)
}

// isOutcomeCheck reports whether ctx is that of an outcome check.
func isOutcomeCheck(ctx context.Context) bool {
	b, _ := ctx.Value(outcomeCheckKey{}).(bool)
	return b
}

// checkFailed is the error when checking an unknown outcome failed too: the
// original error (still wrapping ErrOutcomeUnknown) and the check's.
func checkFailed(what string, orig, check error) error {
	return fmt.Errorf("%w; checking whether %s took effect failed too: %w", orig, what, check)
}

// quoteLit is s as an OData string literal.
func quoteLit(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
