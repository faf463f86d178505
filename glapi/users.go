package glapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"glrun/glapi/odata"
)

// UsersService is /identity/v1/users.
type UsersService struct{ c *Client }

const (
	// usersPageMax is the largest limit GET /users accepts.
	usersPageMax = 600
)

func (s *UsersService) lister() lister {
	return lister{api: apiGlobal, coll: CollectionUsers, resource: odata.ResourceUsers, maxPage: usersPageMax}
}

// Get returns the user id.
func (s *UsersService) Get(ctx context.Context, id string) (Object, error) {
	if err := requireID("getting a user", id); err != nil {
		return nil, err
	}
	return s.c.getObject(ctx, apiGlobal, CollectionUsers, id)
}

// List returns the users matching opts, reading every page unless
// opts.Limit caps them.
func (s *UsersService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, s.lister(), opts)
}

// ListFunc calls fn for each user matching opts, a page at a time.
func (s *UsersService) ListFunc(ctx context.Context, opts ListOptions, fn func(Object) error) error {
	return s.c.each(ctx, s.lister(), opts, fn)
}

// Find returns the user whose username is exactly username, or nil, nil.
// Usernames are e-mail addresses, so the comparison ignores case.
func (s *UsersService) Find(ctx context.Context, username string) (Object, error) {
	if strings.TrimSpace(username) == "" {
		return nil, fmt.Errorf("finding a user: username must not be empty")
	}
	filter := "username eq '" + strings.ReplaceAll(username, "'", "''") + "'"
	var found Object
	err := s.ListFunc(ctx, ListOptions{Filter: filter}, func(o Object) error {
		if found == nil && strings.EqualFold(o.String("username"), username) {
			found = o
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return found, nil
}

// message is the {"message": ...} answer of identity mutations.
type message struct {
	Message string `json:"message"`
}

// Invite invites email to the workspace (POST). A POST that fails with an
// unknown outcome is not sent again: its error wraps ErrOutcomeUnknown.
func (s *UsersService) Invite(ctx context.Context, email string, sendWelcomeEmail bool) (InviteResult, error) {
	if strings.TrimSpace(email) == "" {
		return InviteResult{}, fmt.Errorf("inviting a user: email must not be empty")
	}
	body := struct {
		Email            string `json:"email"`
		SendWelcomeEmail bool   `json:"sendWelcomeEmail"`
	}{email, sendWelcomeEmail}
	var m message
	h, err := s.c.doJSON(ctx, call{api: apiGlobal, method: http.MethodPost, coll: CollectionUsers, body: body}, &m)
	if err != nil {
		return InviteResult{}, err
	}
	return InviteResult{Message: m.Message, Location: h.Get("Location")}, nil
}

// Update changes a user's preferences (PUT) and returns the API's message.
func (s *UsersService) Update(ctx context.Context, id string, u UserUpdate) (string, error) {
	if err := requireID("updating a user", id); err != nil {
		return "", err
	}
	var m message
	cl := call{api: apiGlobal, method: http.MethodPut, coll: CollectionUsers, id: id, body: u}
	if _, err := s.c.doJSON(ctx, cl, &m); err != nil {
		return "", err
	}
	return m.Message, nil
}

// Delete removes a user from the workspace (answered 204).
func (s *UsersService) Delete(ctx context.Context, id string) error {
	if err := requireID("deleting a user", id); err != nil {
		return err
	}
	_, err := s.c.doJSON(ctx, call{api: apiGlobal, method: http.MethodDelete, coll: CollectionUsers, id: id}, nil)
	return err
}
