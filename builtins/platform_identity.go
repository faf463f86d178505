package builtins

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.starlark.net/starlark"

	"glrun/glapi"
)

// asFieldError returns the *glapi.FieldError in err's chain.
func asFieldError(err error) (*glapi.FieldError, bool) {
	var fe *glapi.FieldError
	ok := errors.As(err, &fe)
	return fe, ok
}

// roleGRNPrefix is how every role GRN starts; a role given by its name
// alone (such as "ccs.observer") is completed with it.
const roleGRNPrefix = "grn:glp/providers/authorization/roles/"

// authParams maps the body fields of a role assignment to the
// parameters of the authorization builtins.
var authParams = map[string]string{"principal": "principal", "role": "role", "scope": "scope"}

// PrincipalArg accepts who a role is assigned to: "user:<id>",
// "user-group:<id>" or "api-client:<id>", a user record (user:<its id>)
// or a SCIM group record (user-group:<its id>). The format itself is
// checked by glapi before anything is sent.
type PrincipalArg struct {
	// Principal is the principal string.
	Principal string
}

// Want lists the forms.
func (k *PrincipalArg) Want() string {
	return `"user:<id>", "user-group:<id>" or "api-client:<id>", or a user or user group record`
}

// Unpack takes a string or a record.
func (k *PrincipalArg) Unpack(v starlark.Value) error {
	if s, ok := v.(starlark.String); ok {
		k.Principal = strings.TrimSpace(string(s))
		return nil
	}
	id, ok := IDOf(v)
	if !ok {
		return &BadArg{}
	}
	if _, isGroup := recordField(v, "displayName"); isGroup {
		k.Principal = "user-group:" + id
		return nil
	}
	if _, isUser := recordField(v, "username"); isUser {
		k.Principal = "user:" + id
		return nil
	}
	return &BadArg{}
}

// recordField returns the string field name of a record or dict.
func recordField(v starlark.Value, name string) (string, bool) {
	var fv starlark.Value
	switch v := v.(type) {
	case *Record:
		fv, _ = v.Field(name)
	case *starlark.Dict:
		fv, _, _ = v.Get(starlark.String(name))
	}
	s, ok := fv.(starlark.String)
	return string(s), ok
}

// roleAssignmentsList is authorization.role_assignments.list(filter=None,
// limit=None, principal=None).
func roleAssignmentsList(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	var filter FilterArg
	var principal PrincipalArg
	limit := IntArg{Min: 1, Max: maxListItems}
	if err := a.Unpack("filter", &filter, "limit", &limit, "principal", &principal); err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	var items []glapi.Object
	switch {
	case a.Has("principal") && a.Has("filter"):
		return nil, &ArgError{Fn: a.Fn(), Param: "principal", Want: "either filter= or principal=, not both",
			Got: "both"}
	case a.Has("principal"):
		items, err = c.Authorization.RoleAssignmentsOf(ctx, principal.Principal)
		if limit.Value > 0 && len(items) > limit.Value {
			items = items[:limit.Value]
		}
	default:
		items, err = c.Authorization.RoleAssignments(ctx, glapi.ListOptions{Filter: filter.Text, Limit: limit.Value})
	}
	if err != nil {
		return nil, callError(a.Fn(), fieldArgError(a, err, authParams))
	}
	return recordList(items), nil
}

// ScopeArg accepts the scope of a role assignment: one GRN or a list of
// them. The GRNs are checked by glapi before anything is sent.
type ScopeArg struct {
	// Scope are the GRNs.
	Scope []string
}

// Want says GRNs.
func (k *ScopeArg) Want() string {
	return `a scope GRN string such as "grn:glp/workspaces/<id>", or a list of them`
}

// Unpack takes a string or a list of strings.
func (k *ScopeArg) Unpack(v starlark.Value) error {
	s := StringsArg{What: "a scope GRN"}
	if err := s.Unpack(v); err != nil {
		return err
	}
	k.Scope = s.Values
	return nil
}

