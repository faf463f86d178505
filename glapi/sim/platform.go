package sim

import (
	"fmt"
	"math/rand"
	"time"

	"glrun/glapi"
)

// The platform APIs of onboarding: device inventory, subscriptions, the
// service catalog, authorization, SCIM groups and the audit log. Their
// records live in platform, part of state (guarded by Sim.mu).

// simRegion is the region of the simulated Compute Ops Management: a
// device assigned to COM in this region (and subscribed) appears among its
// servers.
const simRegion = "us-west"

// comAppearDelay is how long after a device is both assigned to Compute
// Ops Management (in simRegion) and subscribed it appears among the
// servers: the time it takes the server's iLO to connect.
const comAppearDelay = 5 * time.Minute

// Platform async operations: INITIALIZED when accepted, RUNNING after
// opStartDelay, done (with its effect) after opDoneDelay.
const (
	opStartDelay = 2 * time.Second
	opDoneDelay  = 10 * time.Second
)

// platformServiceOffer is the serviceOffer id of platform audit entries.
const platformServiceOffer = "00000000-0000-0000-0000-000000000000"

// device is a device as the devices API shows it.
type device struct {
	ID            string            `json:"id"`
	Type          string            `json:"type"`
	SerialNumber  string            `json:"serialNumber"`
	PartNumber    string            `json:"partNumber"`
	MACAddress    string            `json:"macAddress,omitempty"`
	DeviceType    string            `json:"deviceType"`
	Model         string            `json:"model,omitempty"`
	Make          string            `json:"make"`
	DeviceName    string            `json:"deviceName,omitempty"`
	Source        string            `json:"source"`
	Ownership     string            `json:"ownership"`
	AssignedState string            `json:"assignedState"`
	Archived      bool              `json:"archived"`
	Application   *appRef           `json:"application,omitempty"`
	Region        string            `json:"region,omitempty"`
	Subscription  []deviceSub       `json:"subscription"`
	Tags          map[string]string `json:"tags"`
	Location      *locationRef      `json:"location,omitempty"`
	CreatedAt     string            `json:"createdAt"`
	UpdatedAt     string            `json:"updatedAt"`
	ResourceURI   string            `json:"resourceUri"`

	// appearAt is when the device shows up in COM's servers (zero: not
	// due); inCOM is set once it has.
	appearAt time.Time
	inCOM    bool
}

// appRef is a device's application (a service manager).
type appRef struct {
	ID          string `json:"id"`
	ResourceURI string `json:"resourceUri"`
}

// deviceSub is a subscription applied to a device.
type deviceSub struct {
	ID          string `json:"id"`
	ResourceURI string `json:"resourceUri"`
	Key         string `json:"key"`
	Tier        string `json:"tier"`
	StartTime   string `json:"startTime"`
	EndTime     string `json:"endTime"`
}

// locationRef is a device's location.
type locationRef struct {
	ID          string `json:"id"`
	ResourceURI string `json:"resourceUri"`
}

// platformOp is an async operation of the devices or subscriptions API.
type platformOp struct {
	ID                              string `json:"id"`
	Type                            string `json:"type"`
	Status                          string `json:"status"`
	ProgressPercent                 int    `json:"progressPercent"`
	StartedAt                       string `json:"startedAt,omitempty"`
	EndedAt                         string `json:"endedAt,omitempty"`
	TimeoutMinutes                  int    `json:"timeoutMinutes"`
	SuggestedPollingIntervalSeconds int    `json:"suggestedPollingIntervalSeconds"`
	ResultType                      string `json:"resultType"`
	Result                          any    `json:"result"`

	startAt, doneAt time.Time
	// run applies the operation's effect at t and returns its final status
	// and result.
	run  func(t time.Time) (string, any)
	done bool
}

// subscription is a subscription key of the workspace.
type subscription struct {
	ID                 string            `json:"id"`
	Type               string            `json:"type"`
	Key                string            `json:"key"`
	SubscriptionType   string            `json:"subscriptionType"`
	SubscriptionStatus string            `json:"subscriptionStatus"`
	Tier               string            `json:"tier"`
	TierDescription    string            `json:"tierDescription"`
	ProductType        string            `json:"productType"`
	SKU                string            `json:"sku"`
	SKUDescription     string            `json:"skuDescription"`
	Quantity           string            `json:"quantity"`
	AvailableQuantity  string            `json:"availableQuantity"`
	IsEval             bool              `json:"isEval"`
	StartTime          string            `json:"startTime"`
	EndTime            string            `json:"endTime"`
	Tags               map[string]string `json:"tags"`
	CreatedAt          string            `json:"createdAt"`
	UpdatedAt          string            `json:"updatedAt"`

	quantity, used int
	inWorkspace    bool // false: a key sold but not yet added
}

