package glapi

import (
	"encoding/json"
	"fmt"
)

// Object is one resource as the API returns it (a job, a server, a user...),
// decoded from JSON with numbers kept as json.Number. Field names are the
// API's own. Credential secrets are replaced by Secret values on decoding.
type Object map[string]any

// String returns the string field key, or "" when it is absent or not a string.
func (o Object) String(key string) string {
	s, _ := o[key].(string)
	return s
}

// ID returns the "id" field.
func (o Object) ID() string { return o.String("id") }

// Secret is a credential secret or token. It prints, formats and marshals as
// "<redacted>" so it can never reach a log, a plan, a cassette or an error by
// accident; Reveal returns the value for the one place that needs it.
type Secret struct{ value string }

// NewSecret wraps s.
func NewSecret(s string) Secret { return Secret{value: s} }

// Redacted is how every secret prints.
const Redacted = "<redacted>"

// Reveal returns the secret itself.
func (s Secret) Reveal() string { return s.value }

// String returns "<redacted>".
func (s Secret) String() string { return Redacted }

// GoString returns "<redacted>", so %#v does not reveal it either.
func (s Secret) GoString() string { return Redacted }

// Format writes "<redacted>" for every verb.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(Redacted)) }

// MarshalJSON writes "<redacted>".
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(Redacted) }

// ListOptions narrows a list request.
type ListOptions struct {
	// Filter is an OData filter (docs/filters.md). It is validated against the
	// endpoint's filterable properties before anything is sent.
	Filter string
	// Limit caps the number of items returned over all pages; 0 means all.
	Limit int
	// PageSize is the page size asked of the API; 0 means the endpoint's default.
	PageSize int
}

// JobCreate is the body of POST /compute-ops-mgmt/v1/jobs.
type JobCreate struct {
	JobTemplate  string         `json:"jobTemplate"`
	ResourceID   string         `json:"resourceId"`
	ResourceType string         `json:"resourceType"`
	JobParams    map[string]any `json:"jobParams,omitempty"`
}

// UserUpdate is the body of PUT /identity/v1/users/{id}; nil fields are left out.
type UserUpdate struct {
	Language    *string `json:"language,omitempty"`
	IdleTimeout *int    `json:"idleTimeout,omitempty"`
}

// InviteResult is the answer to an invitation: the API's message and the
// Location of the invited user.
type InviteResult struct {
	Message  string
	Location string
}

// CredentialCreate is the body of POST /workspaces/v1/credentials.
type CredentialCreate struct {
	// CredentialName is the credential's human-readable alias.
	CredentialName string
	// TenantID, when set, is the MSP tenant workspace UUID
	// (sent as associatedTenant.resourceUri = /workspaces/v1/workspaces/<id>).
	TenantID string
	// ServiceManagerProvisionID, when set, is the provisioned service instance
	// UUID (sent as associatedServiceManagerProvision.resourceUri).
	ServiceManagerProvisionID string
}
