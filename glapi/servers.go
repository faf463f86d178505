package glapi

import (
	"context"

	"glrun/glapi/odata"
)

// ServersService is /compute-ops-mgmt/v1/servers.
type ServersService struct{ c *Client }

const (
	// serversPageMax is the largest limit GET /servers accepts.
	serversPageMax = 100
)

func (s *ServersService) lister() lister {
	return lister{api: apiCompute, coll: CollectionServers, resource: odata.ResourceServers, maxPage: serversPageMax}
}

// Get returns the server id (ids contain "+", sent as %2B).
func (s *ServersService) Get(ctx context.Context, id string) (Object, error) {
	if err := requireID("getting a server", id); err != nil {
		return nil, err
	}
	return s.c.getObject(ctx, apiCompute, CollectionServers, id)
}

// List returns the servers matching opts, reading every page unless
// opts.Limit caps them.
func (s *ServersService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, s.lister(), opts)
}

// ListFunc calls fn for each server matching opts, a page at a time.
func (s *ServersService) ListFunc(ctx context.Context, opts ListOptions, fn func(Object) error) error {
	return s.c.each(ctx, s.lister(), opts, fn)
}