// serviceManager is an application of the service catalog.
type serviceManager struct {
	ID                       string `json:"id"`
	Type                     string `json:"type"`
	Name                     string `json:"name"`
	Description              string `json:"description"`
	ResourceURI              string `json:"resourceUri"`
	StandaloneSupported      bool   `json:"standaloneSupported"`
	MspSupported             bool   `json:"mspSupported"`
	HonorUnprovisionResponse bool   `json:"honorUnprovisionResponse"`
	TenantOnlySupported      bool   `json:"tenantOnlySupported"`
	Generation               int    `json:"generation"`
	CreatedAt                string `json:"createdAt"`
	UpdatedAt                string `json:"updatedAt"`
}

// provision is a service manager provisioned in a region of the workspace.
type provision struct {
	ID              string `json:"id"`
	Type            string `json:"type"`
	ResourceURI     string `json:"resourceUri"`
	ServiceManager  appRef `json:"serviceManager"`
	Region          string `json:"region"`
	ProvisionStatus string `json:"provisionStatus"`
	CreatedBy       string `json:"createdBy"`
	Generation      int    `json:"generation"`
	CreatedAt       string `json:"createdAt"`
	UpdatedAt       string `json:"updatedAt"`
}

// platformSeed seeds the ids of the platform records. They have a
// generator of their own so that the fleet's ids (and those of the jobs a
// run creates) are what they were before the platform APIs existed.
const platformSeed = 20260607

// platform holds the records of the platform APIs.
type platform struct {
	rng           *rand.Rand
	workspaceID   string
	workspaceName string
	actor         string // the username audit entries of API calls show
	comID         string // the COM service manager id

	devices  *ordered[*device]
	devOps   *ordered[*platformOp]
	subs     *ordered[*subscription]
	subOps   *ordered[*platformOp]
	managers *ordered[*serviceManager]
	provs    *ordered[*provision]
	roles    *ordered[*roleAssignment]
	scopes   *ordered[*scopeGroup]
	groups   *ordered[*scimGroup]
	audit    []*auditEntry
	acts     []*activity
	// shipped are the devices HPE knows (serial -> part number) that may
	// be added to the workspace.
	shipped map[string]string
}

// DemoShipped are the compute servers the demo workspace can add: serial
// and part number pairs HPE shipped (a pair not among these, or among the
// workspace's devices already, fails in the add operation's result).
var DemoShipped = []struct{ Serial, PartNumber string }{
	{"CZ2401ONB1", "P52534-B21"},
	{"CZ2401ONB2", "P52534-B21"},
	{"CZ2401ONB3", "P28948-B21"},
	{"CZ2401ONB4", "P28948-B21"},
	{"CZ2401ONB5", "P58686-B21"},
	{"CZ2401ONB6", "P58686-B21"},
	{"CZ2401ONB7", "P52534-B21"},
}

// DemoUnassigned are the compute servers already in the demo workspace's
// device inventory, assigned to no application yet.
var DemoUnassigned = []struct{ Serial, PartNumber string }{
	{"MXQ3300A01", "P52534-B21"},
	{"MXQ3300A02", "P52534-B21"},
	{"MXQ3300A03", "P28948-B21"},
}

// DemoSubscriptionKeys are the subscription keys of the demo: the first
// two are in the workspace, the third is sold but not added yet.
var DemoSubscriptionKeys = []string{"PAT4DYYJAEEEJA", "E91A7B3C1D0F2E", "KEYNOTADDED001"}

// DemoComputeOpsManagement is the name of the COM service manager.
const DemoComputeOpsManagement = "Compute Ops Management"

