package builtins

import (
	"context"

	"glrun/glapi"
)

// approvalsBuiltins declares compute.approvals: policies and requests.
func approvalsBuiltins() []builtin {
	var (
		polList = func(c *glapi.Client) lister { return c.ApprovalPolicies.ListFunc }
		polGet  = func(c *glapi.Client) getter { return c.ApprovalPolicies.Get }
		reqList = func(c *glapi.Client) lister { return c.ApprovalRequests.ListFunc }
		reqGet  = func(c *glapi.Client) getter { return c.ApprovalRequests.Get }
		policy  = ParamDoc{Name: "id", Desc: "the approval policy's id, or a record of it"}
		request = ParamDoc{Name: "request",
			Desc: "the approval request (a record or an id string), or the record of the job waiting for it"}
		remarks = func(what string) ParamDoc {
			return ParamDoc{Name: "remarks", Default: "None", Desc: what}
		}
		actions = ParamDoc{Name: "actions",
			Desc: "the actions that need approval: one or a list of `\"Power off\"`, `\"Power on\"`, `\"Reset\"`, `\"Cold boot\"`, `\"Update firmware\"`, `\"Update iLO firmware\"`, `\"Apply internal storage configuration\"`, `\"Apply external storage configuration\"`, `\"Install operating system image\"`, `\"Apply server settings (BIOS and iLO)\"` (case-sensitive)"}
		approvers = ParamDoc{Name: "approvers", Desc: "who may approve or decline: an email address or a list of them"}
		groups    = ParamDoc{Name: "groups", Desc: "the groups covered (and every server in them): a group record or id, or a list of them"}
	)
	decide := func(do func(c *glapi.Client) func(context.Context, string, string) (glapi.Object, error)) impl {
		return api(requestDecision(do))
	}
	return []builtin{
		listDecl("compute.approvals.policies", "approval policies",
			`print([p.name for p in compute.approvals.policies.list()])`, polList),
		getDecl("compute.approvals.policies", "approval policy", `for p in compute.approvals.policies.list(limit = 3):
    print(compute.approvals.policies.get(p.id).policyData)`, polGet),
		{Doc: Doc{Name: "compute.approvals.policies.create",
			Params: []ParamDoc{
				{Name: "name", Desc: "the policy's name (unique in the workspace)"},
				actions, approvers, groups,
				{Name: "min_approvers", Default: "1", Desc: "how many approvers must approve (a single decline declines)"},
				{Name: "description", Default: "None", Desc: "what the policy is for"},
			},
			Summary: "Create an approval policy: jobs doing these actions on these groups wait for approval.",
			Returns: "the created policy", Mutates: true,
			Example: `web = compute.groups.list(filter = "name eq 'prod-web'")[0]
p = compute.approvals.policies.create("prod-web CAB", actions = ["Power off", "Reset", "Update firmware"],
    approvers = ["cab-lead@example.com", "ops-lead@example.com"], groups = [web])
print(p.id, p.state)`},
			impl: api(policiesCreate)},
		{Doc: Doc{Name: "compute.approvals.policies.update",
			Params: []ParamDoc{
				policy,
				{Name: "name", Default: "None", Desc: "a new name"},
				{Name: "description", Default: "None", Desc: "a new description"},
				{Name: "actions", Default: "None", Desc: "new actions (as for create), with approvers=: they replace the policy's"},
				{Name: "approvers", Default: "None", Desc: "new approvers, with actions="},
				{Name: "min_approvers", Default: "None", Desc: "a new minimum, with actions= and approvers= (default 1)"},
				{Name: "groups", Default: "None", Desc: "new groups: they replace the policy's"},
			},
			Summary: "Change an approval policy (what is given replaces the policy's).",
			Returns: "the updated policy", Mutates: true,
			Example: `for p in compute.approvals.policies.list(filter = "name eq 'prod-web CAB'"):
    compute.approvals.policies.update(p, description = "CAB approval for prod-web changes")`},
			impl: api(policiesUpdate)},
		{Doc: Doc{Name: "compute.approvals.policies.delete", Params: []ParamDoc{policy},
			Summary: "Delete an approval policy.", Mutates: true,
			Example: `for p in compute.approvals.policies.list(filter = "name eq 'lab CAB'"):
    compute.approvals.policies.delete(p)`},
			impl: deleteImpl("approval policy", func(c *glapi.Client) deleter { return c.ApprovalPolicies.Delete })},
		{Doc: Doc{Name: "compute.approvals.requests.list", Params: listParamDocs(),
			Summary: "List approval requests matching a filter, over every page.",
			Returns: "a list of records",
			Example: `pending = compute.approvals.requests.list(filter = "approvalState eq 'PENDING'")
print([(r.approvableName, r.approvableResource.id) for r in pending])`},
			impl: listImpl(reqList)},
		getDecl("compute.approvals.requests", "approval request", `for r in compute.approvals.requests.list(limit = 3):
    print(compute.approvals.requests.get(r.id).approvalState)`, reqGet),
		{Doc: Doc{Name: "compute.approvals.requests.approve",
			Params:  []ParamDoc{request, remarks("why it is approved, such as a change number")},
			Summary: "Approve a request as this API client (an approver its policy names, not its requester).",
			Returns: "the API's answer: `approvalState` and `remarks`", Mutates: true,
			Example: `for r in compute.approvals.requests.list(filter = "approvalState eq 'PENDING' and approvableName eq 'Reset'"):
    compute.approvals.requests.approve(r, remarks = "CHG0042 approved by CAB")`},
			impl: decide(func(c *glapi.Client) func(context.Context, string, string) (glapi.Object, error) {
				return c.ApprovalRequests.Approve
			})},
		{Doc: Doc{Name: "compute.approvals.requests.decline",
			Params:  []ParamDoc{request, remarks("why it is declined; the requester's wait shows it")},
			Summary: "Decline a request: its job ends in ERROR with resultCode DECLINED.",
			Returns: "the API's answer: `approvalState` and `remarks`", Mutates: true,
			Example: `for r in compute.approvals.requests.list(filter = "approvalState eq 'PENDING' and approvableName eq 'Update firmware'"):
    compute.approvals.requests.decline(r, remarks = "change freeze until Monday")`},
			impl: decide(func(c *glapi.Client) func(context.Context, string, string) (glapi.Object, error) {
				return c.ApprovalRequests.Decline
			})},
		{Doc: Doc{Name: "compute.approvals.requests.cancel",
			Params:  []ParamDoc{request, remarks("why it is cancelled")},
			Summary: "Cancel a pending request this API client made: its job does not run.",
			Returns: "the cancelled request", Mutates: true,
			Example: `server = compute.servers.list(filter = "name eq 'prod-web-01'")[0]
job = compute.jobs.create("restart", server)
if job.state == "APPROVAL_PENDING":
    compute.approvals.requests.cancel(job, remarks = "wrong server")`},
			impl: decide(func(c *glapi.Client) func(context.Context, string, string) (glapi.Object, error) {
				return c.ApprovalRequests.Cancel
			})},
	}
}
