package builtins

import (
	"context"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"glrun/glapi"
)

// secretFields are credential fields that hold secrets.
var secretFields = []string{"clientSecret"}

// workspacesModule returns the workspaces module: workspaces.credentials.
func workspacesModule(env *Env) *starlarkstruct.Module {
	return newModule("workspaces", starlark.StringDict{
		"credentials": newModule("workspaces.credentials", starlark.StringDict{
			"create": apiBuiltin(env, "workspaces.credentials.create",
				[]string{"name", "tenant?", "service_manager_provision?"}, credentialsCreate),
			"list":  apiBuiltin(env, "workspaces.credentials.list", []string{"filter?"}, credentialsList),
			"reset": apiBuiltin(env, "workspaces.credentials.reset", []string{"id"}, credentialsReset),
			"delete": deleteBuiltin(env, "workspaces.credentials.delete", "credential",
				func(c *glapi.Client) deleter { return c.Credentials.Delete }),
		}),
	})
}

// credentialsCreate is workspaces.credentials.create(name, tenant=None,
// service_manager_provision=None); the clientSecret comes back as a Secret.
func credentialsCreate(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	name, err := a.NonEmptyString("name", "a credential name string")
	if err != nil {
		return nil, err
	}
	tenant, err := optID(a, "tenant", "tenant workspace")
	if err != nil {
		return nil, err
	}
	smp, err := optID(a, "service_manager_provision", "service manager provision")
	if err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	cred, err := c.Credentials.CreateChecked(ctx, glapi.CredentialCreate{
		CredentialName: name, TenantID: tenant, ServiceManagerProvisionID: smp,
	})
	if err != nil {
		return nil, apiError(a.Fn(), err)
	}
	return credentialRecord(cred), nil
}

// credentialsList is workspaces.credentials.list(filter=None).
func credentialsList(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	filter, err := a.Filter("filter")
	if err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	creds, err := c.Credentials.List(ctx, glapi.ListOptions{Filter: filter})
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
func credentialsReset(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	id, err := a.ID("id", "credential")
	if err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	cred, err := c.Credentials.Reset(ctx, id)
	if err != nil {
		return nil, apiError(a.Fn(), err)
	}
	return credentialRecord(cred), nil
}

// optID returns the id of an optional parameter ("" when absent or None).
func optID(a *Args, param, what string) (string, error) {
	if !a.Has(param) {
		return "", nil
	}
	return a.ID(param, what)
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