// seedPlatform builds the demo platform records around now.
func (st *state) seedPlatform(now time.Time, clientID string) {
	p := &platform{
		rng:         rand.New(rand.NewSource(platformSeed)),
		workspaceID: DemoWorkspaceID, workspaceName: "Demo Workspace", actor: clientID,
		devices: newOrdered[*device](), devOps: newOrdered[*platformOp](),
		subs: newOrdered[*subscription](), subOps: newOrdered[*platformOp](),
		managers: newOrdered[*serviceManager](), provs: newOrdered[*provision](),
		roles: newOrdered[*roleAssignment](), scopes: newOrdered[*scopeGroup](),
		groups: newOrdered[*scimGroup](), shipped: map[string]string{},
	}
	st.plat = p
	long := now.Add(-400 * 24 * time.Hour)
	for _, sm := range []struct{ name, desc string }{
		{DemoComputeOpsManagement, "Manage HPE ProLiant servers"},
		{"Aruba Central", "Manage networks"},
		{"Data Services", "Manage storage"},
	} {
		id := st.plat.uuid()
		p.managers.add(id, &serviceManager{
			ID: id, Type: "service-catalog/service-manager", Name: sm.name, Description: sm.desc,
			ResourceURI: glapi.URI(glapi.CollectionServiceManagers, id), StandaloneSupported: true, MspSupported: true,
			Generation: 1, CreatedAt: ts(long), UpdatedAt: ts(long),
		})
		if sm.name == DemoComputeOpsManagement {
			p.comID = id
		}
	}
	sms := p.managers.list()
	for _, pr := range []struct {
		sm     *serviceManager
		region string
	}{{sms[0], "us-west"}, {sms[0], "eu-central"}, {sms[1], "us-west"}} {
		id := st.plat.uuid()
		p.provs.add(id, &provision{
			ID: id, Type: "service-catalog/service-manager-provision", ResourceURI: glapi.URI(glapi.CollectionServiceProvisions, id),
			ServiceManager: appRef{pr.sm.ID, glapi.ServiceManagerURI(pr.sm.ID)},
			Region:         pr.region, ProvisionStatus: glapi.ProvisionProvisioned, CreatedBy: "ops.admin@example.com",
			Generation: 1, CreatedAt: ts(long), UpdatedAt: ts(long),
		})
	}
	for _, d := range DemoShipped {
		p.shipped[d.Serial] = d.PartNumber
	}
	for i, d := range DemoUnassigned {
		p.shipped[d.Serial] = d.PartNumber
		st.addDevice(d.Serial, d.PartNumber, nil, now.Add(-time.Duration(3-i)*24*time.Hour))
	}
	for i, k := range DemoSubscriptionKeys {
		id := st.plat.uuid()
		q := []int{10, 2, 25}[i]
		end := now.Add([]time.Duration{3 * 365 * 24 * time.Hour, 30 * 24 * time.Hour, 365 * 24 * time.Hour}[i])
		p.subs.add(id, &subscription{
			ID: id, Type: "subscriptions/subscription", Key: k, SubscriptionType: "CENTRAL_COMPUTE",
			SubscriptionStatus: "STARTED", Tier: "ENHANCED_PROLIANT", TierDescription: "Enhanced ProLiant",
			ProductType: "DEVICE", SKU: "R7A08AAE", SKUDescription: "HPE Compute Ops Management Enhanced 3-year Subscription",
			IsEval: false, StartTime: ts(now.Add(-30 * 24 * time.Hour)), EndTime: ts(end), Tags: map[string]string{},
			CreatedAt: ts(now.Add(-30 * 24 * time.Hour)), UpdatedAt: ts(now.Add(-30 * 24 * time.Hour)),
			quantity: q, inWorkspace: i < 2,
		})
	}
	st.seedAuthorization(now)
	st.seedSCIMGroups(now)
}

// addDevice adds a compute or storage device to the inventory, unassigned.
func (st *state) addDevice(serial, part string, tags map[string]string, t time.Time) *device {
	id := st.plat.uuid()
	if tags == nil {
		tags = map[string]string{}
	}
	d := &device{
		ID: id, Type: "devices/device", SerialNumber: serial, PartNumber: part, DeviceType: "COMPUTE",
		Model: modelOf(part).Model, Make: "HPE", Source: "MANAGED", Ownership: "MANAGED", AssignedState: "UNASSIGNED",
		Subscription: []deviceSub{}, Tags: tags, CreatedAt: ts(t), UpdatedAt: ts(t),
		ResourceURI: glapi.URI(glapi.CollectionDevices, id),
	}
	st.plat.devices.add(id, d)
	return d
}

