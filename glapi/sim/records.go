package sim

import "time"

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

// serverViews returns the servers in the API's JSON shape.
func (st *state) serverViews() []obj {
	l := st.servers.list()
	out := make([]obj, len(l))
	for i, srv := range l {
		out[i] = srv.view()
	}
	return out
}

// group is a server group as the groups API shows it.
type group struct {
	ID               string          `json:"id"`
	Type             string          `json:"type"`
	Name             string          `json:"name"`
	Generation       int             `json:"generation"`
	CreatedAt        string          `json:"createdAt"`
	UpdatedAt        string          `json:"updatedAt"`
	ResourceURI      string          `json:"resourceUri"`
	DevicesURI       string          `json:"devicesUri"`
	DeviceType       string          `json:"deviceType"`
	Devices          []groupDevice   `json:"devices"`
	AutoAddTags      obj             `json:"autoAddTags"`
	Policies         groupPolicies   `json:"policies"`
	SettingsURIs     []string        `json:"settingsUris"`
	ComplianceStatus string          `json:"complianceStatus"`
	GroupCompliance  groupCompliance `json:"groupCompliance"`
	SecurityStatus   string          `json:"securityStatus"`
}

// groupDevice is a server as a member of a group.
type groupDevice struct {
	ID                    string `json:"id"`
	Type                  string `json:"type"`
	DeviceID              string `json:"deviceId"`
	DeviceURI             string `json:"deviceUri"`
	GroupID               string `json:"groupId"`
	ProductID             string `json:"productId"`
	Serial                string `json:"serial"`
	ResourceURI           string `json:"resourceUri"`
	OverallSecurityStatus string `json:"overallSecurityStatus"`
	SubscriptionState     string `json:"subscriptionState"`
	SubscriptionTier      string `json:"subscriptionTier"`
	ETag                  string `json:"eTag"`
}

// groupPolicies are what a group does to servers added to it and when
// applying its settings.
type groupPolicies struct {
	OnDeviceAdd struct {
		BiosApplySettings            bool `json:"biosApplySettings"`
		BiosFactoryReset             bool `json:"biosFactoryReset"`
		ExternalStorageConfiguration bool `json:"externalStorageConfiguration"`
		FirmwarePowerOff             bool `json:"firmwarePowerOff"`
		FirmwareUpdate               bool `json:"firmwareUpdate"`
		IloApplySettings             bool `json:"iloApplySettings"`
		OsCompletionTimeoutMin       int  `json:"osCompletionTimeoutMin"`
		OsInstall                    bool `json:"osInstall"`
		StorageConfiguration         bool `json:"storageConfiguration"`
		StorageVolumeDeletion        bool `json:"storageVolumeDeletion"`
	} `json:"onDeviceAdd"`
	OnDeviceApply struct {
		FirmwareDowngrade bool `json:"firmwareDowngrade"`
	} `json:"onDeviceApply"`
}

// groupCompliance is the compliance summary of a group.
type groupCompliance struct {
	Summary     string           `json:"summary"`
	Firmware    complianceStatus `json:"firmware"`
	IloSettings complianceStatus `json:"iloSettings"`
}

// complianceStatus is one compliance category of a group.
type complianceStatus struct {
	Status       string `json:"status"`
	StatusReason string `json:"statusReason"`
}

// touch records a change of the group at t.
func (g *group) touch(t time.Time) {
	g.Generation++
	g.UpdatedAt = ts(t)
}

// user is a workspace user as the identity API shows it.
type user struct {
	ID          string  `json:"id"`
	Type        string  `json:"type"`
	Username    string  `json:"username"`
	FirstName   *string `json:"firstName,omitempty"` // nil for an invited user
	LastName    *string `json:"lastName,omitempty"`
	Generation  int     `json:"generation"`
	CreatedAt   string  `json:"createdAt"`
	UpdatedAt   string  `json:"updatedAt"`
	UserStatus  string  `json:"userStatus"`
	ResourceURI string  `json:"resourceUri"`
	LastLogin   string  `json:"lastLogin,omitempty"`
	Language    string  `json:"language,omitempty"`
	IdleTimeout *int    `json:"idleTimeout,omitempty"`
}

// credential is an API credential as the workspaces API shows it (never
// with its secret, which the state keeps apart).
type credential struct {
	ID                                string     `json:"id"`
	ClientID                          string     `json:"clientId"`
	CredentialName                    string     `json:"credentialName"`
	Type                              string     `json:"type"`
	Generation                        int        `json:"generation"`
	CreatedAt                         string     `json:"createdAt"`
	UpdatedAt                         string     `json:"updatedAt"`
	AssociatedTenant                  *tenantRef `json:"associatedTenant,omitempty"`
	AssociatedServiceManagerProvision *ref       `json:"associatedServiceManagerProvision,omitempty"`
}

// tenantRef is a credential's associated tenant.
type tenantRef struct {
	ResourceURI string `json:"resourceUri"`
	TenantName  string `json:"tenantName"`
}
