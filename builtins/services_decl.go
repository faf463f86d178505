package builtins

import "glrun/glapi"

// identityBuiltins declares the identity module.
func identityBuiltins() []builtin {
	idParam := ParamDoc{Name: "id", Desc: "the user's id, or a record of it"}
	return []builtin{
		{Doc: Doc{Name: "identity.users.list", Params: listParamDocs(),
			Summary: "List the workspace's users matching a filter, over every page.",
			Returns: "a list of user records",
			Example: `pending = identity.users.list(filter = "userStatus eq 'UNVERIFIED'")
print([u.username for u in pending])`},
			impl: listImpl(func(c *glapi.Client) lister { return c.Users.ListFunc })},
		{Doc: Doc{Name: "identity.users.get", Params: []ParamDoc{idParam},
			Summary: "Read one user by id.", Returns: "a user record",
			Example: `u = identity.users.list(limit = 1)[0]
print(identity.users.get(u.id).username)`},
			impl: getImpl("user", func(c *glapi.Client) getter { return c.Users.Get })},
		{Doc: Doc{Name: "identity.users.find",
			Params:  []ParamDoc{{Name: "username", Desc: "the user's username, their email address"}},
			Summary: "Find a user by username.", Returns: "the user record, or None when there is none",
			Example: `u = identity.users.find("jane.doe@example.com")
if u == None:
    fail("no such user")
print(u.userStatus)`},
			impl: usersFind()},
		{Doc: Doc{Name: "identity.users.invite",
			Params: []ParamDoc{
				{Name: "email", Desc: "the address to invite, such as `\"ops@example.com\"`"},
				{Name: "send_welcome_email", Default: "True", Desc: "send GreenLake's welcome email"},
			},
			Summary: "Invite a user to the workspace.", Mutates: true,
			Returns: "a record with the API's `message` and the new user's `location`",
			Example: `if identity.users.find("ana@example.com") == None:
    r = identity.users.invite("ana@example.com", send_welcome_email = False)
    log.info("invited", location = r.location)`},
			impl: api(usersInvite)},
		{Doc: Doc{Name: "identity.users.update",
			Params: []ParamDoc{
				idParam,
				{Name: "language", Default: "None", Desc: "the user's language: `\"en\"`, `\"de\"` or `\"es\"`"},
				{Name: "idle_timeout", Default: "None", Desc: "the session idle timeout in seconds"},
			},
			Summary: "Change a user's preferences (at least one of language= and idle_timeout=).", Mutates: true,
			Returns: "a record with the API's `message`",
			Example: `u = identity.users.find("jane.doe@example.com")
identity.users.update(u, language = "de", idle_timeout = 3600)`},
			impl: api(usersUpdate)},
		{Doc: Doc{Name: "identity.users.delete", Params: []ParamDoc{idParam},
			Summary: "Remove a user from the workspace.", Mutates: true,
			Example: `u = identity.users.find("former.employee@example.com")
if u != None:
    identity.users.delete(u)`},
			impl: deleteImpl("user", func(c *glapi.Client) deleter { return c.Users.Delete })},
	}
}

// workspacesBuiltins declares the workspaces module.
func workspacesBuiltins() []builtin {
	idParam := ParamDoc{Name: "id", Desc: "the credential's id, or a record of it"}
	return []builtin{
		{Doc: Doc{Name: "workspaces.credentials.create",
			Params: []ParamDoc{
				{Name: "name", Desc: "the credential's name"},
				{Name: "tenant", Default: "None", Desc: "for an MSP: the tenant workspace's id (or a record of it) the credential is for"},
				{Name: "service_manager_provision", Default: "None", Desc: "the service manager provision's id the credential is for"},
			},
			Summary: "Create an API client credential.", Mutates: true,
			Returns: "the credential; its `clientSecret` is a secret that prints as `<redacted>`",
			Example: `cred = workspaces.credentials.create("svc-backup")
print(cred.credentialName, cred.clientSecret)`},
			impl: api(credentialsCreate)},
		{Doc: Doc{Name: "workspaces.credentials.list", Params: listParamDocs()[:1],
			Summary: "List the workspace's API client credentials.", Returns: "a list of credential records",
			Example: `print([c.credentialName for c in workspaces.credentials.list()])`},
			impl: api(credentialsList)},
		{Doc: Doc{Name: "workspaces.credentials.reset", Params: []ParamDoc{idParam},
			Summary: "Reset a credential's client secret.", Mutates: true,
			Returns: "the credential with its new (redacted) `clientSecret`",
			Example: `cred = workspaces.credentials.list()[0]
cred = workspaces.credentials.reset(cred)`},
			impl: credentialsReset()},
		{Doc: Doc{Name: "workspaces.credentials.delete", Params: []ParamDoc{idParam},
			Summary: "Delete a credential.", Mutates: true,
			Example: `for c in workspaces.credentials.list():
    if c.credentialName == "svc-old":
        workspaces.credentials.delete(c)`},
			impl: deleteImpl("credential", func(c *glapi.Client) deleter { return c.Credentials.Delete })},
	}
}
