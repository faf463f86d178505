package builtins

import (
	"context"
	"fmt"
	"strings"

	"go.starlark.net/starlark"

	"glrun/glapi"
)

// ActionsArg accepts the actions of an approval policy: an approvableName
// ("Power off", "Reset", "Update firmware", ...) or a list of them.
type ActionsArg struct {
	// Names are the approvableNames, as the API spells them.
	Names []string
}

// Want lists the action names.
func (k *ActionsArg) Want() string {
	return "an action name or a list of them (" + strings.Join(quoteAll(glapi.Approvables), ", ") + ")"
}

// Unpack takes a name or a list of names, each checked.
func (k *ActionsArg) Unpack(v starlark.Value) error {
	names, err := stringList(v)
	if err != nil {
		return err
	}
	for i, n := range names {
		if err := glapi.CheckApprovable(n); err != nil {
			bad := &BadArg{Param: indexOf(v, i), Value: starlark.String(n)}
			if _, hint, ok := strings.Cut(err.Error(), "; "); ok {
				bad.Detail = " (" + hint + ")"
			}
			return bad
		}
	}
	k.Names = names
	return nil
}

// EmailsArg accepts one email address or a list of them.
type EmailsArg struct {
	// Emails are the addresses.
	Emails []string
}

// Want says emails.
func (k *EmailsArg) Want() string { return "an email address or a list of them" }

// Unpack takes an address or a list of addresses.
func (k *EmailsArg) Unpack(v starlark.Value) error {
	emails, err := stringList(v)
	if err != nil {
		return err
	}
	for i, e := range emails {
		if !strings.Contains(e, "@") {
			return &BadArg{Param: indexOf(v, i), Value: starlark.String(e)}
		}
	}
	k.Emails = emails
	return nil
}

// GroupsArg accepts the groups a policy covers: a group record or id, or a
// list of them.
type GroupsArg struct {
	// IDs are the groups' ids.
	IDs []string
}

// Want says groups.
func (k *GroupsArg) Want() string { return "a group record or id string, or a list of them" }

// Unpack takes a group or a list of groups.
func (k *GroupsArg) Unpack(v starlark.Value) error {
	items := []starlark.Value{v}
	if _, isList := v.(*starlark.List); isList {
		var l ListArg
		_ = l.Unpack(v)
		items = l.Items
	} else if t, isTuple := v.(starlark.Tuple); isTuple {
		items = t
	}
	if len(items) == 0 {
		return &BadArg{Want: k.Want() + " (at least one)"}
	}
	k.IDs = nil
	for i, it := range items {
		id, ok := IDOf(it)
		if !ok {
			return &BadArg{Param: indexOf(v, i), Value: it}
		}
		k.IDs = append(k.IDs, id)
	}
	return nil
}

// stringList returns v as a list of non-empty strings: a string alone, or
// a list or tuple of them.
func stringList(v starlark.Value) ([]string, error) {
	if s, ok := v.(starlark.String); ok {
		if strings.TrimSpace(string(s)) == "" {
			return nil, &BadArg{}
		}
		return []string{string(s)}, nil
	}
	var l ListArg
	if err := l.Unpack(v); err != nil || len(l.Items) == 0 {
		return nil, &BadArg{}
	}
	out := make([]string, len(l.Items))
	for i, it := range l.Items {
		s, ok := it.(starlark.String)
		if !ok || strings.TrimSpace(string(s)) == "" {
			return nil, &BadArg{Param: fmt.Sprintf("[%d]", i), Value: it}
		}
		out[i] = string(s)
	}
	return out, nil
}

// indexOf is "[i]" when v is a list or tuple, else "".
func indexOf(v starlark.Value, i int) string {
	switch v.(type) {
	case *starlark.List, starlark.Tuple:
		return fmt.Sprintf("[%d]", i)
	}
	return ""
}

// approvables builds one Approvable per action, each with the approvers
// and the minimum.
func approvables(actions, approvers []string, minimum int) []glapi.Approvable {
	aps := make([]glapi.Approver, len(approvers))
	for i, e := range approvers {
		aps[i] = glapi.Approver{Email: e}
	}
	out := make([]glapi.Approvable, len(actions))
	for i, a := range actions {
		out[i] = glapi.Approvable{ApprovableName: a, Approvers: aps, MinApprovers: minimum}
	}
	return out
}

func groupResources(ids []string) []glapi.PolicyResource {
	out := make([]glapi.PolicyResource, len(ids))
	for i, id := range ids {
		out[i] = glapi.PolicyResource{ResourceID: id, ResourceType: glapi.ResourceGroup}
	}
	return out
}

