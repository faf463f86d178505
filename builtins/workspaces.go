package builtins

import (
	"context"

	"go.starlark.net/starlark"

	"glrun/glapi"
)

// secretFields are credential fields that hold secrets.
var secretFields = []string{"clientSecret"}

// credentialsCreate is workspaces.credentials.create(name, tenant=None,
// service_manager_provision=None); the clientSecret comes back as a Secret.
func credentialsCreate(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	name := StringArg{What: "a credential name string", NonEmpty: true}
	tenant := IDArg{What: "tenant workspace"}
	smp := IDArg{What: "service manager provision"}
	if err := a.Unpack("name", &name, "tenant", &tenant, "service_manager_provision", &smp); err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	cred, err := c.Credentials.CreateChecked(ctx, glapi.CredentialCreate{
		CredentialName: name.Value, TenantID: tenant.ID, ServiceManagerProvisionID: smp.ID,
	})
	if err != nil {
		return nil, apiError(a.Fn(), err)
	}
	return credentialRecord(cred), nil
}

// credentialsList is workspaces.credentials.list(filter=None).
func credentialsList(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	var filter FilterArg
	if err := a.Unpack("filter", &filter); err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	creds, err := c.Credentials.List(ctx, glapi.ListOptions{Filter: filter.Text})
	if err != nil {
		return nil, apiError(a.Fn(), err)
	}
	vals := make([]starlark.Value, len(creds))
	for i, cr := range creds {
		vals[i] = credentialRecord(cr)
	}
	return starlark.NewList(vals), nil
}

// credentialsReset is workspaces.credentials.reset(id): the credential with
// its new clientSecret as a Secret.
func credentialsReset() impl {
	return idImpl("id", "credential", func(ctx context.Context, _ *Env, c *glapi.Client, id string) (starlark.Value, error) {
		cred, err := c.Credentials.Reset(ctx, id)
		if err != nil {
			return nil, err
		}
		return credentialRecord(cred), nil
	})
}

// credentialRecord converts a credential, making sure every secret field
// is a Secret even if it arrived as a plain string.
func credentialRecord(cred glapi.Object) starlark.Value {
	safe := make(glapi.Object, len(cred))
	for k, v := range cred {
		safe[k] = v
	}
	for _, f := range secretFields {
		if s, ok := safe[f].(string); ok {
			safe[f] = glapi.NewSecret(s)
		}
	}
	return ToStarlark(safe)
}
