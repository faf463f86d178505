package sim

import (
	"fmt"
	"math/rand"
	"time"

	"glrun/glapi"
)

// componentVersions are the firmware versions a bundle installs.
type componentVersions struct {
	ILO5, ILO6     string
	ROMGen10       string
	ROMGen11       string
	SPS            string
	ReleaseVersion string
	ReleaseDate    string
}

// demoBundles are the demo firmware bundles, oldest first; the last is the newest.
var demoBundles = []componentVersions{
	{"2.72", "1.40", "U32 v2.68 (07/14/2022)", "U54 v1.30 (11/18/2022)", "4.1.4.505", "2023.03.00.00", "2023-03-20"},
	{"2.78", "1.50", "U32 v2.72 (02/09/2023)", "U54 v1.42 (06/01/2023)", "4.1.4.601", "2023.09.00.00", "2023-09-18"},
	{"2.81", "1.55", "U32 v2.80 (08/03/2023)", "U54 v1.50 (10/12/2023)", "4.1.4.804", "2024.01.00.00", "2024-01-22"},
	{"3.03", "1.59", "U32 v2.90 (01/25/2024)", "U54 v1.60 (02/20/2024)", "4.1.4.901", "2024.04.00.00", "2024-04-15"},
}

// serverModel describes one hardware model of the demo fleet.
type serverModel struct {
	ProductID, Model, Gen, BIOS, CPU string
	MemoryMB                         int
}

var (
	modelDL360G10P = serverModel{"P28948-B21", "ProLiant DL360 Gen10 Plus", "GEN_10", "U46", "Intel(R) Corporation", 262144}
	modelDL380G11  = serverModel{"P52534-B21", "ProLiant DL380 Gen11", "GEN_11", "U54", "Intel(R) Corporation", 524288}
	modelDL360G10  = serverModel{"P06760-B21", "ProLiant DL360 Gen10", "GEN_10", "U32", "Intel(R) Corporation", 131072}
	modelDL325G11  = serverModel{"P58686-B21", "ProLiant DL325 Gen11", "GEN_11", "A55", "Advanced Micro Devices, Inc.", 262144}
)

// demoGroup describes one group of the demo fleet.
type demoGroup struct {
	Name     string
	Count    int
	Baseline int   // index into demoBundles
	Behind   []int // server numbers (1-based) on an older bundle
	Off      []int // server numbers (1-based) powered off
	Models   []serverModel
	Tags     map[string]any
	Seeded   bool // compliance already calculated
}

var demoGroups = []demoGroup{
	{"prod-web", 16, 3, []int{3, 7, 11, 14}, nil, []serverModel{modelDL360G10P}, map[string]any{"env": "prod", "tier": "web"}, true},
	{"prod-db", 12, 2, []int{2, 9, 10}, []int{12}, []serverModel{modelDL380G11}, map[string]any{"env": "prod", "tier": "db"}, true},
	{"lab", 12, 3, []int{1, 2, 5, 6, 9}, []int{3, 7, 11}, []serverModel{modelDL360G10, modelDL325G11}, map[string]any{"env": "lab"}, false},
}

// demoUsers are the demo workspace users.
var demoUsers = []struct{ Email, First, Last, Status string }{
	{"ops.admin@example.com", "Olivia", "Admin", "VERIFIED"},
	{"jane.doe@example.com", "Jane", "Doe", "VERIFIED"},
	{"john.smith@example.com", "John", "Smith", "VERIFIED"},
	{"maria.garcia@example.com", "Maria", "Garcia", "VERIFIED"},
	{"li.wei@example.com", "Li", "Wei", "VERIFIED"},
	{"noah.fischer@example.com", "Noah", "Fischer", "VERIFIED"},
	{"new.hire@example.com", "New", "Hire", "UNVERIFIED"},
	{"contractor@example.com", "Chris", "Contractor", "UNVERIFIED"},
	{"former.employee@example.com", "Frank", "Former", "BLOCKED"},
	{"auditor@example.com", "Ada", "Auditor", "SUSPENDED"},
}

