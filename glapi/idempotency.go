package glapi

import (
	"context"
	"encoding/json"
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

// JobAdoptSkew is how far before the moment glrun sent a job creation a
// job's createdAt may lie and still be taken for the one glrun created:
// GreenLake's clock and this machine's may disagree by this much (clocks
// kept by NTP differ by far less). A job created earlier than that was
// created by someone else and is never adopted.
const JobAdoptSkew = 30 * time.Second

// CreateChecked is Create, except that when the outcome is unknown it
// looks for the job the request would have created: same template, same
// resource, the same jobParams, created after the request was sent (less
// JobAdoptSkew).
//
//   - Exactly one such job: it is adopted and returned, with a warning.
//   - None, and no job of that template on that resource since then: the
//     request certainly did not take effect, so it is sent once more.
//   - Several such jobs, or jobs of that template on that resource since
//     then whose parameters differ: someone else may be creating jobs
//     there; glrun cannot tell which, if any, is its own, so the outcome
//     stays unknown: the error wraps ErrOutcomeUnknown and names them.
//
// The error of the check, if any, is joined to the original error.
func (s *JobsService) CreateChecked(ctx context.Context, req JobCreate) (Object, error) {
	sent := s.c.clock.Now()
	job, err := s.Create(ctx, req)
	if err == nil || !errors.Is(err, ErrOutcomeUnknown) {
		return job, err
	}
	what := "POST " + CollectionJobs
	since := sent.Add(-JobAdoptSkew)
	filter := fmt.Sprintf("jobTemplate eq %s and resource/id eq %s and createdAt ge %s",
		quoteLit(req.JobTemplate), quoteLit(req.ResourceID), since.UTC().Format(time.RFC3339))
	found, cerr := s.List(withOutcomeCheck(ctx), ListOptions{Filter: filter})
	if cerr != nil {
		return nil, checkFailed(what, err, cerr)
	}
	var same, other []string
	var match Object
	for _, j := range found {
		// The filter is checked again here: a server may ignore part of it.
		if j.String("jobTemplate") != req.JobTemplate || !createdSince(j, since) {
			continue
		}
		if rid := resourceIDOf(j); rid != "" && rid != req.ResourceID {
			continue
		}
		if sameParams(req.JobParams, j["jobParams"]) {
			same = append(same, j.ID())
			match = j
		} else {
			other = append(other, j.ID())
		}
	}
	switch {
	case len(same) == 1 && len(other) == 0:
		s.c.log.Warn("outcome of a job creation was unknown; found the job it created and adopted it",
			"endpoint", what, "job", match.ID(), "resource", req.ResourceID, "error", err)
		return match, nil
	case len(same) == 0 && len(other) == 0:
		s.c.log.Warn("outcome of a job creation was unknown; no such job exists, so sending it once more",
			"endpoint", what, "resource", req.ResourceID, "error", err)
		return s.Create(ctx, req)
	}
	ids := append(same, other...)
	s.c.log.Warn("outcome of a job creation is unknown: other jobs of the same template on the same resource were created meanwhile, so none is adopted and the request is not sent again",
		"endpoint", what, "resource", req.ResourceID, "jobs", strings.Join(ids, ","), "error", err)
	return nil, fmt.Errorf("%w; jobs of the same template on %s created since it was sent (%s), %d with the same parameters: "+
		"glrun cannot tell whether one of them is its own, so it adopted none and did not send it again",
		err, req.ResourceID, strings.Join(ids, ", "), len(same))
}

// createdSince reports whether job j's createdAt is at or after t (a job
// without a readable createdAt is not).
func createdSince(j Object, t time.Time) bool {
	at, err := time.Parse(time.RFC3339Nano, j.String("createdAt"))
	return err == nil && !at.Before(t)
}

// resourceIDOf is the id of a job's resource ("resource": {"id": ...}),
// or "" when the job does not say.
func resourceIDOf(j Object) string {
	if r, ok := j["resource"].(map[string]any); ok {
		id, _ := r["id"].(string)
		return id
	}
	if r, ok := j["resource"].(Object); ok {
		return r.String("id")
	}
	return ""
}

// sameParams reports whether the jobParams sent and those of a job are the
// same (compared as JSON; absent, null and {} are the same).
func sameParams(sent map[string]any, got any) bool {
	norm := func(v any) string {
		if v == nil {
			return "{}"
		}
		b, err := json.Marshal(v)
		if err != nil || string(b) == "null" {
			return "{}"
		}
		var x any
		d := json.NewDecoder(strings.NewReader(string(b)))
		d.UseNumber()
		if d.Decode(&x) != nil {
			return string(b)
		}
		b, _ = json.Marshal(x)
		return string(b)
	}
	var s any
	if len(sent) > 0 {
		s = sent
	}
	return norm(s) == norm(got)
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
