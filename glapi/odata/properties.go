package odata

// Resource names for per-endpoint validation.
const (
	ResourceJobs             = "jobs"
	ResourceAsyncOperations  = "async-operations"
	ResourceServers          = "servers"
	ResourceGroups           = "groups"
	ResourceFirmwareBundles  = "firmware-bundles"
	ResourceUsers            = "users"
	ResourceCredentials      = "credentials"
	ResourceExternalServices = "external-services"
	ResourceDevices          = "devices"
	ResourceSubscriptions    = "subscriptions"
	ResourceProvisions       = "service-manager-provisions"
	ResourceRoleAssignments  = "role-assignments"
	ResourceScopeGroups      = "scope-groups"
	ResourceAuditLogs        = "audit-logs"
	ResourceActivities       = "activities"
	ResourceApprovalPolicies = "approval-policies"
	ResourceApprovalRequests = "approval-requests"
	ResourceSchedules        = "schedules"
)

// property is one filterable property; nested means that paths below it
// (name/...) are filterable too, each level checked against the resource's
// shape (shapes_gen.go).
type property struct {
	name   string
	nested bool
}

// resourceProperties returns the filterable properties of a resource, or
// nil for an unknown resource. They are the lists under "... can be
// filtered by" in the description of each list endpoint's filter
// parameter (docs/filters.md), kept by hand because they are prose; the
// shapes below them come from the schemas (shapes_gen.go), and
// TestFilterablePropertiesAreInTheSchema checks that the two agree:
//   - jobs: the v1 jobs filter description, with the nested paths
//     resource/id and resource/type;
//   - async-operations, users (including firstName and lastName): their
//     filter descriptions;
//   - external-services: serviceType;
//   - credentials: tenantId (MSP workspaces), a property the service
//     derives from associatedTenant and the schema does not list;
//   - servers: the v1 servers filter description, where "hardware and all
//     nested properties" (also host, lastFirmwareUpdate, oneview, state)
//     allows nested paths;
//   - groups: the v1 groups filter description; its own examples filter on
//     autoAddTags/Department, so autoAddTags (free-form) and policies allow
//     nested paths;
//   - devices: the properties of the device list's filter examples, plus
//     the identifying fields of a device (id, macAddress, model,
//     deviceName, region, assignedState, archived, application/id) that
//     the onboarding steps match on;
//   - subscriptions: the list the subscriptions filter describes;
//   - service-manager-provisions: the filter is undescribed; the fields of
//     a provision (provisionStatus, not "status" as one published example
//     has it);
//   - role-assignments: role, scope and principal (the API accepts only
//     "in" and "and", each property at most once; the server enforces it);
//   - scope-groups: name and the other plain fields of a scope group;
//   - audit-logs: the v2beta1 filter keys (createdAt, category,
//     description, username, ipAddress, workspace/name, workspace/type,
//     serviceOffer/id, region, hasDetails);
//   - activities: the v1beta2 activities filter description;
//   - approval-policies, approval-requests, schedules (v1beta2): their
//     filter descriptions; the policies' policyData/resources/id and
//     policyData/resources/type reach into a list whose items the schema
//     spells resourceId and resourceType (the service derives them), and
//     the schedules' schedule/intervalInSec is left out (the schema has
//     no such property);
//   - firmware-bundles: the v1 endpoint documents no filter parameter, so
//     the table holds the top-level properties of its firmwareBundle-v1
//     schema (what a runbook can usefully match on, locally or in the
//     simulator).
func resourceProperties(resource string) []property {
	plain := func(names ...string) []property {
		ps := make([]property, len(names))
		for i, n := range names {
			ps[i] = property{name: n}
		}
		return ps
	}
	switch resource {
	case ResourceJobs:
		return plain("id", "type", "parentJobId", "createdAt", "updatedAt", "deleteOnComplete",
			"cancellable", "name", "jobParams", "state", "resultCode", "status", "statusDetails",
			"generation", "results", "resource/id", "resource/type", "jobTemplate")
	case ResourceAsyncOperations:
		return plain("createdAt", "endedAt", "error", "generation", "id", "logMessages",
			"progressPercent", "recommendations", "results", "sourceResourceUri", "startedAt",
			"state", "updatedAt")
	case ResourceUsers:
		return plain("id", "username", "firstName", "lastName", "userStatus", "createdAt", "updatedAt", "lastLogin")
	case ResourceExternalServices:
		return plain("serviceType")
	case ResourceCredentials:
		return plain("tenantId")
	case ResourceServers:
		ps := plain("autoIloFwUpdate", "biosFamily", "createdAt", "deviceClaimType",
			"firmwareBundleUri", "id", "lastFullInventoryCollectionAt",
			"lastFullInventoryCollectionPowerState", "lastServerLogCollectionAt", "managedBy",
			"name", "platformFamily", "processorVendor", "resourceUri", "serverGeneration")
		for _, n := range []string{"hardware", "host", "lastFirmwareUpdate", "oneview", "state"} {
			ps = append(ps, property{name: n, nested: true})
		}
		return ps
	case ResourceGroups:
		ps := plain("complianceStatus", "createdAt", "description", "deviceType", "generation",
			"id", "name", "securityStatus", "settingsUris", "updatedAt")
		return append(ps, property{name: "autoAddTags", nested: true}, property{name: "policies", nested: true})
	case ResourceDevices:
		return plain("id", "serialNumber", "partNumber", "macAddress", "deviceType", "category",
			"billingTier", "currentSupportLevelEndDate", "createdAt", "updatedAt", "inUseWorkspaceId",
			"isFlex", "make", "management", "manufacturedDate", "source", "model", "deviceName",
			"region", "assignedState", "archived", "application/id", "tenantWorkspaceId")
	case ResourceSubscriptions:
		return plain("id", "subscriptionType", "subscriptionStatus", "key", "quantity",
			"availableQuantity", "isEval", "sku", "skuDescription", "contract", "startTime", "endTime",
			"productType", "tier", "tierDescription", "quote", "po", "resellerPo", "createdAt", "updatedAt")
	case ResourceProvisions:
		return plain("id", "provisionStatus", "region", "serviceManager/id", "createdAt", "updatedAt")
	case ResourceRoleAssignments:
		return plain("role", "scope", "principal")
	case ResourceScopeGroups:
		return plain("id", "name", "description", "grn", "createdAt", "updatedAt")
	case ResourceAuditLogs:
		return plain("createdAt", "category", "description", "username", "ipAddress", "workspace/name",
			"workspace/type", "serviceOffer/id", "region", "hasDetails")
	case ResourceActivities:
		return plain("associatedServerId", "associatedServerUri", "createdAt", "groupId",
			"groupDisplayName", "healthState", "hidden", "id", "key", "resourceUri",
			"serverSettingsCategory", "serverSettingsId", "serverSettingsName", "source/id", "source/type",
			"source/resourceUri", "source/displayName", "source/originId")
	case ResourceApprovalPolicies:
		return plain("createdAt", "description", "name", "policyData/resources/id",
			"policyData/resources/type", "updatedAt")
	case ResourceApprovalRequests:
		return plain("approvableName", "approvableResource/id", "approvableResource/type",
			"approvalState", "createdAt", "operation/id", "operation/type", "policy/id", "updatedAt")
	case ResourceSchedules:
		return plain("createdAt", "generation", "historyUri", "id", "nextStartAt", "operation/body",
			"operation/headers", "operation/method", "operation/query", "operation/timeoutInSec",
			"operation/type", "operation/uri", "resourceUri", "schedule/startAt", "type", "updatedAt")
	case ResourceFirmwareBundles:
		return plain("advisories", "baseBundleUri", "bundleGeneration", "bundleNameFormat",
			"bundleType", "createdAt", "description", "displayName", "enhancements", "generation",
			"id", "isActive", "name", "platformFamily", "releaseDate", "releaseNotes",
			"releaseVersion", "resourceUri", "summary", "supportUrl", "supportedOsList", "type",
			"updatedAt", "vmwareAddonInfo")
	}
	return nil
}

// Resources returns the resource names Validate knows, sorted.
func Resources() []string {
	return []string{ResourceActivities, ResourceApprovalPolicies, ResourceApprovalRequests,
		ResourceAsyncOperations, ResourceAuditLogs, ResourceCredentials, ResourceDevices,
		ResourceExternalServices, ResourceFirmwareBundles, ResourceGroups, ResourceJobs,
		ResourceRoleAssignments, ResourceSchedules, ResourceScopeGroups, ResourceServers,
		ResourceProvisions, ResourceSubscriptions, ResourceUsers}
}
