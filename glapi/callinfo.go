package glapi

import (
	"context"
	"net/http"
	"strings"
)

// Call describes one API request in the API's own terms, so that the layers
// below Client.do (modes, the run's tally and report, plans, tests) never
// parse a URL path again. Client.do attaches it to every request's context;
// read it with CallOf.
type Call struct {
	// Resource is the collection, as a short plural noun such as "jobs",
	// "servers", "users", "credentials", "async-operations" (the last path
	// segment of the collection).
	Resource string
	// Collection is the collection's path, such as
	// "/compute-ops-mgmt/v1/jobs" (for messages and plan summaries).
	Collection string
	// ID is the object the request is about; "" for the collection itself.
	ID string
	// Action is what is done to the object beyond CRUD, the path segment after
	// the id such as "reset" or "approve"; "" for none.
	Action string
	// Method is the HTTP method.
	Method string
	// Mutates is true for a request that changes something (POST, PUT,
	// PATCH, DELETE).
	Mutates bool
	// OutcomeCheck is true for the read that looks for the result of a
	// change whose outcome was unknown (a job created just before, an
	// invitation, a credential by name): what it finds is adopted by the run.
	OutcomeCheck bool
	// Token is true for the OAuth2 token request (set by the auth layer on
	// its own requests; API calls leave it false).
	Token bool
	// Job is set for a job creation: the template and the resource it runs on.
	Job *JobCreate
	// DryRunnable is true for a mutation whose API honours the dry-run=true
	// query parameter (validates it and changes nothing): the device and
	// subscription writes. A plan sends such a mutation with dry-run=true
	// to record the platform's own verdict on it.
	DryRunnable bool
}

// Kind returns "METHOD collection/{id}[/action]" with the id collapsed, so
// that changes to many objects of one kind count together, such as
// "DELETE /identity/v1/users/{id}".
func (c Call) Kind() string {
	s := c.Method + " " + c.Collection
	if c.ID != "" {
		s += "/{id}"
	}
	if c.Action != "" {
		s += "/" + c.Action
	}
	return s
}

// The collections glrun calls, as Call.Collection spells them (see
// docs/api.md).
const (
	CollectionJobs            = prefixCompute + "/jobs"
	CollectionAsyncOperations = prefixCompute + "/async-operations"
	CollectionServers         = prefixCompute + "/servers"
	CollectionGroups          = prefixCompute + "/groups"
	CollectionFirmwareBundles = prefixCompute + "/firmware-bundles"
	CollectionUsers           = prefixIdentity + "/users"
	CollectionCredentials     = prefixWorkspaces + "/credentials"
	CollectionActivities      = prefixComputeBeta + "/activities"

	// CollectionDevices is where devices are listed, read and added.
	CollectionDevices = prefixDevicesV1 + "/devices"
	// CollectionDevicesUpdate is where devices are changed (PATCH ?id=...):
	// the v2beta1 path, the only one that also sets tags, location and
	// archived.
	CollectionDevicesUpdate = prefixDevicesV2 + "/devices"
	// CollectionDeviceOperations holds the async operations of device
	// writes (v2beta1 writes point here too).
	CollectionDeviceOperations       = prefixDevicesV1 + "/async-operations"
	CollectionSubscriptions          = prefixSubscriptions + "/subscriptions"
	CollectionSubscriptionOperations = prefixSubscriptions + "/async-operations"
	CollectionServiceManagers        = prefixServiceCatalog + "/service-managers"
	CollectionServiceProvisions      = prefixServiceCatalog + "/service-manager-provisions"
	CollectionRoleAssignments        = prefixAuthorization + "/role-assignments"
	CollectionScopeGroups            = prefixAuthorization + "/scope-groups"
	CollectionSCIMGroups             = prefixSCIM + "/Groups"
	CollectionAuditLogs              = prefixAuditLog + "/logs"
)

// IsJobCreation reports whether c creates a job (c.Job is then its body).
func (c Call) IsJobCreation() bool {
	return c.Collection == CollectionJobs && c.Method == http.MethodPost && c.ID == ""
}

// URI returns the resourceUri of the object id of collection, such as
// "/compute-ops-mgmt/v1/firmware-bundles/ID" (ids are not escaped, as
// resourceUri fields show them).
func URI(collection, id string) string { return collection + "/" + id }

// ServiceManagerURI is the resourceUri the platform gives a service
// manager (an application) in device and provision records; it names the
// v1beta1 collection, whatever version was asked.
func ServiceManagerURI(id string) string {
	return "/service-catalog/v1beta1/service-managers/" + id
}

// IDOf returns the id at the end of a resourceUri or Location, such as
// "ID" for "/workspaces/v1/workspaces/ID".
func IDOf(uri string) string { return uri[strings.LastIndexByte(uri, '/')+1:] }

type callKey struct{}

// WithCall returns ctx carrying c.
func WithCall(ctx context.Context, c Call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

// CallOf returns the description of req that Client.do attached, and
// whether there is one (requests not made by a Client, such as the token
// exchange, have none).
func CallOf(req *http.Request) (Call, bool) {
	c, ok := req.Context().Value(callKey{}).(Call)
	return c, ok
}
