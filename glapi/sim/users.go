package sim

import (
	"net/http"
	"strings"

	"glrun/glapi/odata"
)

// userLanguages are the languages of the identity spec's UserLanguages enum.
var userLanguages = []string{"en", "de", "es", "fr", "jp", "br", "cn", "ko", "ru", "it"}

func (s *Sim) listUsers(r *request) response {
	return s.listOffset(r, pageUsers, odata.ResourceUsers, views(s.st.users.list()))
}

func (s *Sim) getUser(r *request) response {
	u, ok := s.st.users.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "User "+r.params[0]+" not found")
	}
	return jsonResp(http.StatusOK, render(u))
}

// findUser returns the user with that username (case-insensitive).
func (s *Sim) findUser(username string) (*user, bool) {
	for _, u := range s.st.users.list() {
		if strings.EqualFold(u.Username, username) {
			return u, true
		}
	}
	return nil, false
}

// invite is the body of POST /identity/v1/users.
type invite struct {
	Email            *string `json:"email"`
	SendWelcomeEmail *bool   `json:"sendWelcomeEmail"`
}

func (s *Sim) inviteUser(r *request) response {
	var in invite
	if resp, ok := s.decodeBody(r, &in); !ok {
		return resp
	}
	if in.Email == nil || !validEmail(*in.Email) {
		return s.apiError(r.fam, http.StatusBadRequest, "email must be a valid email address")
	}
	if _, exists := s.findUser(*in.Email); exists {
		return s.apiError(r.fam, http.StatusConflict, "User "+*in.Email+" already exists in the workspace")
	}
	// An invited user has no name until they accept.
	u := s.st.addUser(*in.Email, "", "", "UNVERIFIED", r.now, r.now)
	u.FirstName, u.LastName = nil, nil
	s.audit("User Management", "User "+u.Username+" invited", r.now, false)
	return jsonResp(http.StatusCreated, obj{"message": "User invited successfully"}).
		with("Location", u.ResourceURI)
}

// validEmail is a plausibility check: one @ with text on both sides and a
// dot in the domain.
func validEmail(e string) bool {
	local, domain, ok := strings.Cut(e, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(e, " \t") && !strings.Contains(domain, "@")
}

// preferences is the body of PUT /identity/v1/users/{id}.
type preferences struct {
	Language    *string `json:"language"`
	IdleTimeout *int    `json:"idleTimeout"`
}

func (s *Sim) updateUser(r *request) response {
	u, ok := s.st.users.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "User "+r.params[0]+" not found")
	}
	var in preferences
	if resp, ok := s.decodeBody(r, &in); !ok {
		return resp
	}
	if in.Language != nil && !containsStr(userLanguages, *in.Language) {
		return s.apiError(r.fam, http.StatusBadRequest, "language must be one of "+strings.Join(userLanguages, ", "))
	}
	if in.IdleTimeout != nil && *in.IdleTimeout <= 0 {
		return s.apiError(r.fam, http.StatusBadRequest, "idleTimeout must be a positive number of seconds")
	}
	if in.Language != nil {
		u.Language = *in.Language
	}
	if in.IdleTimeout != nil {
		u.IdleTimeout = in.IdleTimeout
	}
	u.Generation++
	u.UpdatedAt = ts(r.now)
	s.audit("User Management", "Preferences of user "+u.Username+" updated", r.now, false)
	return jsonResp(http.StatusOK, obj{"message": "User preferences updated successfully"})
}

func (s *Sim) deleteUser(r *request) response {
	u, ok := s.st.users.get(r.params[0])
	if !ok || !s.st.users.del(r.params[0]) {
		return s.apiError(r.fam, http.StatusNotFound, "User "+r.params[0]+" not found")
	}
	s.audit("User Management", "User "+u.Username+" deleted", r.now, false)
	return response{status: http.StatusNoContent}
}