// workspaceScope returns the workspace's own scope GRN,
// grn:glp/workspaces/<id>, as the workspace's role assignments show it.
func workspaceScope(ctx context.Context, c *glapi.Client) (string, error) {
	ras, err := c.Authorization.RoleAssignments(ctx, glapi.ListOptions{})
	if err != nil {
		return "", err
	}
	for _, ra := range ras {
		scopes, _ := ra["scope"].([]any)
		for _, s := range scopes {
			grn, _ := s.(string)
			if rest, ok := strings.CutPrefix(grn, "grn:glp/workspaces/"); ok && rest != "" && !strings.Contains(rest, "/") {
				return grn, nil
			}
		}
	}
	return "", fmt.Errorf("no role assignment of the workspace shows its scope GRN: give scope= explicitly")
}

// roleAssignmentsCreate is authorization.role_assignments.create(principal,
// role, scope=None).
func roleAssignmentsCreate(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	var principal PrincipalArg
	role := StringArg{What: "a role GRN (" + roleGRNPrefix + "<name>) or a role name such as \"ccs.observer\"", NonEmpty: true}
	var scope ScopeArg
	if err := a.Unpack("principal", &principal, "role", &role, "scope", &scope); err != nil {
		return nil, err
	}
	r := strings.TrimSpace(role.Value)
	if !strings.HasPrefix(r, "grn:") {
		r = roleGRNPrefix + r
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	if !a.Has("scope") {
		ws, err := workspaceScope(ctx, c)
		if err != nil {
			return nil, callError(a.Fn(), err)
		}
		scope.Scope = []string{ws}
	}
	ra, err := c.Authorization.CreateRoleAssignment(ctx, glapi.RoleAssignment{Principal: principal.Principal, Role: r, Scope: scope.Scope})
	if err != nil {
		return nil, callError(a.Fn(), fieldArgError(a, err, authParams))
	}
	return ToStarlark(ra), nil
}

// roleAssignmentsUpdate is authorization.role_assignments.update(id, scope).
func roleAssignmentsUpdate(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	id := IDArg{What: "role assignment"}
	var scope ScopeArg
	if err := a.Unpack("id", &id, "scope", &scope); err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	ra, err := c.Authorization.UpdateRoleAssignmentScope(ctx, id.ID, scope.Scope)
	if err != nil {
		return nil, callError(a.Fn(), fieldArgError(a, err, authParams))
	}
	return ToStarlark(ra), nil
}

// scimGroupsList is identity.groups.list(filter=None, limit=None): SCIM's
// filter grammar, checked by glapi.
func scimGroupsList(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	filter := StringArg{What: `a SCIM filter string such as 'displayName sw "ops"'`}
	limit := IntArg{Min: 1, Max: maxListItems}
	if err := a.Unpack("filter", &filter, "limit", &limit); err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	gs, err := c.SCIMGroups.List(ctx, glapi.ListOptions{Filter: filter.Value, Limit: limit.Value})
	if err != nil {
		return nil, callError(a.Fn(), err)
	}
	return recordList(gs), nil
}

// scimGroupsFind is identity.groups.find(name): the group, or None.
func scimGroupsFind() impl {
	return findImpl("name", StringArg{What: "a group name (displayName) string", NonEmpty: true},
		func(ctx context.Context, _ *Env, c *glapi.Client, name string) (glapi.Object, error) {
			return c.SCIMGroups.FindByName(ctx, name)
		})
}

// scimGroupsCreate is identity.groups.create(name, description=None).
func scimGroupsCreate(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	name := StringArg{What: "a group name (displayName) string", NonEmpty: true}
	desc := StringArg{What: "a description string"}
	if err := a.Unpack("name", &name, "description", &desc); err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	g, err := c.SCIMGroups.Create(ctx, name.Value, desc.Value)
	if err != nil {
		return nil, callError(a.Fn(), err)
	}
	return ToStarlark(g), nil
}

// UsersArg accepts users: a user id, a user record, or a username (an
// email address, looked up), or a list of them.
type UsersArg struct {
	// Items are the values given, resolved by resolve.
	Items []starlark.Value
}

// Want lists the forms.
func (k *UsersArg) Want() string {
	return "a user record, id or username (email address), or a list of them"
}

// Unpack takes one or a non-empty list.
func (k *UsersArg) Unpack(v starlark.Value) error {
	var list ListArg
	if err := list.Unpack(v); err == nil {
		if len(list.Items) == 0 {
			return &BadArg{}
		}
		k.Items = list.Items
	} else {
		k.Items = []starlark.Value{v}
	}
	for i, it := range k.Items {
		if _, ok := IDOf(it); !ok {
			return &BadArg{Param: fmt.Sprintf("[%d]", i), Value: it, Want: "a user record, id or username"}
		}
	}
	return nil
}

// resolve returns the user ids: a string with an @ is a username, looked
// up exactly; a user that does not exist is an argument error of param.
func (k *UsersArg) resolve(ctx context.Context, c *glapi.Client, a *Args, param string) ([]string, error) {
	var ids []string
	for _, it := range k.Items {
		id, _ := IDOf(it)
		if s, ok := it.(starlark.String); ok && strings.Contains(string(s), "@") {
			u, err := c.Users.Find(ctx, string(s))
			if err != nil {
				return nil, callError(a.Fn(), err)
			}
			if u == nil {
				return nil, &ArgError{Fn: a.Fn(), Param: param, Want: "users of the workspace", Got: fmt.Sprintf("%q, who is not one", string(s))}
			}
			id = u.ID()
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// scimMembers is identity.groups.add_members / remove_members(group, users).
func scimMembers(add bool) apiImpl {
	return func(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
		group := IDArg{What: "group"}
		var users UsersArg
		if err := a.Unpack("group", &group, "users", &users); err != nil {
			return nil, err
		}
		c, err := apiClient(env, a.Fn())
		if err != nil {
			return nil, err
		}
		ids, err := users.resolve(ctx, c, a, "users")
		if err != nil {
			return nil, err
		}
		var g glapi.Object
		if add {
			g, err = c.SCIMGroups.AddMembers(ctx, group.ID, ids...)
		} else {
			g, err = c.SCIMGroups.RemoveMembers(ctx, group.ID, ids...)
		}
		if err != nil {
			return nil, callError(a.Fn(), err)
		}
		return ToStarlark(g), nil
	}
}

// scimGroupMembers is identity.groups.members(group).
func scimGroupMembers() impl {
	return idRecordsImpl("group", "group", func(c *glapi.Client) idLister { return c.SCIMGroups.Members })
}

// auditList is audit.list(filter=None, limit=None, since=None).
func auditList(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	var filter FilterArg
	limit := IntArg{Min: 1, Max: maxListItems}
	var since DurationArg
	if err := a.Unpack("filter", &filter, "limit", &limit, "since", &since); err != nil {
		return nil, err
	}
	f := filter.Text
	if a.Has("since") {
		if since.Duration <= 0 {
			return nil, a.Error("since", "a positive duration such as \"24h\"")
		}
		from := clockOf(env).Now().Add(-since.Duration).UTC().Format(time.RFC3339)
		clause := "createdAt ge '" + from + "'"
		if f == "" {
			f = clause
		} else {
			f = "(" + f + ") and " + clause
		}
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	logs, err := c.Audit.Logs(ctx, glapi.ListOptions{Filter: f, Limit: limit.Value})
	if err != nil {
		return nil, callError(a.Fn(), err)
	}
	return recordList(logs), nil
}

// activitiesList is compute.activities.list(filter=None, limit=None).
func activitiesList() impl {
	return listAllImpl(func(ctx context.Context, _ *Env, c *glapi.Client, opts glapi.ListOptions) ([]glapi.Object, error) {
		return c.Audit.Activities(ctx, opts)
	})
}

// workspaceScopeImpl is authorization.workspace_scope().
func workspaceScopeImpl(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	ws, err := workspaceScope(ctx, c)
	if err != nil {
		return nil, callError(a.Fn(), err)
	}
	return starlark.String(ws), nil
}
