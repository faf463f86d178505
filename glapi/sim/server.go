package sim

import (
	"bytes"
	"encoding/json"
	"time"
)

// server is a server as the servers API shows it (the json tags are the
// API's field names).
type server struct {
	ID                                    string           `json:"id"`
	Type                                  string           `json:"type"`
	Name                                  string           `json:"name"`
	Generation                            int              `json:"generation"`
	CreatedAt                             string           `json:"createdAt"`
	UpdatedAt                             string           `json:"updatedAt"`
	ResourceURI                           string           `json:"resourceUri"`
	ServerGeneration                      string           `json:"serverGeneration"`
	PlatformFamily                        string           `json:"platformFamily"`
	ProcessorVendor                       string           `json:"processorVendor"`
	BiosFamily                            string           `json:"biosFamily"`
	ConnectionType                        string           `json:"connectionType"`
	DeviceClaimType                       string           `json:"deviceClaimType"`
	AutoIloFwUpdate                       bool             `json:"autoIloFwUpdate"`
	MaintenanceMode                       bool             `json:"maintenanceMode"`
	ManagedBy                             string           `json:"managedBy"`
	Appliance                             *struct{}        `json:"appliance"`
	Oneview                               *struct{}        `json:"oneview"`
	Hardware                              hardware         `json:"hardware"`
	Host                                  serverHost       `json:"host"`
	State                                 serverState      `json:"state"`
	Tags                                  obj              `json:"tags"`
	FirmwareInventory                     []component      `json:"firmwareInventory"`
	FirmwareBundleURI                     string           `json:"firmwareBundleUri"`
	LastFirmwareUpdate                    *firmwareUpdate  `json:"lastFirmwareUpdate"`
	SoftwareInventory                     []map[string]any `json:"softwareInventory"`
	LastFullInventoryCollectionAt         string           `json:"lastFullInventoryCollectionAt"`
	LastFullInventoryCollectionPowerState string           `json:"lastFullInventoryCollectionPowerState"`
	LastServerLogCollectionAt             *string          `json:"lastServerLogCollectionAt"`

	// rendered is the server in the API's JSON shape, nil after a change.
	rendered obj
}

// hardware is a server's hardware section.
type hardware struct {
	SerialNumber string `json:"serialNumber"`
	ProductID    string `json:"productId"`
	Model        string `json:"model"`
	Manufacturer string `json:"manufacturer"`
	Platform     string `json:"platform"`
	FormFactor   string `json:"formFactor"`
	PowerState   string `json:"powerState"`
	IndicatorLed string `json:"indicatorLed"`
	MemoryMb     int    `json:"memoryMb"`
	UUID         string `json:"uuid"`
	Health       health `json:"health"`
	Bmc          bmc    `json:"bmc"`
}

// health is the health summary of a server's subsystems.
type health struct {
	Summary               string `json:"summary"`
	Bios                  string `json:"bios"`
	Fans                  string `json:"fans"`
	FanRedundancy         string `json:"fanRedundancy"`
	Memory                string `json:"memory"`
	Network               string `json:"network"`
	PowerSupplies         string `json:"powerSupplies"`
	PowerSupplyRedundancy string `json:"powerSupplyRedundancy"`
	Processor             string `json:"processor"`
	Storage               string `json:"storage"`
	Temperature           string `json:"temperature"`
	HealthLED             string `json:"healthLED"`
}

// bmc is a server's iLO.
type bmc struct {
	Hostname string `json:"hostname"`
	IP       string `json:"ip"`
	Mac      string `json:"mac"`
	License  string `json:"license"`
	Model    string `json:"model"`
	Version  string `json:"version"`
}

// serverHost is the operating system a server runs.
type serverHost struct {
	Hostname      string `json:"hostname"`
	OsName        string `json:"osName"`
	OsVersion     string `json:"osVersion"`
	OsDescription string `json:"osDescription"`
	OsType        int    `json:"osType"`
}

// serverState is a server's management and subscription state.
type serverState struct {
	Managed               bool    `json:"managed"`
	Connected             bool    `json:"connected"`
	ConnectedModifiedAt   string  `json:"connectedModifiedAt"`
	SubscriptionState     string  `json:"subscriptionState"`
	SubscriptionTier      string  `json:"subscriptionTier"`
	SubscriptionKey       *string `json:"subscriptionKey"`
	SubscriptionExpiresAt string  `json:"subscriptionExpiresAt"`
}

// component is one firmware component of a server or a bundle.
type component struct {
	Name          string `json:"name"`
	Version       string `json:"version"`
	DeviceContext string `json:"deviceContext"`
}

// firmwareUpdate is a server's last firmware update.
type firmwareUpdate struct {
	AttemptedAt              string           `json:"attemptedAt"`
	CompletedAt              string           `json:"completedAt"`
	AttemptedBaselineURI     string           `json:"attemptedBaselineUri"`
	BundleUpdateMethod       string           `json:"bundleUpdateMethod"`
	Downgrade                bool             `json:"downgrade"`
	InstallSwDrivers         bool             `json:"installSwDrivers"`
	PowerOff                 bool             `json:"powerOff"`
	Status                   string           `json:"status"`
	FirmwareInventoryUpdates []componentState `json:"firmwareInventoryUpdates"`
}

// componentState is the outcome of updating one component.
type componentState struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Status  string `json:"status"`
}

// view returns the server in the API's JSON shape (numbers as
// json.Number, as a client decodes them), rendering it again only after a
// change. The caller must not modify it.
func (srv *server) view() obj {
	if srv.rendered == nil {
		srv.rendered = render(srv)
	}
	return srv.rendered
}

// touch records a change of the server at t: a new generation and
// updatedAt.
func (srv *server) touch(t time.Time) {
	srv.Generation++
	srv.UpdatedAt = ts(t)
	srv.rendered = nil
}

// render returns a record in the API's JSON shape, through its json tags.
func render(v any) obj {
	b, err := json.Marshal(v)
	if err != nil {
		panic("sim: rendering a record: " + err.Error()) // records hold JSON values only
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var o obj
	if err := d.Decode(&o); err != nil {
		panic("sim: rendering a record: " + err.Error())
	}
	return o
}

// ordered holds records by id, in the order they were added.
type ordered[T any] struct {
	m     map[string]T
	order []string
}

func newOrdered[T any]() *ordered[T] { return &ordered[T]{m: map[string]T{}} }

func (c *ordered[T]) add(id string, v T) {
	if _, ok := c.m[id]; !ok {
		c.order = append(c.order, id)
	}
	c.m[id] = v
}

func (c *ordered[T]) get(id string) (T, bool) {
	v, ok := c.m[id]
	return v, ok
}

func (c *ordered[T]) del(id string) {
	if _, ok := c.m[id]; !ok {
		return
	}
	delete(c.m, id)
	for i, x := range c.order {
		if x == id {
			c.order = append(c.order[:i:i], c.order[i+1:]...)
			break
		}
	}
}

// list returns the records, oldest first.
func (c *ordered[T]) list() []T {
	out := make([]T, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, c.m[id])
	}
	return out
}

// serverViews returns the servers in the API's JSON shape.
func (st *state) serverViews() []obj {
	l := st.servers.list()
	out := make([]obj, len(l))
	for i, srv := range l {
		out[i] = srv.view()
	}
	return out
}
