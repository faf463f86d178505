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
	return []string{ResourceApprovalPolicies, ResourceApprovalRequests, ResourceAsyncOperations,
		ResourceCredentials, ResourceExternalServices, ResourceFirmwareBundles, ResourceGroups,
		ResourceJobs, ResourceSchedules, ResourceServers, ResourceUsers}
}
