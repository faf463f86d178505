package glapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"glrun/glapi/odata"
)

// CredentialsService is /workspaces/v1/credentials. Objects it returns hold
// clientSecret as a Secret.
type CredentialsService struct{ c *Client }

// Resource URI prefixes of a credential's associations.
const (
	tenantURIPrefix    = "/workspaces/v1/workspaces/"
	provisionURIPrefix = "/service-catalog/v1beta1/service-manager-provisions/"
)

func (s *CredentialsService) lister() lister {
	// The API documents no page size: none is sent unless asked for.
	return lister{api: apiGlobal, coll: CollectionCredentials, resource: odata.ResourceCredentials, fix: hideSecrets}
}

// resourceRef is {"resourceUri": ...}.
type resourceRef struct {
	ResourceURI string `json:"resourceUri"`
}

// credentialBody is the JSON body of POST /workspaces/v1/credentials.
type credentialBody struct {
	CredentialName                    string       `json:"credentialName"`
	AssociatedTenant                  *resourceRef `json:"associatedTenant,omitempty"`
	AssociatedServiceManagerProvision *resourceRef `json:"associatedServiceManagerProvision,omitempty"`
}

// Create creates a credential (POST, answered 201 with its clientSecret, as
// a Secret). A POST that fails with an unknown outcome is not sent again:
// its error wraps ErrOutcomeUnknown.
func (s *CredentialsService) Create(ctx context.Context, c CredentialCreate) (Object, error) {
	if strings.TrimSpace(c.CredentialName) == "" {
		return nil, fmt.Errorf("creating a credential: credentialName must not be empty")
	}
	body := credentialBody{CredentialName: c.CredentialName}
	if c.TenantID != "" {
		body.AssociatedTenant = &resourceRef{tenantURIPrefix + c.TenantID}
	}
	if c.ServiceManagerProvisionID != "" {
		body.AssociatedServiceManagerProvision = &resourceRef{provisionURIPrefix + c.ServiceManagerProvisionID}
	}
	var o Object
	cl := call{api: apiGlobal, method: http.MethodPost, coll: CollectionCredentials, body: body}
	if _, err := s.c.doJSON(ctx, cl, &o); err != nil {
		return nil, err
	}
	hideSecrets(o)
	return o, nil
}

// List returns the credentials matching opts (the API filters by tenantId
// only), reading every page unless opts.Limit caps them.
func (s *CredentialsService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, s.lister(), opts)
}

// ListFunc calls fn for each credential matching opts, a page at a time.
func (s *CredentialsService) ListFunc(ctx context.Context, opts ListOptions, fn func(Object) error) error {
	return s.c.each(ctx, s.lister(), opts, fn)
}

// Reset regenerates a credential's secret (POST /{id}/reset) and returns
// the credential with the new clientSecret, as a Secret.
func (s *CredentialsService) Reset(ctx context.Context, id string) (Object, error) {
	if err := requireID("resetting a credential", id); err != nil {
		return nil, err
	}
	var o Object
	cl := call{api: apiGlobal, method: http.MethodPost, coll: CollectionCredentials, id: id, action: "reset"}
	if _, err := s.c.doJSON(ctx, cl, &o); err != nil {
		return nil, err
	}
	hideSecrets(o)
	return o, nil
}

// Delete deletes a credential (answered 204).
func (s *CredentialsService) Delete(ctx context.Context, id string) error {
	if err := requireID("deleting a credential", id); err != nil {
		return err
	}
	_, err := s.c.doJSON(ctx, call{api: apiGlobal, method: http.MethodDelete, coll: CollectionCredentials, id: id}, nil)
	return err
}

// hideSecrets turns a clientSecret string into a Secret.
func hideSecrets(o Object) {
	if v, ok := o["clientSecret"].(string); ok {
		o["clientSecret"] = NewSecret(v)
	}
}
