package sim

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// DemoClientEmail is the identity of the client of Options.ClientID.
const DemoClientEmail = "automation@example.com"

// Client is an API client the simulator accepts, with its identity.
type Client struct {
	// ID and Secret are the client credentials of the token request.
	ID     string
	Secret string
	// Email is who the client acts as: the requester of the approval
	// requests its jobs raise, and the approver it may be in a policy.
	Email string
}

// initClients records the clients of opts and the approval expiry.
func (s *Sim) initClients(opts Options) {
	s.clients = map[string]Client{}
	s.tokenOwner = map[string]string{}
	s.approvalExpiry = opts.ApprovalExpiry
	if s.approvalExpiry <= 0 {
		s.approvalExpiry = DefaultApprovalExpiry
	}
	for _, c := range opts.Clients {
		s.clients[c.ID] = c
	}
	if _, ok := s.clients[s.clientID]; !ok {
		s.clients[s.clientID] = Client{ID: s.clientID, Secret: s.clientSecret, Email: DemoClientEmail}
	}
}

// clientEmail returns the email of the client id ("" for a credential
// created through the workspaces API, which has none).
func (s *Sim) clientEmail(id string) string { return s.clients[id].Email }

// callerOf returns the id of the client whose bearer token r carries.
// Callers hold s.mu.
func (s *Sim) callerOf(r *http.Request) string {
	_, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	return s.tokenOwner[tok]
}

// ParseClient parses an API client as `glrun sim serve --client` takes it:
// ID:SECRET:EMAIL (the secret may contain colons).
func ParseClient(spec string) (Client, error) {
	id, rest, ok1 := strings.Cut(spec, ":")
	i := strings.LastIndexByte(rest, ':')
	if !ok1 || i < 0 {
		return Client{}, fmt.Errorf("want ID:SECRET:EMAIL, got %d part(s)", strings.Count(spec, ":")+1)
	}
	c := Client{ID: strings.TrimSpace(id), Secret: rest[:i], Email: strings.TrimSpace(rest[i+1:])}
	switch {
	case c.ID == "":
		return Client{}, errors.New("want ID:SECRET:EMAIL: the client id is empty")
	case c.Secret == "":
		return Client{}, fmt.Errorf("want ID:SECRET:EMAIL: the secret of client %s is empty", c.ID)
	case !validEmail(c.Email):
		return Client{}, fmt.Errorf("want ID:SECRET:EMAIL: %q is not an email address", c.Email)
	}
	return c, nil
}