// modelOf returns the demo server model of a part number, or a generic one.
func modelOf(part string) serverModel {
	for _, m := range []serverModel{modelDL360G10P, modelDL380G11, modelDL360G10, modelDL325G11} {
		if m.ProductID == part {
			return m
		}
	}
	m := modelDL360G10P
	m.ProductID, m.Model = part, "ProLiant server"
	return m
}

// touch records a change of a device at t.
func (d *device) touch(t time.Time) { d.UpdatedAt = ts(t) }

// newPlatformOp starts an operation at t whose effect run applies when it
// is done.
func (st *state) newPlatformOp(c *ordered[*platformOp], resultType string, t time.Time, run func(time.Time) (string, any)) *platformOp {
	op := &platformOp{
		ID: st.plat.uuid(), Type: "/async-resource", Status: glapi.OpInitialized, TimeoutMinutes: 60,
		SuggestedPollingIntervalSeconds: 5, ResultType: resultType,
		startAt: t.Add(opStartDelay), doneAt: t.Add(opDoneDelay), run: run,
	}
	c.add(op.ID, op)
	return op
}

// advancePlatform moves the platform operations and the devices on their
// way to COM to where they are at now. Callers hold s.mu.
func (s *Sim) advancePlatform(now time.Time) {
	p := s.st.plat
	var due []*platformOp
	for _, c := range []*ordered[*platformOp]{p.devOps, p.subOps} {
		for _, op := range c.list() {
			if op.done {
				continue
			}
			if op.Status == glapi.OpInitialized && !op.startAt.After(now) {
				op.Status, op.ProgressPercent, op.StartedAt = glapi.OpRunning, 50, ts(op.startAt)
			}
			if !op.doneAt.After(now) {
				due = append(due, op)
			}
		}
	}
	// Both collections are in creation order, and every operation takes
	// as long: sorting by doneAt keeps their effects in the order sent.
	for i := 1; i < len(due); i++ {
		for j := i; j > 0 && due[j].doneAt.Before(due[j-1].doneAt); j-- {
			due[j], due[j-1] = due[j-1], due[j]
		}
	}
	for _, op := range due {
		op.Status, op.Result = op.run(op.doneAt)
		op.ProgressPercent, op.EndedAt, op.done = 100, ts(op.doneAt), true
	}
	for _, d := range p.devices.list() {
		if !d.inCOM && !d.appearAt.IsZero() && !d.appearAt.After(now) {
			s.appearInCOM(d, d.appearAt)
		}
	}
}

// scheduleCOM schedules d's appearance among COM's servers once it is
// assigned to COM in simRegion and subscribed (from t), and cancels it
// when it no longer is.
func (st *state) scheduleCOM(d *device, t time.Time) {
	ready := d.Application != nil && d.Application.ID == st.plat.comID && d.Region == simRegion && len(d.Subscription) > 0
	switch {
	case ready && !d.inCOM && d.appearAt.IsZero():
		d.appearAt = t.Add(comAppearDelay)
	case !ready:
		d.appearAt = time.Time{}
	}
}

// appearInCOM adds d to COM's servers at t: powered off, in no group,
// named by its serial number until it reports a host name.
func (s *Sim) appearInCOM(d *device, t time.Time) {
	st := s.st
	d.inCOM = true
	m := modelOf(d.PartNumber)
	id := st.addServerSerial(st.serverSeq, d.SerialNumber, d.SerialNumber, m, len(st.bundleOrder)-2, glapi.PowerOff, obj{}, t)
	st.serverSeq++
	if srv, ok := st.servers.get(id); ok {
		for k, v := range d.Tags {
			srv.Tags[k] = v
		}
		if len(d.Subscription) > 0 {
			key := d.Subscription[0].Key
			srv.State.SubscriptionKey = &key
			srv.State.SubscriptionExpiresAt = d.Subscription[0].EndTime
		}
		srv.rendered = nil
	}
	s.activity("SERVER_ASSIGNED", "Server assigned to Compute Ops Management",
		fmt.Sprintf("Server %s (%s) was assigned to Compute Ops Management", d.SerialNumber, d.PartNumber),
		activitySource{ID: id, Type: "compute-ops-mgmt/server", ResourceURI: glapi.URI(glapi.CollectionServers, id), DisplayName: d.SerialNumber},
		glapi.URI(glapi.CollectionServers, id), t)
}

// uuid returns a random (seeded) version 4 UUID for a platform record.
func (p *platform) uuid() string { return uuidFrom(p.rng) }
