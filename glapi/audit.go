package glapi

import (
	"context"

	"glrun/glapi/odata"
)

// AuditService reads what happened in the workspace: the platform audit
// log (/audit-log/v2beta1/logs) and the Compute Ops Management activities
// (/compute-ops-mgmt/v1beta2/activities; there is no v1 activities path).
type AuditService struct{ c *Client }

const (
	// auditPageMax is the largest limit GET /audit-log/v2beta1/logs accepts.
	auditPageMax = 2000
	// activitiesPageMax is the largest limit GET /activities accepts.
	activitiesPageMax = 1000
)

// Logs returns the audit log entries matching opts, newest first (filter
// keys: createdAt (ge, lt), category, description, username, ipAddress,
// workspace/name, workspace/type, serviceOffer/id, region, hasDetails),
// reading every page unless opts.Limit caps them. Without a
// serviceOffer/id filter the API returns platform entries only.
func (s *AuditService) Logs(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, lister{api: apiGlobal, coll: CollectionAuditLogs, resource: odata.ResourceAuditLogs, maxPage: auditPageMax}, opts)
}

// Activities returns the Compute Ops Management activities matching opts,
// reading every page unless opts.Limit caps them.
func (s *AuditService) Activities(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, lister{api: apiCompute, coll: CollectionActivities, resource: odata.ResourceActivities, maxPage: activitiesPageMax}, opts)
}
