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
)

// property is one filterable property; nested means that every path below
// it (name/...) is filterable too.
type property struct {
	name   string
	nested bool
}

// resourceProperties returns the filterable properties of a resource, or
// nil for an unknown resource. Sources:
//   - jobs: the jobs list documentation (and the v1 jobs filter description), with the nested
//     paths resource/id and resource/type;
//   - async-operations: the async-operations list documentation;
//   - users: the identity users list documentation;
//   - external-services: the external-services list documentation;
//   - credentials: tenantId (the identity guide, MSP workspaces);
//   - servers: the v1 servers filter description of the COM API,
//     where "hardware and all nested properties" (also host,
//     lastFirmwareUpdate, oneview, state) allows every nested path;
//   - groups: the v1 groups filter description; its own examples filter on
//     autoAddTags/Department, so autoAddTags (and policies, also an object)
//     allow nested paths;
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
		return plain("id", "username", "userStatus", "createdAt", "updatedAt", "lastLogin")
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
	return []string{ResourceAsyncOperations, ResourceCredentials, ResourceExternalServices,
		ResourceFirmwareBundles, ResourceGroups, ResourceJobs, ResourceServers, ResourceUsers}
}
