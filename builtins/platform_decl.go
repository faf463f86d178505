package builtins

import (
	"context"

	"glrun/glapi"
)

// devicesParam documents the devices= parameter of the device writes.
var devicesParam = ParamDoc{Name: "devices", Desc: "the devices: a device record or id, or a list of them (changed 25 at a time, the API's limit)"}

// writeReturns says what a device or subscription write returns.
const writeReturns = "a list of operation records (one per request; `devices.wait` waits for them)"

// platformBuiltins declares the modules of the platform's onboarding
// APIs: devices, subscriptions, services, authorization, identity.groups,
// audit, and compute.activities with the group membership builtins of
// compute.groups.
func platformBuiltins() []builtin {
	var (
		devList  = func(c *glapi.Client) lister { return c.Devices.ListFunc }
		devGet   = func(c *glapi.Client) getter { return c.Devices.Get }
		waitDocs = append([]ParamDoc{
			{Name: "op", Desc: "an operation record (as a write returns it) or id string, or a list of them"},
		}, waitParamDocs()...)
	)
	return []builtin{
		listDecl("devices", "the workspace's devices", `unassigned = devices.list(filter = "assignedState eq 'UNASSIGNED'")
print([d.serialNumber for d in unassigned])`, devList),
		getDecl("devices", "device", `d = devices.list(limit = 1)[0]
print(devices.get(d.id).serialNumber)`, devGet),
		{Doc: Doc{Name: "devices.find",
			Params:  []ParamDoc{{Name: "serial", Desc: "the device's serial number, matched exactly"}},
			Summary: "Find a device of the workspace by serial number.", Returns: "the device record, or None when there is none",
			Example: `d = devices.find("MXQ3300A01")
print(d.partNumber, d.assignedState)`},
			impl: devicesFind()},
		{Doc: Doc{Name: "devices.add",
			Params: []ParamDoc{
				{Name: "devices", Desc: "a dict `{\"serial\": ..., \"part\": ...}` (network devices: `\"mac\"` instead of `\"part\"`; optional `\"type\"` and `\"tags\"`), or a list of them (sent 5 at a time, the API's limit)"},
				{Name: "type", Default: `"compute"`, Desc: "the type of the devices that do not say theirs: `\"compute\"`, `\"network\"` or `\"storage\"`"},
			},
			Summary: "Add devices to the workspace (asynchronous: wait for the operations).", Mutates: true,
			Returns: writeReturns + "; a device HPE does not know fails in its operation",
			Example: `ops = devices.add({"serial": "CZ2401ONB1", "part": "P52534-B21"})
devices.wait(ops, timeout = "5m")
print(devices.find("CZ2401ONB1").assignedState)`},
			impl: api(devicesAdd)},
		{Doc: Doc{Name: "devices.assign",
			Params: []ParamDoc{devicesParam,
				{Name: "application", Desc: "the service manager: its name, such as `\"Compute Ops Management\"`, or its id; it must be provisioned in the region"},
				{Name: "region", Default: "None", Desc: "the region, such as `\"us-west\"`; by default the region of glrun's Compute Ops Management"},
			},
			Summary: "Assign devices to a service manager in a region.", Mutates: true, Returns: writeReturns,
			Example: `d = devices.find("MXQ3300A01")
devices.wait(devices.assign(d, "Compute Ops Management"), timeout = "5m")`},
			impl: deviceWrite(devicesAssign)},
		{Doc: Doc{Name: "devices.unassign", Params: []ParamDoc{devicesParam},
			Summary: "Remove devices from their service manager.", Mutates: true, Returns: writeReturns,
			Example: `d = devices.find("MXQ3300A02")
devices.wait(devices.unassign(d), timeout = "5m")`},
			impl: deviceWrite(devicesOnly(func(c *glapi.Client) devicesWriter { return c.Devices.Unassign }))},
		{Doc: Doc{Name: "devices.subscribe",
			Params: []ParamDoc{devicesParam,
				{Name: "subscription", Desc: "the subscription: its key, such as `\"PAT4DYYJAEEEJA\"`, or a record of it; it must be in the workspace, not expired, with a seat for each device"},
			},
			Summary: "Apply a subscription to devices.", Mutates: true, Returns: writeReturns,
			Example: `d = devices.find("MXQ3300A01")
devices.wait(devices.subscribe(d, "PAT4DYYJAEEEJA"), timeout = "5m")
print(devices.get(d).subscription[0].key)`},
			impl: deviceWrite(devicesSubscribe)},
		{Doc: Doc{Name: "devices.unsubscribe", Params: []ParamDoc{devicesParam},
			Summary: "Remove the subscriptions of devices.", Mutates: true, Returns: writeReturns,
			Example: `d = devices.find("MXQ3300A03")
devices.wait(devices.unsubscribe(d), timeout = "5m")`},
			impl: deviceWrite(devicesOnly(func(c *glapi.Client) devicesWriter { return c.Devices.Unsubscribe }))},
		{Doc: Doc{Name: "devices.tag",
			Params: []ParamDoc{devicesParam,
				{Name: "tags", Desc: "a dict of tags such as `{\"site\": \"lab\"}`; a value None deletes that tag"},
			},
			Summary: "Set or delete tags of devices.", Mutates: true, Returns: writeReturns,
			Example: `d = devices.find("MXQ3300A01")
devices.wait(devices.tag(d, {"site": "lab", "old": None}), timeout = "5m")`},
			impl: deviceWrite(func(ctx context.Context, _ *Env, a *Args, ids []string, client clientFunc) ([]glapi.Operation, error) {
				var tags TagsArg
				if err := a.Unpack("tags", &tags); err != nil {
					return nil, err
				}
				c, err := client()
				if err != nil {
					return nil, err
				}
				return c.Devices.Tag(ctx, ids, tags.Tags, glapi.WriteOptions{})
			})},
		{Doc: Doc{Name: "devices.set_location",
			Params: []ParamDoc{devicesParam,
				{Name: "location", Desc: "the location's id (or a record of it)"},
			},
			Summary: "Set the location of devices.", Mutates: true, Returns: writeReturns,
			Example: `d = devices.find("MXQ3300A01")
devices.wait(devices.set_location(d, "6a1b2c3d-0000-4000-8000-00000000a001"), timeout = "5m")`},
			impl: deviceWrite(func(ctx context.Context, _ *Env, a *Args, ids []string, client clientFunc) ([]glapi.Operation, error) {
				loc := IDArg{What: "location"}
				if err := a.Unpack("location", &loc); err != nil {
					return nil, err
				}
				c, err := client()
				if err != nil {
					return nil, err
				}
				return c.Devices.SetLocation(ctx, ids, loc.ID, glapi.WriteOptions{})
			})},
		{Doc: Doc{Name: "devices.archive",
			Params: []ParamDoc{devicesParam,
				{Name: "archived", Default: "True", Desc: "True archives, False unarchives"},
			},
			Summary: "Archive (or unarchive) devices.", Mutates: true, Returns: writeReturns,
			Example: `d = devices.find("MXQ3300A03")
devices.wait(devices.archive(d), timeout = "5m")
print(devices.get(d).archived)`},
			impl: deviceWrite(func(ctx context.Context, _ *Env, a *Args, ids []string, client clientFunc) ([]glapi.Operation, error) {
				var archived BoolArg
				if err := a.Unpack("archived", &archived); err != nil {
					return nil, err
				}
				c, err := client()
				if err != nil {
					return nil, err
				}
				return c.Devices.Archive(ctx, ids, archived.Value, glapi.WriteOptions{})
			})},
		{Doc: Doc{Name: "devices.wait", Params: waitDocs,
			Summary: "Wait until device (or subscription) operations are SUCCEEDED or FAILED; with fail_on_error, a device that failed in a batch fails the wait too.",
			Returns: "the finished operation, or the list of them",
			Example: `ops = devices.add([{"serial": "CZ2401ONB2", "part": "P52534-B21"}, {"serial": "CZ2401ONB3", "part": "P28948-B21"}])
done = devices.wait(ops, timeout = "10m", poll = "2s")
print([op.status for op in done])`},
			impl: api(platformOpsWait(opKindDevices))},

		{Doc: Doc{Name: "subscriptions.list", Params: listParamDocs(),
			Summary: "List the workspace's subscriptions matching a filter, over every page.",
			Returns: "a list of subscription records, with `seats`, `seats_available` and `days_left` added",
			Example: `for s in subscriptions.list():
    print(s.key, s.seats_available, "of", s.seats, "seats,", s.days_left, "days left")`},
			impl: subscriptionsList()},
		{Doc: Doc{Name: "subscriptions.get", Params: []ParamDoc{{Name: "id", Desc: "the subscription's id, or a record of it"}},
			Summary: "Read one subscription by id.", Returns: "a subscription record (see subscriptions.list)",
			Example: `s = subscriptions.list(limit = 1)[0]
print(subscriptions.get(s).seats_available)`},
			impl: subscriptionsGet()},
		{Doc: Doc{Name: "subscriptions.find", Params: []ParamDoc{{Name: "key", Desc: "the subscription key, matched exactly"}},
			Summary: "Find a subscription of the workspace by key.", Returns: "the subscription record, or None when the workspace has none",
			Example: `s = subscriptions.find("PAT4DYYJAEEEJA")
print(s.tier, s.endTime)`},
			impl: subscriptionsFind()},
		{Doc: Doc{Name: "subscriptions.add",
			Params:  []ParamDoc{{Name: "keys", Desc: "a subscription key, or a list of them (sent 5 at a time, the API's limit)"}},
			Summary: "Add subscription keys to the workspace (asynchronous: wait for the operations).", Mutates: true,
			Returns: writeReturns,
			Example: `if subscriptions.find("KEYNOTADDED001") == None:
    subscriptions.wait(subscriptions.add("KEYNOTADDED001"), timeout = "5m")
print(subscriptions.find("KEYNOTADDED001").seats)`},
			impl: api(subscriptionsAdd)},
		{Doc: Doc{Name: "subscriptions.wait", Params: waitDocs,
			Summary: "Wait until subscription operations are SUCCEEDED or FAILED (devices.wait, for an id string of a subscription operation).",
			Returns: "the finished operation, or the list of them",
			Example: `ops = subscriptions.add("KEYNOTADDED001")
print(subscriptions.wait(ops[0], timeout = "5m").status)`},
			impl: api(platformOpsWait(opKindSubscriptions))},

		{Doc: Doc{Name: "services.list", Params: listParamDocs()[:1],
			Summary: "List the workspace's service-manager provisions: which application serves which region.",
			Returns: "a list of provision records, with the service manager's `name` and id (`application`) added",
			Example: `for p in services.list():
    print(p.name, p.region, p.provisionStatus)`},
			impl: api(servicesList)},
		{Doc: Doc{Name: "services.managers",
			Summary: "List the service managers (applications) of the service catalog.", Returns: "a list of service manager records",
			Example: `print([m.name for m in services.managers()])`},
			impl: api(servicesManagers)},
		{Doc: Doc{Name: "services.find",
			Params: []ParamDoc{
				{Name: "name", Desc: "the service manager's name, such as `\"Compute Ops Management\"` (compared ignoring case), or its id"},
				{Name: "region", Default: "None", Desc: "the region; by default that of glrun's Compute Ops Management"},
			},
			Summary: "Find the provision of a service manager in a region.",
			Returns: "the provision record (see services.list), or None when it is not provisioned there",
			Example: `p = services.find("Compute Ops Management")
print(p.application, p.region)`},
			impl: api(servicesFind)},
		{Doc: Doc{Name: "services.region",
			Summary: "The region of glrun's Compute Ops Management: where a device must be assigned for it to appear among compute.servers.",
			Returns: "a region string such as `\"us-west\"`",
			Example: `print(services.region())`},
			impl: api(servicesRegion)},

		{Doc: Doc{Name: "authorization.role_assignments.list",
			Params: append(listParamDocs(), ParamDoc{Name: "principal", Default: "None",
				Desc: "only the assignments of this principal: `\"user:<id>\"`, `\"user-group:<id>\"`, `\"api-client:<id>\"` or a user or group record"}),
			Summary: "List role assignments (who has which role on which scope).",
			Returns: "a list of role assignment records",
			Example: `u = identity.users.list(limit = 1)[0]
for ra in authorization.role_assignments.list(principal = u):
    print(ra.role, ra.scope)`},
			impl: api(roleAssignmentsList)},
		{Doc: Doc{Name: "authorization.role_assignments.create",
			Params: []ParamDoc{
				{Name: "principal", Desc: "who: `\"user:<id>\"`, `\"user-group:<id>\"`, `\"api-client:<id>\"`, or a user or user group record"},
				{Name: "role", Desc: "the role's GRN, or its name such as `\"ccs.observer\"`"},
				{Name: "scope", Default: "None", Desc: "a scope GRN or a list of them; by default the workspace"},
			},
			Summary: "Assign a role to a principal on a scope (formats are checked before sending).", Mutates: true,
			Returns: "the role assignment",
			Example: `u = identity.users.find("jane.doe@example.com")
ra = authorization.role_assignments.create(u, "compute-ops-mgmt.viewer")
print(ra.role)`},
			impl: api(roleAssignmentsCreate)},
		{Doc: Doc{Name: "authorization.role_assignments.update",
			Params: []ParamDoc{
				{Name: "id", Desc: "the role assignment's id, or a record of it"},
				{Name: "scope", Desc: "the new scope: a scope GRN or a list of them"},
			},
			Summary: "Change the scope of a role assignment (the only field that can change).", Mutates: true,
			Returns: "the role assignment",
			Example: `ra = authorization.role_assignments.list(limit = 1)[0]
authorization.role_assignments.update(ra, ra.scope)`},
			impl: api(roleAssignmentsUpdate)},
		{Doc: Doc{Name: "authorization.role_assignments.delete",
			Params:  []ParamDoc{{Name: "id", Desc: "the role assignment's id, or a record of it"}},
			Summary: "Remove a role assignment.", Mutates: true,
			Example: `u = identity.users.find("jane.doe@example.com")
for ra in authorization.role_assignments.list(principal = u):
    if ra.role.endswith("/ccs.observer"):
        authorization.role_assignments.delete(ra)`},
			impl: deleteImpl("role assignment", func(c *glapi.Client) deleter { return c.Authorization.DeleteRoleAssignment })},
		{Doc: Doc{Name: "authorization.workspace_scope",
			Summary: "The scope GRN of the workspace itself, `grn:glp/workspaces/<id>` (as its role assignments show it).",
			Returns: "a scope GRN string",
			Example: `print(authorization.workspace_scope().startswith("grn:glp/workspaces/"))`},
			impl: api(workspaceScopeImpl)},
		{Doc: Doc{Name: "authorization.scope_groups.list", Params: listParamDocs(),
			Summary: "List the scope groups (named sets of resources a role can be scoped to).",
			Returns: "a list of scope group records (their `grn` is what a scope takes)",
			Example: `print([g.name for g in authorization.scope_groups.list()])`},
			impl: listImpl(func(c *glapi.Client) lister {
				return func(ctx context.Context, opts glapi.ListOptions, fn func(glapi.Object) error) error {
					items, err := c.Authorization.ScopeGroups(ctx, opts)
					for _, it := range items {
						if err := fn(it); err != nil {
							return err
						}
					}
					return err
				}
			})},

		{Doc: Doc{Name: "identity.groups.list",
			Params: []ParamDoc{
				{Name: "filter", Default: "None", Desc: "a SCIM filter (not OData): `displayName eq|sw|co \"...\"`, or the HPE extension's `source eq`"},
				{Name: "limit", Default: "None", Desc: "return at most this many groups; None reads every page"},
			},
			Summary: "List the workspace's user groups (SCIM), over every page.", Returns: "a list of group records",
			Example: `print([g.displayName for g in identity.groups.list(filter = 'displayName sw "server"')])`},
			impl: api(scimGroupsList)},
		{Doc: Doc{Name: "identity.groups.get", Params: []ParamDoc{{Name: "id", Desc: "the group's id, or a record of it"}},
			Summary: "Read one user group by id.", Returns: "a group record",
			Example: `g = identity.groups.list(limit = 1)[0]
print(identity.groups.get(g).displayName)`},
			impl: getImpl("group", func(c *glapi.Client) getter { return c.SCIMGroups.Get })},
		{Doc: Doc{Name: "identity.groups.find", Params: []ParamDoc{{Name: "name", Desc: "the group's displayName, matched exactly"}},
			Summary: "Find a user group by name.", Returns: "the group record, or None when there is none",
			Example: `g = identity.groups.find("server-operators")
print(g.id)`},
			impl: scimGroupsFind()},
		{Doc: Doc{Name: "identity.groups.members", Params: []ParamDoc{{Name: "group", Desc: "the group: a record or an id string"}},
			Summary: "List the users of a user group.", Returns: "a list of user records",
			Example: `g = identity.groups.find("server-operators")
print([u.userName for u in identity.groups.members(g)])`},
			impl: scimGroupMembers()},
		{Doc: Doc{Name: "identity.groups.create",
			Params: []ParamDoc{
				{Name: "name", Desc: "the group's name (displayName)"},
				{Name: "description", Default: "None", Desc: "a description"},
			},
			Summary: "Create a user group.", Mutates: true, Returns: "the group",
			Example: `if identity.groups.find("db-admins") == None:
    identity.groups.create("db-admins", description = "Database administrators")`},
			impl: api(scimGroupsCreate)},
		{Doc: Doc{Name: "identity.groups.delete", Params: []ParamDoc{{Name: "id", Desc: "the group's id, or a record of it"}},
			Summary: "Delete a user group.", Mutates: true,
			Example: `g = identity.groups.find("server-operators")
if g != None:
    identity.groups.delete(g)`},
			impl: deleteImpl("group", func(c *glapi.Client) deleter { return c.SCIMGroups.Delete })},
		{Doc: Doc{Name: "identity.groups.add_members",
			Params: []ParamDoc{
				{Name: "group", Desc: "the group: a record or an id string"},
				{Name: "users", Desc: "a user record, id or username (email address), or a list of them"},
			},
			Summary: "Add users to a user group.", Mutates: true, Returns: "the group",
			Example: `g = identity.groups.find("server-operators")
identity.groups.add_members(g, "ops.admin@example.com")`},
			impl: api(scimMembers(true))},
		{Doc: Doc{Name: "identity.groups.remove_members",
			Params: []ParamDoc{
				{Name: "group", Desc: "the group: a record or an id string"},
				{Name: "users", Desc: "a user record, id or username (email address), or a list of them"},
			},
			Summary: "Remove users from a user group.", Mutates: true, Returns: "the group",
			Example: `g = identity.groups.find("server-operators")
identity.groups.remove_members(g, "jane.doe@example.com")`},
			impl: api(scimMembers(false))},

		{Doc: Doc{Name: "audit.list",
			Params: []ParamDoc{
				{Name: "filter", Default: "None", Desc: "an OData filter on createdAt (ge, lt), category, description, username, ipAddress, workspace/name, workspace/type, serviceOffer/id, region, hasDetails; without a serviceOffer/id clause the API returns platform entries only"},
				{Name: "limit", Default: "None", Desc: "return at most this many entries; None reads every page"},
				{Name: "since", Default: "None", Desc: "only entries of this recent past: a duration such as `\"24h\"` (added to the filter as a createdAt clause)"},
			},
			Summary: "List the workspace's audit log, newest first.", Returns: "a list of audit log records",
			Example: `for e in audit.list(since = "168h"):
    print(e.createdAt, e.username, e.description)`},
			impl: api(auditList)},
		{Doc: Doc{Name: "compute.activities.list", Params: listParamDocs(),
			Summary: "List Compute Ops Management's activities (jobs created and finished, servers arrived), newest first.",
			Returns: "a list of activity records",
			Example: `for act in compute.activities.list(limit = 5):
    print(act.createdAt, act.title)`},
			impl: activitiesList()},
		{Doc: Doc{Name: "compute.groups.devices", Params: []ParamDoc{{Name: "group", Desc: "the group: a record or an id string"}},
			Summary: "List the servers of a group (its members, with their serial and id).",
			Returns: "a list of group device records (`deviceId` is the server's id)",
			Example: `g = compute.groups.list(filter = "name eq 'prod-web'")[0]
print([d.serial for d in compute.groups.devices(g)])`},
			impl: groupsDevices()},
		{Doc: Doc{Name: "compute.groups.add_servers",
			Params: []ParamDoc{
				{Name: "group", Desc: "the group: a record or an id string"},
				{Name: "servers", Desc: "a server record or id, or a list of them; a server in another group is not moved (the operation fails)"},
			},
			Summary: "Add servers to a group (asynchronous: wait with compute.async_ops.wait).", Mutates: true,
			Returns: "the async operation record",
			Example: `g = compute.groups.list(filter = "name eq 'lab'")[0]
s = compute.servers.list(limit = 1)[0]
op = compute.groups.add_servers(g, s)
print(compute.async_ops.wait(op, timeout = "5m", fail_on_error = False).state)`},
			impl: api(groupsAddServers)},
	}
}

// platformModules documents the modules platformBuiltins declares.
func platformModules() []ModuleDoc {
	return []ModuleDoc{
		{"audit", "The workspace's audit log: who changed what."},
		{"authorization", "Role-based access: role assignments and scope groups."},
		{"authorization.role_assignments", "Who holds which role on which scope."},
		{"authorization.scope_groups", "Scope groups: named sets of resources to scope roles to."},
		{"compute.activities", "Compute Ops Management's activity feed."},
		{"devices", "The workspace's device inventory: add, assign, subscribe, tag, archive; every write is asynchronous."},
		{"identity.groups", "User groups (SCIM): find, create, delete, members."},
		{"services", "The service catalog: which application serves which region of the workspace."},
		{"subscriptions", "Subscription keys of the workspace, with their seats and expiry."},
	}
}

// platformNames are the top-level names platformBuiltins adds.
var platformNames = []string{"audit", "authorization", "devices", "services", "subscriptions"}
