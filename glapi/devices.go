package glapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"glrun/glapi/odata"
)

// DevicesService is the GreenLake device inventory of the workspace:
// /devices/v1/devices (list, read, add) and /devices/v2beta1/devices
// (PATCH: application and region, subscriptions, tags, location,
// archived). Every write is asynchronous: it answers 202 with the
// operation to poll with Operation (docs/api.md).
type DevicesService struct{ c *Client }

// Batch limits of the devices API.
const (
	// devicesAddMax is the most devices one POST /devices/v1/devices adds,
	// counted across compute, network and storage.
	devicesAddMax = 5
	// devicesUpdateMax is the most ids one PATCH /devices/v2beta1/devices
	// changes.
	devicesUpdateMax = 25
	// devicesPageMax is the largest limit GET /devices/v1/devices accepts.
	devicesPageMax = 2000
)

// Device types of DeviceAdd.Type.
const (
	DeviceCompute = "COMPUTE"
	DeviceNetwork = "NETWORK"
	DeviceStorage = "STORAGE"
)

// DeviceAdd is one device to add to the workspace.
type DeviceAdd struct {
	// Type is DeviceCompute, DeviceNetwork or DeviceStorage.
	Type string
	// SerialNumber is required.
	SerialNumber string
	// PartNumber is required for compute and storage devices.
	PartNumber string
	// MACAddress is required for network devices.
	MACAddress string
	// Tags are optional (key: value).
	Tags map[string]string
}

// WriteOptions are the options of the platform writes.
type WriteOptions struct {
	// DryRun sends dry-run=true: the API validates the request and
	// answers as if it were done, changing nothing.
	DryRun bool
}

// Operation is the asynchronous operation a platform write started. Poll
// it with DevicesService.Operation or SubscriptionsService.Operation.
type Operation struct {
	// ID is the operation's id ("" for a dry run, which starts none).
	ID string
	// Location is the path the API gave to poll it.
	Location string
	// DryRun is true when the request was only validated.
	DryRun bool
}

// asyncAccepted is the 202 body of platform writes.
type asyncAccepted struct {
	Code          int    `json:"code"`
	Status        string `json:"status"`
	TransactionID string `json:"transactionId"`
}

// write sends a platform write and returns its operation: the id from the
// Location header (its last segment), else the body's transactionId.
func (c *Client) write(ctx context.Context, cl call, opts WriteOptions) (Operation, error) {
	cl.dryRunnable = true
	if opts.DryRun {
		if cl.query == nil {
			cl.query = url.Values{}
		}
		cl.query.Set("dry-run", "true")
	}
	var a asyncAccepted
	h, err := c.doJSON(ctx, cl, &a)
	if err != nil {
		return Operation{}, err
	}
	op := Operation{Location: h.Get("Location"), ID: a.TransactionID, DryRun: opts.DryRun}
	if op.Location != "" {
		op.ID = IDOf(op.Location)
	}
	return op, nil
}

func (s *DevicesService) lister() lister {
	return lister{api: apiGlobal, coll: CollectionDevices, resource: odata.ResourceDevices, maxPage: devicesPageMax}
}

// List returns the devices matching opts, reading every page unless
// opts.Limit caps them.
func (s *DevicesService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, s.lister(), opts)
}

// ListFunc calls fn for each device matching opts, a page at a time.
func (s *DevicesService) ListFunc(ctx context.Context, opts ListOptions, fn func(Object) error) error {
	return s.c.each(ctx, s.lister(), opts, fn)
}

// Get returns the device id.
func (s *DevicesService) Get(ctx context.Context, id string) (Object, error) {
	if err := requireID("getting a device", id); err != nil {
		return nil, err
	}
	return s.c.getObject(ctx, apiGlobal, CollectionDevices, id)
}