// newDemoState builds the deterministic demo fleet around now.
func newDemoState(rng *rand.Rand, now time.Time, clientID, clientSecret string) *state {
	st := &state{
		rng:            rng,
		servers:        newOrdered[*server](),
		groups:         newOrdered[*group](),
		bundles:        newOrdered[obj](),
		users:          newOrdered[*user](),
		asyncOps:       newOrdered[*asyncOp](),
		jobs:           map[string]*job{},
		creds:          newOrdered[*credential](),
		bundleVersions: map[string]componentVersions{},
		groupBaseline:  map[string]string{},
		groupMembers:   map[string][]string{},
		compliance:     map[string][]obj{},
		secrets:        map[string]string{},
		failNext:       map[string]int{},
	}
	st.seedBundles(now)
	n := 0
	for _, g := range demoGroups {
		gid := st.addGroup(g.Name, g.Baseline, g.Tags, now.Add(-90*24*time.Hour))
		for i := 1; i <= g.Count; i++ {
			bundle := g.Baseline
			if contains(g.Behind, i) {
				bundle = max(g.Baseline-1-i%2, 0)
			}
			power := glapi.PowerOn
			if contains(g.Off, i) {
				power = glapi.PowerOff
			}
			m := g.Models[(i-1)%len(g.Models)]
			name := fmt.Sprintf("%s-%02d", g.Name, i)
			id := st.addServer(n, name, m, bundle, power, g.Tags, now.Add(-time.Duration(80-n)*24*time.Hour))
			st.assign(gid, id, now)
			n++
		}
		if g.Seeded {
			st.calculateCompliance(gid, now.Add(-26*time.Hour))
		}
	}
	st.serverSeq = n
	for i, u := range demoUsers {
		st.addUser(u.Email, u.First, u.Last, u.Status, now.Add(-time.Duration(400-30*i)*24*time.Hour), now.Add(-time.Duration(i+1)*5*time.Hour))
	}
	st.seedCredentials(now, clientID, clientSecret)
	st.seedHistory(now)
	st.seedPlatform(now, clientID)
	return st
}

func contains(xs []int, x int) bool {
	for _, e := range xs {
		if e == x {
			return true
		}
	}
	return false
}

func (st *state) seedBundles(now time.Time) {
	for i, v := range demoBundles {
		id := st.hex32()
		rel, _ := time.Parse("2006-01-02", v.ReleaseDate)
		created := rel.Add(72 * time.Hour)
		if created.After(now) {
			created = now.Add(-time.Duration(len(demoBundles)-i) * 24 * time.Hour)
		}
		b := obj{
			"id":               id,
			"type":             "compute-ops-mgmt/firmware-bundle",
			"name":             "Service Pack for ProLiant",
			"displayName":      "HPE Service Pack for ProLiant " + v.ReleaseVersion,
			"releaseVersion":   v.ReleaseVersion,
			"releaseDate":      v.ReleaseDate,
			"releaseNotes":     "https://www.hpe.com/support/SPP-" + v.ReleaseVersion + "-Release-Notes",
			"supportUrl":       "https://www.hpe.com/servers/spp",
			"bundleType":       "BASE",
			"bundleGeneration": "GEN_10_11",
			"bundleNameFormat": "SPP",
			"baseBundleUri":    nil,
			"platformFamily":   "PROLIANT",
			"isActive":         true,
			"summary":          "Service Pack for ProLiant " + v.ReleaseVersion + ": firmware, drivers and software for HPE ProLiant Gen10, Gen10 Plus and Gen11 servers",
			"advisories":       "",
			"enhancements":     "Updated iLO 5 to " + v.ILO5 + " and iLO 6 to " + v.ILO6,
			"supportedOsList":  []any{"Microsoft Windows Server 2022", "Red Hat Enterprise Linux 9", "SUSE Linux Enterprise Server 15", "VMware ESXi 8.0"},
			"vmwareAddonInfo":  nil,
			"generation":       1,
			"createdAt":        ts(created),
			"updatedAt":        ts(created),
			"resourceUri":      "/compute-ops-mgmt/v1/firmware-bundles/" + id,
		}
		st.bundles.add(id, b)
		st.bundleOrder = append(st.bundleOrder, id)
		st.bundleVersions[id] = v
	}
}

// bundleIndex returns the position of a bundle id in bundleOrder, or -1.
func (st *state) bundleIndex(id string) int {
	for i, b := range st.bundleOrder {
		if b == id {
			return i
		}
	}
	return -1
}

