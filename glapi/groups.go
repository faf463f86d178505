package glapi

import (
	"context"

	"glrun/glapi/odata"
)

// GroupsService is /compute-ops-mgmt/v1/groups.
type GroupsService struct{ c *Client }

const (
	// groupsPageMax is the largest limit GET /groups accepts.
	groupsPageMax = 1000
)

func (s *GroupsService) lister() lister {
	return lister{api: apiCompute, coll: CollectionGroups, resource: odata.ResourceGroups, maxPage: groupsPageMax}
}

// Get returns the group id.
func (s *GroupsService) Get(ctx context.Context, id string) (Object, error) {
	if err := requireID("getting a group", id); err != nil {
		return nil, err
	}
	return s.c.getObject(ctx, apiCompute, CollectionGroups, id)
}

// List returns the groups matching opts, reading every page unless
// opts.Limit caps them.
func (s *GroupsService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, s.lister(), opts)
}

// ListFunc calls fn for each group matching opts, a page at a time.
func (s *GroupsService) ListFunc(ctx context.Context, opts ListOptions, fn func(Object) error) error {
	return s.c.each(ctx, s.lister(), opts, fn)
}

// Compliance returns the firmware compliance records of group id (GET
// /groups/{id}/compliance): one per server, each with its complianceState
// (COMPLIANT, NOT_COMPLIANT ...), the bundleId it was compared with and its
// deviations, as the group's last firmware compliance job left them.
func (s *GroupsService) Compliance(ctx context.Context, id string) ([]Object, error) {
	if err := requireID("getting a group's compliance", id); err != nil {
		return nil, err
	}
	l := lister{api: apiCompute, coll: CollectionGroups, id: id, action: "compliance", resource: odata.ResourceGroups}
	return s.c.all(ctx, l, ListOptions{})
}
