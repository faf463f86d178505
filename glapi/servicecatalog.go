package glapi

import (
	"context"
	"fmt"
	"strings"

	"glrun/glapi/odata"
)

// ServiceCatalogService is /service-catalog/v1: the service managers
// (applications such as Compute Ops Management) and the workspace's
// provisions of them, one per region. A device is assigned to a service
// manager id in a region (DevicesService.Assign).
type ServiceCatalogService struct{ c *Client }

// serviceCatalogPageMax is the largest limit the service catalog lists accept.
const serviceCatalogPageMax = 2000

// ProvisionStatus values of a service manager provision.
const (
	ProvisionProvisioned = "PROVISIONED"
)

// ServiceManagers returns the service managers, reading every page unless
// opts.Limit caps them. The endpoint has no filter.
func (s *ServiceCatalogService) ServiceManagers(ctx context.Context, opts ListOptions) ([]Object, error) {
	if opts.Filter != "" {
		return nil, fmt.Errorf("listing service managers: the API has no filter")
	}
	return s.c.all(ctx, lister{api: apiGlobal, coll: CollectionServiceManagers, maxPage: serviceCatalogPageMax}, opts)
}

// Provisions returns the service-manager provisions of the workspace,
// reading every page unless opts.Limit caps them.
func (s *ServiceCatalogService) Provisions(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, lister{api: apiGlobal, coll: CollectionServiceProvisions, resource: odata.ResourceProvisions,
		maxPage: serviceCatalogPageMax}, opts)
}

// Application returns the service manager id of the provision of the
// service manager named name (such as "Compute Ops Management", compared
// ignoring case) in region, and whether the workspace has it PROVISIONED
// there.
func (s *ServiceCatalogService) Application(ctx context.Context, name, region string) (string, bool, error) {
	if strings.TrimSpace(name) == "" || strings.TrimSpace(region) == "" {
		return "", false, fmt.Errorf("finding an application: name and region are both required")
	}
	sms, err := s.ServiceManagers(ctx, ListOptions{})
	if err != nil {
		return "", false, err
	}
	ids := map[string]bool{}
	for _, sm := range sms {
		if strings.EqualFold(sm.String("name"), name) {
			ids[sm.ID()] = true
		}
	}
	if len(ids) == 0 {
		return "", false, nil
	}
	provs, err := s.Provisions(ctx, ListOptions{Filter: "region eq " + quoteLit(region)})
	if err != nil {
		return "", false, err
	}
	for _, p := range provs {
		sm, _ := p["serviceManager"].(map[string]any)
		id, _ := sm["id"].(string)
		if ids[id] && p.String("region") == region && p.String("provisionStatus") == ProvisionProvisioned {
			return id, true, nil
		}
	}
	return "", false, nil
}