func (st *state) addGroup(name string, baseline int, tags map[string]any, created time.Time) string {
	id := st.uuid()
	settingID := st.uuid()
	g := &group{
		ID:           id,
		Type:         glapi.ResourceGroup,
		Name:         name,
		Generation:   1,
		CreatedAt:    ts(created),
		UpdatedAt:    ts(created),
		ResourceURI:  glapi.URI(glapi.CollectionGroups, id),
		DevicesURI:   glapi.URI(glapi.CollectionGroups, id) + "/devices",
		DeviceType:   "DIRECT_CONNECT_SERVER",
		Devices:      []groupDevice{},
		AutoAddTags:  copyObj(tags),
		SettingsURIs: []string{"/compute-ops-mgmt/v1/settings/" + settingID},
		// Compliance is unknown until a Group Firmware Compliance job ran.
		ComplianceStatus: "UNKNOWN",
		GroupCompliance: groupCompliance{
			Summary:     "UNKNOWN",
			Firmware:    complianceStatus{Status: "UNKNOWN", StatusReason: "Compliance has not been calculated"},
			IloSettings: complianceStatus{Status: "NOT_APPLICABLE", StatusReason: "No iLO settings in the group"},
		},
		SecurityStatus: "OK",
	}
	g.Policies.OnDeviceAdd.OsCompletionTimeoutMin = 240
	st.groups.add(id, g)
	if baseline >= 0 && baseline < len(st.bundleOrder) {
		st.groupBaseline[id] = st.bundleOrder[baseline]
	}
	return id
}

// serial returns the demo serial number of the n-th server.
func serial(n int) string {
	return fmt.Sprintf("2M2%03d%02dP%d", 120+n/7, (n*37)%100, n%10)
}

func (st *state) addServer(n int, name string, m serverModel, bundle int, power string, tags map[string]any, created time.Time) string {
	sn := serial(n)
	for {
		if _, dup := st.servers.get(m.ProductID + "+" + sn); !dup {
			break
		}
		n += 1000
		sn = serial(n)
	}
	return st.addServerSerial(n, sn, name, m, bundle, power, tags, created)
}

// addServerSerial adds the server of serial number sn (n numbers its iLO
// address) and returns its id.
func (st *state) addServerSerial(n int, sn, name string, m serverModel, bundle int, power string, tags map[string]any, created time.Time) string {
	id := m.ProductID + "+" + sn
	bid := st.bundleOrder[bundle]
	ilo, iloName := st.iloVersion(bid, m.Gen)
	srv := &server{
		ID:               id,
		Type:             "compute-ops-mgmt/server",
		Name:             name,
		Generation:       1,
		CreatedAt:        ts(created),
		UpdatedAt:        ts(created),
		ResourceURI:      glapi.URI(glapi.CollectionServers, id),
		ServerGeneration: m.Gen,
		PlatformFamily:   "PROLIANT",
		ProcessorVendor:  m.CPU,
		BiosFamily:       m.BIOS,
		ConnectionType:   "DIRECT",
		DeviceClaimType:  "MANUAL",
		AutoIloFwUpdate:  true,
		ManagedBy:        "COM",
		Hardware: hardware{
			SerialNumber: sn,
			ProductID:    m.ProductID,
			Model:        m.Model,
			Manufacturer: "HPE",
			Platform:     m.Model,
			FormFactor:   "RACK",
			PowerState:   power,
			IndicatorLed: "OFF",
			MemoryMb:     m.MemoryMB,
			UUID:         st.uuid(),
			Health: health{
				Summary: "OK", Bios: "OK", Fans: "OK", FanRedundancy: "REDUNDANT", Memory: "OK",
				Network: "OK", PowerSupplies: "OK", PowerSupplyRedundancy: "REDUNDANT",
				Processor: "OK", Storage: "OK", Temperature: "OK", HealthLED: "OK",
			},
			Bmc: bmc{
				Hostname: name + "-ilo.example.com",
				IP:       fmt.Sprintf("10.20.%d.%d", 10+n/200, 10+n%200),
				Mac:      fmt.Sprintf("94:40:c9:%02x:%02x:%02x", n/65536%256, n/256%256, n%256),
				License:  "iLO Advanced",
				Model:    iloName,
				Version:  ilo,
			},
		},
		Host: serverHost{
			Hostname:      name + ".example.com",
			OsName:        "Red Hat Enterprise Linux",
			OsVersion:     "9.3",
			OsDescription: "Red Hat Enterprise Linux 9.3 (Plow)",
			OsType:        2,
		},
		State: serverState{
			Managed: true, Connected: true, ConnectedModifiedAt: ts(created),
			SubscriptionState: "SUBSCRIBED", SubscriptionTier: "ENHANCED",
			SubscriptionExpiresAt: ts(created.Add(3 * 365 * 24 * time.Hour)),
		},
		Tags:                                  copyObj(tags),
		FirmwareInventory:                     st.inventory(bid, m.Gen),
		FirmwareBundleURI:                     glapi.URI(glapi.CollectionFirmwareBundles, bid),
		SoftwareInventory:                     []map[string]any{},
		LastFullInventoryCollectionAt:         ts(created),
		LastFullInventoryCollectionPowerState: power,
	}
	st.servers.add(id, srv)
	return id
}

