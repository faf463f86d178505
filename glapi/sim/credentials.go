package sim

import (
	"net/http"
	"strings"

	"glrun/glapi/odata"
)

// credentialView is the credential as filters see it: with tenantId, the
// workspace id of its associated tenant.
func credentialView(c obj) obj {
	v := copyObj(c)
	if t, ok := c["associatedTenant"].(obj); ok {
		uri, _ := t["resourceUri"].(string)
		v["tenantId"] = uri[strings.LastIndex(uri, "/")+1:]
	}
	return v
}

func (s *Sim) listCredentials(r *request) response {
	items, resp, ok := s.filter(r, odata.ResourceCredentials, views(s.st.creds.list()), credentialView)
	if !ok {
		return resp
	}
	l := make([]any, 0, len(items))
	for _, c := range items {
		l = append(l, copyObj(c))
	}
	return jsonResp(http.StatusOK, obj{"items": l, "count": len(l)})
}

// credentialCreate is the body of POST /workspaces/v1/credentials.
type credentialCreate struct {
	CredentialName                    *string `json:"credentialName"`
	AssociatedTenant                  *ref    `json:"associatedTenant"`
	AssociatedServiceManagerProvision *ref    `json:"associatedServiceManagerProvision"`
}

// ref is a resource reference.
type ref struct {
	ResourceURI string `json:"resourceUri"`
}

func (s *Sim) createCredential(r *request) response {
	var in credentialCreate
	if resp, ok := s.decodeBody(r, &in); !ok {
		return resp
	}
	if in.CredentialName == nil || strings.TrimSpace(*in.CredentialName) == "" {
		return s.apiError(r.fam, http.StatusBadRequest, "credentialName is required")
	}
	for _, c := range s.st.creds.list() {
		if c.CredentialName == *in.CredentialName {
			return s.apiError(r.fam, http.StatusConflict, "Credential name already created.")
		}
	}
	tenant := ""
	if in.AssociatedTenant != nil {
		const p = "/workspaces/v1/workspaces/"
		uri := in.AssociatedTenant.ResourceURI
		if !strings.HasPrefix(uri, p) || len(uri) == len(p) {
			return s.apiError(r.fam, http.StatusBadRequest, "associatedTenant.resourceUri must be "+p+"<workspace id>")
		}
		tenant = uri[len(p):]
	}
	c := s.st.addCredential("", "", *in.CredentialName, tenant, "Tenant "+shortID(tenant), r.now)
	if in.AssociatedServiceManagerProvision != nil {
		if in.AssociatedServiceManagerProvision.ResourceURI == "" {
			return s.apiError(r.fam, http.StatusBadRequest, "associatedServiceManagerProvision.resourceUri is required")
		}
		c.AssociatedServiceManagerProvision = &ref{ResourceURI: in.AssociatedServiceManagerProvision.ResourceURI}
	}
	out := render(c)
	out["clientSecret"] = s.st.secrets[c.ID]
	s.audit("API Gateway", "API credential "+c.CredentialName+" created", r.now, false)
	return jsonResp(http.StatusCreated, out)
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

func (s *Sim) deleteCredential(r *request) response {
	id := r.params[0]
	if !s.st.creds.del(id) {
		return s.apiError(r.fam, http.StatusNotFound, "Unable to find the credential")
	}
	delete(s.st.secrets, id)
	s.audit("API Gateway", "API credential "+id+" deleted", r.now, false)
	return response{status: http.StatusNoContent}
}

func (s *Sim) resetCredential(r *request) response {
	id := r.params[0]
	c, ok := s.st.creds.get(id)
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Unable to find the credential")
	}
	s.st.secrets[id] = s.st.hex32()
	c.UpdatedAt = credTS(r.now)
	c.Generation++
	s.audit("API Gateway", "Secret of API credential "+c.CredentialName+" regenerated", r.now, false)
	out := render(c)
	out["clientSecret"] = s.st.secrets[id]
	return jsonResp(http.StatusOK, out)
}