// FindBySerial returns the device whose serial number is serial, or nil,
// nil when the workspace has none.
func (s *DevicesService) FindBySerial(ctx context.Context, serial string) (Object, error) {
	if strings.TrimSpace(serial) == "" {
		return nil, fmt.Errorf("finding a device: serial number must not be empty")
	}
	var found Object
	err := s.ListFunc(ctx, ListOptions{Filter: "serialNumber eq " + quoteLit(serial)}, func(o Object) error {
		if found == nil && o.String("serialNumber") == serial {
			found = o
		}
		return nil
	})
	return found, err
}

// devicesBody is the body of POST /devices/v1/devices: all three arrays
// are required, empty ones included.
type devicesBody struct {
	Network []deviceEntry `json:"network"`
	Compute []deviceEntry `json:"compute"`
	Storage []deviceEntry `json:"storage"`
}

type deviceEntry struct {
	SerialNumber string            `json:"serialNumber"`
	PartNumber   string            `json:"partNumber,omitempty"`
	MACAddress   string            `json:"macAddress,omitempty"`
	Tags         map[string]string `json:"tags,omitempty"`
}

// Add adds devices to the workspace, in requests of at most 5 devices (the
// API's limit), and returns one operation per request, in order. It checks
// every device before sending anything. When a request fails, the
// operations of the requests sent before it are returned with the error.
// A POST that fails with an unknown outcome is not sent again: its error
// wraps ErrOutcomeUnknown.
func (s *DevicesService) Add(ctx context.Context, devices []DeviceAdd, opts WriteOptions) ([]Operation, error) {
	if len(devices) == 0 {
		return nil, fmt.Errorf("adding devices: no devices given")
	}
	for i, d := range devices {
		if err := d.check(); err != nil {
			return nil, fmt.Errorf("adding devices: device %d: %w", i+1, err)
		}
	}
	var ops []Operation
	for lo := 0; lo < len(devices); lo += devicesAddMax {
		body := devicesBody{Network: []deviceEntry{}, Compute: []deviceEntry{}, Storage: []deviceEntry{}}
		for _, d := range devices[lo:min(lo+devicesAddMax, len(devices))] {
			e := deviceEntry{SerialNumber: d.SerialNumber, PartNumber: d.PartNumber, MACAddress: d.MACAddress, Tags: d.Tags}
			switch d.Type {
			case DeviceNetwork:
				body.Network = append(body.Network, e)
			case DeviceCompute:
				body.Compute = append(body.Compute, e)
			default:
				body.Storage = append(body.Storage, e)
			}
		}
		op, err := s.c.write(ctx, call{api: apiGlobal, method: http.MethodPost, coll: CollectionDevices, body: body}, opts)
		if err != nil {
			return ops, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// check reports the first missing or malformed field of d, by its API name.
func (d DeviceAdd) check() error {
	if strings.TrimSpace(d.SerialNumber) == "" {
		return fmt.Errorf("serialNumber must not be empty")
	}
	switch d.Type {
	case DeviceCompute, DeviceStorage:
		if strings.TrimSpace(d.PartNumber) == "" {
			return fmt.Errorf("partNumber is required for a %s device (serial %s)", d.Type, d.SerialNumber)
		}
	case DeviceNetwork:
		if strings.TrimSpace(d.MACAddress) == "" {
			return fmt.Errorf("macAddress is required for a NETWORK device (serial %s)", d.SerialNumber)
		}
	default:
		return fmt.Errorf("deviceType must be COMPUTE, NETWORK or STORAGE, got %q", d.Type)
	}
	return nil
}

// update sends PATCH /devices/v2beta1/devices?id=... with body, in
// requests of at most 25 ids (the API's limit), checking the ids first.
func (s *DevicesService) update(ctx context.Context, what string, ids []string, body any, opts WriteOptions) ([]Operation, error) {
	if len(ids) == 0 {
		return nil, fmt.Errorf("%s: no device ids given", what)
	}
	for _, id := range ids {
		if err := requireID(what, id); err != nil {
			return nil, err
		}
	}
	var ops []Operation
	for lo := 0; lo < len(ids); lo += devicesUpdateMax {
		q := url.Values{"id": ids[lo:min(lo+devicesUpdateMax, len(ids))]}
		cl := call{api: apiGlobal, method: http.MethodPatch, coll: CollectionDevicesUpdate, query: q,
			body: body, bodyType: contentMergePatch}
		op, err := s.c.write(ctx, cl, opts)
		if err != nil {
			return ops, fmt.Errorf("%s: %w", what, err)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// idRef is {"id": ...}; a nil pointer is JSON null.
type idRef struct {
	ID *string `json:"id"`
}

// Assign assigns devices to the application (service manager id) in
// region, both required (see ServiceCatalog.Provisions for which
// application serves which region).
func (s *DevicesService) Assign(ctx context.Context, ids []string, application, region string, opts WriteOptions) ([]Operation, error) {
	if strings.TrimSpace(application) == "" || strings.TrimSpace(region) == "" {
		return nil, fmt.Errorf("assigning devices: application and region are both required")
	}
	body := struct {
		Application idRef  `json:"application"`
		Region      string `json:"region"`
	}{idRef{&application}, region}
	return s.update(ctx, "assigning devices", ids, body, opts)
}

// Unassign removes devices from their application (application.id and
// region set to null).
func (s *DevicesService) Unassign(ctx context.Context, ids []string, opts WriteOptions) ([]Operation, error) {
	body := struct {
		Application idRef   `json:"application"`
		Region      *string `json:"region"`
	}{}
	return s.update(ctx, "unassigning devices", ids, body, opts)
}

// Subscribe applies the subscription (its id, not its key) to devices. It
// is a call of its own: the API refuses a subscription change mixed with
// other changes.
func (s *DevicesService) Subscribe(ctx context.Context, ids []string, subscriptionID string, opts WriteOptions) ([]Operation, error) {
	if err := requireID("subscribing devices", subscriptionID); err != nil {
		return nil, err
	}
	body := map[string][]idRef{"subscription": {{&subscriptionID}}}
	return s.update(ctx, "subscribing devices", ids, body, opts)
}

// Unsubscribe removes the subscriptions of devices ("subscription": []).
func (s *DevicesService) Unsubscribe(ctx context.Context, ids []string, opts WriteOptions) ([]Operation, error) {
	return s.update(ctx, "unsubscribing devices", ids, map[string][]idRef{"subscription": {}}, opts)
}

// Tag sets tags on devices; a nil value deletes that tag.
func (s *DevicesService) Tag(ctx context.Context, ids []string, tags map[string]*string, opts WriteOptions) ([]Operation, error) {
	if len(tags) == 0 {
		return nil, fmt.Errorf("tagging devices: no tags given")
	}
	for k := range tags {
		if strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("tagging devices: tags: a key must not be empty")
		}
	}
	return s.update(ctx, "tagging devices", ids, map[string]any{"tags": tags}, opts)
}

// SetLocation sets the location (a location id) of devices.
func (s *DevicesService) SetLocation(ctx context.Context, ids []string, locationID string, opts WriteOptions) ([]Operation, error) {
	if err := requireID("setting the location of devices", locationID); err != nil {
		return nil, err
	}
	return s.update(ctx, "setting the location of devices", ids, map[string]idRef{"location": {&locationID}}, opts)
}

// Archive archives (or, with archived false, unarchives) devices. It is a
// call of its own: the API refuses archiving mixed with other changes.
func (s *DevicesService) Archive(ctx context.Context, ids []string, archived bool, opts WriteOptions) ([]Operation, error) {
	return s.update(ctx, "archiving devices", ids, map[string]bool{"archived": archived}, opts)
}

// Operation returns the async operation id of a device write
// (/devices/v1/async-operations/{id}): status, progressPercent, result.
func (s *DevicesService) Operation(ctx context.Context, id string) (Object, error) {
	if err := requireID("getting a device operation", id); err != nil {
		return nil, err
	}
	return s.c.getObject(ctx, apiGlobal, CollectionDeviceOperations, id)
}