// policiesCreate is compute.approvals.policies.create(name, actions,
// approvers, groups, min_approvers=1, description=None).
func policiesCreate(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	var (
		name      = StringArg{What: "a policy name", NonEmpty: true}
		actions   ActionsArg
		approvers EmailsArg
		groups    GroupsArg
		minimum   = IntArg{Min: 1, Max: 100, Value: 1}
		desc      StringArg
	)
	if err := a.Unpack("name", &name, "actions", &actions, "approvers", &approvers, "groups", &groups,
		"min_approvers", &minimum, "description", &desc); err != nil {
		return nil, err
	}
	if minimum.Value > len(approvers.Emails) {
		return nil, a.Error("min_approvers", fmt.Sprintf("an int from 1 to %d (the number of approvers)", len(approvers.Emails)))
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	p, err := c.ApprovalPolicies.Create(ctx, glapi.ApprovalPolicy{
		Name: name.Value, Description: desc.Value,
		PolicyData: &glapi.PolicyData{
			Approvables: approvables(actions.Names, approvers.Emails, minimum.Value),
			Resources:   groupResources(groups.IDs),
		},
	})
	if err != nil {
		return nil, callError(a.Fn(), err)
	}
	return ToStarlark(p), nil
}

// policiesUpdate is compute.approvals.policies.update(id, name=None,
// description=None, actions=None, approvers=None, min_approvers=None,
// groups=None).
func policiesUpdate(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	var (
		id        = IDArg{What: "approval policy"}
		name      = StringArg{What: "a policy name", NonEmpty: true}
		desc      StringArg
		actions   ActionsArg
		approvers EmailsArg
		minimum   = IntArg{Min: 1, Max: 100}
		groups    GroupsArg
	)
	if err := a.Unpack("id", &id, "name", &name, "description", &desc, "actions", &actions,
		"approvers", &approvers, "min_approvers", &minimum, "groups", &groups); err != nil {
		return nil, err
	}
	p := glapi.ApprovalPolicy{Name: name.Value, Description: desc.Value}
	if a.Has("actions") || a.Has("approvers") || a.Has("min_approvers") {
		if !a.Has("actions") || !a.Has("approvers") {
			return nil, fmt.Errorf("%s: actions= and approvers= go together: the policy's actions are replaced as a whole", a.Fn())
		}
		if minimum.Value > len(approvers.Emails) {
			return nil, a.Error("min_approvers", fmt.Sprintf("an int from 1 to %d (the number of approvers)", len(approvers.Emails)))
		}
		p.PolicyData = &glapi.PolicyData{Approvables: approvables(actions.Names, approvers.Emails, minimum.Value)}
	}
	if a.Has("groups") {
		if p.PolicyData == nil {
			p.PolicyData = &glapi.PolicyData{}
		}
		p.PolicyData.Resources = groupResources(groups.IDs)
	}
	if p.Name == "" && p.Description == "" && p.PolicyData == nil {
		return nil, fmt.Errorf("%s: nothing to update: give name=, description=, actions= with approvers=, or groups=", a.Fn())
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	out, err := c.ApprovalPolicies.Update(ctx, id.ID, p)
	if err != nil {
		return nil, callError(a.Fn(), err)
	}
	return ToStarlark(out), nil
}

// requestDecision is approve, decline or cancel(request, remarks=None): the
// request is an approval request (record or id) or a job record, whose
// request is looked up.
func requestDecision(do func(c *glapi.Client) func(ctx context.Context, id, remarks string) (glapi.Object, error)) apiImpl {
	return func(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
		req := IDArg{What: "approval request"}
		var remarks StringArg
		if err := a.Unpack("request", &req, "remarks", &remarks); err != nil {
			return nil, err
		}
		c, err := apiClient(env, a.Fn())
		if err != nil {
			return nil, err
		}
		id := req.ID
		if t, ok := recordType(a.Value("request")); ok && t == "compute-ops-mgmt/job" {
			r, err := c.ApprovalRequests.ForJob(ctx, req.ID)
			if err != nil {
				return nil, callError(a.Fn(), err)
			}
			if r == nil {
				return nil, fmt.Errorf("%s: job %s has no approval request", a.Fn(), req.ID)
			}
			id = r.ID()
		}
		out, err := do(c)(ctx, id, remarks.Value)
		if err != nil {
			return nil, callError(a.Fn(), err)
		}
		return ToStarlark(out), nil
	}
}
