package glapi

import (
	"context"

	"glrun/glapi/odata"
)

// FirmwareBundlesService is /compute-ops-mgmt/v1/firmware-bundles.
type FirmwareBundlesService struct{ c *Client }

const (
	// firmwarePageMax is the largest limit GET /firmware-bundles accepts.
	firmwarePageMax = 1000
)

func (s *FirmwareBundlesService) lister() lister {
	return lister{api: apiCompute, coll: CollectionFirmwareBundles, resource: odata.ResourceFirmwareBundles,
		maxPage: firmwarePageMax}
}

// Get returns the firmware bundle id.
func (s *FirmwareBundlesService) Get(ctx context.Context, id string) (Object, error) {
	if err := requireID("getting a firmware bundle", id); err != nil {
		return nil, err
	}
	return s.c.getObject(ctx, apiCompute, CollectionFirmwareBundles, id)
}

// List returns the firmware bundles matching opts, reading every page
// unless opts.Limit caps them.
func (s *FirmwareBundlesService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, s.lister(), opts)
}

// ListFunc calls fn for each firmware bundle matching opts, a page at a time.
func (s *FirmwareBundlesService) ListFunc(ctx context.Context, opts ListOptions, fn func(Object) error) error {
	return s.c.each(ctx, s.lister(), opts, fn)
}