// iloVersion returns the iLO version a bundle installs on a server generation.
func (st *state) iloVersion(bundleID, gen string) (version, model string) {
	v := st.bundleVersions[bundleID]
	if gen == "GEN_11" {
		return v.ILO6, "iLO 6"
	}
	return v.ILO5, "iLO 5"
}

// inventory returns the firmware inventory a bundle installs.
func (st *state) inventory(bundleID, gen string) []component {
	v := st.bundleVersions[bundleID]
	ilo, iloName := st.iloVersion(bundleID, gen)
	rom := v.ROMGen10
	if gen == "GEN_11" {
		rom = v.ROMGen11
	}
	return []component{
		{Name: iloName, Version: ilo, DeviceContext: "System Board"},
		{Name: "System ROM", Version: rom, DeviceContext: "System Board"},
		{Name: "Server Platform Services (SPS) Firmware", Version: v.SPS, DeviceContext: "System Board"},
	}
}

// assign makes a server a member of a group.
func (st *state) assign(gid, sid string, now time.Time) {
	g, ok := st.groups.get(gid)
	srv, ok2 := st.servers.get(sid)
	if !ok || !ok2 {
		return
	}
	st.groupMembers[gid] = append(st.groupMembers[gid], sid)
	g.Devices = append(g.Devices, groupDevice{
		ID:                    sid,
		Type:                  "compute-ops-mgmt/group/device",
		DeviceID:              sid,
		DeviceURI:             srv.ResourceURI,
		GroupID:               gid,
		ProductID:             srv.Hardware.ProductID,
		Serial:                srv.Hardware.SerialNumber,
		ResourceURI:           g.DevicesURI + "/" + sid,
		OverallSecurityStatus: "OK",
		SubscriptionState:     "SUBSCRIBED",
		SubscriptionTier:      "ENHANCED",
		ETag:                  st.hex32()[:16],
	})
	g.touch(now)
}

func (st *state) addUser(email, first, last, status string, created, lastLogin time.Time) *user {
	id := st.uuid()
	u := &user{
		ID:          id,
		Type:        "user",
		Username:    email,
		FirstName:   &first,
		LastName:    &last,
		Generation:  1,
		CreatedAt:   ts(created),
		UpdatedAt:   ts(created),
		UserStatus:  status,
		ResourceURI: glapi.URI(glapi.CollectionUsers, id),
	}
	if status != "UNVERIFIED" {
		u.LastLogin = ts(lastLogin)
	}
	st.users.add(id, u)
	return u
}

func (st *state) seedCredentials(now time.Time, clientID, clientSecret string) {
	tenant := st.uuid()
	// The API shows a credential's id and clientId as UUIDs; a client id of
	// another shape (only possible through Options, `sim serve` refuses it)
	// is shown as a UUID derived from it, so every answer stays valid.
	st.addCredential(credentialUUID(clientID), clientSecret, "glrun-demo", "", "", now.Add(-60*24*time.Hour))
	st.addCredential("", "", "ci-pipeline", tenant, "Acme Tenant", now.Add(-30*24*time.Hour))
	st.addCredential("", "", "jane.doe@example.com automation", "", "", now.Add(-10*24*time.Hour))
}

// addCredential stores a credential; empty id or secret are generated.
func (st *state) addCredential(id, secret, name, tenantID, tenantName string, created time.Time) *credential {
	if id == "" {
		id = st.uuid()
	}
	if secret == "" {
		secret = st.hex32()
	}
	c := &credential{
		ID:             id,
		ClientID:       id,
		CredentialName: name,
		Type:           "credentials",
		Generation:     1,
		CreatedAt:      credTS(created),
		UpdatedAt:      credTS(created),
	}
	if tenantID != "" {
		c.AssociatedTenant = &tenantRef{ResourceURI: "/workspaces/v1/workspaces/" + tenantID, TenantName: tenantName}
	}
	st.creds.add(id, c)
	st.secrets[id] = secret
	return c
}
