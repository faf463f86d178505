package glapi

import (
	"context"

	"glrun/glapi/odata"
)

// AsyncOpsService is /compute-ops-mgmt/v1/async-operations (cursor pagination).
type AsyncOpsService struct{ c *Client }

const (
	asyncOpsPageMax = 1000
)

func (s *AsyncOpsService) lister() lister {
	return lister{api: apiCompute, coll: CollectionAsyncOperations, resource: odata.ResourceAsyncOperations,
		maxPage: asyncOpsPageMax, cursor: true}
}

// Get returns the async operation id.
func (s *AsyncOpsService) Get(ctx context.Context, id string) (Object, error) {
	if err := requireID("getting an async operation", id); err != nil {
		return nil, err
	}
	return s.c.getObject(ctx, apiCompute, CollectionAsyncOperations, id)
}

// List returns the async operations matching opts, following the "next"
// cursor through every page unless opts.Limit caps them.
func (s *AsyncOpsService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, s.lister(), opts)
}

// ListFunc calls fn for each async operation matching opts, a page at a
// time; it stops at fn's first error and returns it.
func (s *AsyncOpsService) ListFunc(ctx context.Context, opts ListOptions, fn func(Object) error) error {
	return s.c.each(ctx, s.lister(), opts, fn)
}
