package glapi

import (
	"fmt"
	"sort"
	"strings"

	"glrun/internal/suggest"
)

// Resource types a job can run on, as the jobs API spells them.
const (
	ResourceServer           = "compute-ops-mgmt/server"
	ResourceGroup            = "compute-ops-mgmt/group"
	ResourceOneViewAppliance = "compute-ops-mgmt/oneview-appliance"
	ResourceFilter           = "compute-ops-mgmt/filter"
)

// JobTemplate is one of the job templates of Compute Ops Management (docs/api.md).
type JobTemplate struct {
	// Alias is the short name runbooks use, such as "restart".
	Alias string
	// Name is the template's name in GreenLake, such as "Server Restart".
	Name string
	// Description says what the job does.
	Description string
	// ResourceType is the kind of resource the job runs on.
	ResourceType string
	// ID is the template's UUID.
	ID string
	// Effect is what the job does to servers when it ends well.
	Effect Effect
}

// JobTemplates lists all 19 job templates of Compute Ops Management, in the
// order of the API documentation.
var JobTemplates = []JobTemplate{
	{"power_off", "Server Power Off", "Power off a server", ResourceServer, "d0c13b58-748c-461f-9a61-c0c5c71f1bb4", Effect{Power: PowerOff}},
	{"power_on", "Server Power On", "Power on a server", ResourceServer, "0cbb2377-1834-488d-840c-d5bf788c34fb", Effect{Power: PowerOn}},
	{"restart", "Server Restart", "Restart a server", ResourceServer, "30110551-cad6-4069-95b8-dbce9bbd8525", Effect{Power: PowerOn, Restart: true}},
	{"cold_boot", "Server Cold Boot", "Cold boot a server", ResourceServer, "aacfb3e0-6575-4d4f-a711-1ee1ae768407", Effect{Power: PowerOn, Restart: true}},
	{"firmware_update", "Server Firmware Update", "Update firmware on a server", ResourceServer, "fd54a96c-cabc-42e3-aee3-374a2d009dba", Effect{Firmware: true, PowerOffParam: "power_off"}},
	{"ilo_firmware_update", "Server iLO Firmware Update", "Update iLO component firmware on a server", ResourceServer, "94caa4ef-9ff8-4805-9e97-18a09e673b66", Effect{ILOFirmware: true}},
	{"external_storage_details", "Server External Storage Details", "Collect external storage details for a server", ResourceServer, "139cc26b-ac93-4da0-826c-220d15e3a422", Effect{}},
	{"appliance_software_update", "Appliance Software Update", "Update OneView appliance", ResourceOneViewAppliance, "1c4ac4be-8eeb-49f2-a86a-fd8c9182616c", Effect{}},
	{"group_firmware_update", "Group Firmware Update", "Update firmware on servers in a group", ResourceGroup, "91159b5e-9eeb-11ec-a9da-00155dc0a0c0", Effect{Firmware: true, PowerOffParam: "powerOff", EachServer: true}},
	{"group_firmware_compliance", "Group Firmware Compliance", "Calculate firmware compliance of servers in a group", ResourceGroup, "23b8ba2a-6c46-4223-b028-919382c7dcac", Effect{Compliance: true}},
	{"group_appliance_update", "Group Appliance Update", "Update OneView appliances in a group", ResourceGroup, "f69f553a-5004-4a08-9283-5b60abd9eb4a", Effect{}},
	{"group_internal_storage_configuration", "Group Internal Storage Configuration", "Configures internal storage volume for servers in a group", ResourceGroup, "c708eb57-235d-4ea8-9e21-8ceea2438773", Effect{}},
	{"group_apply_server_setting", "Group Apply Server Setting", "Apply server setting on a group", ResourceGroup, "beff07ce-f36d-4699-9ac3-f872dcd63133", Effect{}},
	{"group_apply_external_storage_settings", "Group Apply External Storage Settings", "Apply external storage settings on servers in a group", ResourceGroup, "1262f08e-79eb-4e9f-91d2-6984da9d31cd", Effect{}},
	{"group_external_storage_compliance", "Group External Storage Compliance", "Calculate external storage compliance of servers in a group", ResourceGroup, "977139e0-f9d9-4940-9418-e0c321b5a458", Effect{}},
	{"carbon_footprint_report", "Carbon Footprint Report", "Create carbon footprint report", ResourceFilter, "b0001d36-6490-48ac-93af-a87adfb997ed", Effect{}},
	{"collect_server_inventory", "Collect Server Inventory", "Collect complete or filtered server inventory", ResourceServer, "d6595f1b-84e6-4587-ade5-656e2a5ea20d", Effect{}},
	{"collect_server_network_connectivity", "Collect Server Network Connectivity", "Collect server adapter port to switch port mappings", ResourceServer, "b21ca9e2-8a1b-11ee-b9d1-0242ac120002", Effect{}},
	{"group_os_installation", "Group Operating System Installation", "Install operating system on servers in a group", ResourceGroup, "e2952628-2629-4088-93db-91742304ef0c", Effect{}},
}

// LookupTemplate finds a job template by alias (case-insensitive) or by
// UUID. The error suggests the alias nearest to a typo ("did you mean
// restart?") and lists the known aliases.
func LookupTemplate(aliasOrID string) (JobTemplate, error) {
	key := strings.ToLower(strings.TrimSpace(aliasOrID))
	for _, t := range JobTemplates {
		if t.Alias == key || t.ID == key {
			return t, nil
		}
	}
	hint := ""
	if s := SuggestTemplate(aliasOrID); s != "" {
		hint = fmt.Sprintf(" (did you mean %s?)", s)
	}
	return JobTemplate{}, fmt.Errorf("unknown job template %q%s; want an alias (%s) or a template UUID",
		aliasOrID, hint, strings.Join(TemplateAliases(), ", "))
}

// SuggestTemplate returns the alias a misspelt one most likely meant
// ("restart" for "restrat"), or "" when none is near.
func SuggestTemplate(alias string) string {
	return suggest.Closest(strings.ToLower(strings.TrimSpace(alias)), TemplateAliases())
}

// TemplateParam documents one job parameter (a jobParams key) of a job
// template, as docs/api.md describes it.
type TemplateParam struct {
	// Name is the key, spelt as the API spells it (bundle_id, powerOff).
	Name string
	// Type is its JSON type: "string", "boolean" or "list of strings".
	Type string
	// Desc says what it does.
	Desc string
}

// Params returns the documented job parameters of the template, in the
// order a reader wants them; none for a template that takes none.
func (t JobTemplate) Params() []TemplateParam {
	return templateParams[t.Alias]
}

// templateParams are the job parameters of the templates that take any, by
// alias. The names are those the effect table reads (ParamBundleID,
// ParamDowngrade, ParamDevices and each template's PowerOffParam).
var templateParams = map[string][]TemplateParam{
	"firmware_update": {
		{ParamBundleID, "string", "the id of the firmware bundle to install (required)"},
		{ParamDowngrade, "boolean", "allow installing components older than those on the server"},
		{"power_off", "boolean", "power the server off once the update is done"},
	},
	"group_firmware_update": {
		{ParamBundleID, "string", "the id of the firmware bundle to install (default: the group's baseline)"},
		{ParamDevices, "list of strings", "the ids of the servers of the group to update (default: every server of the group)"},
		{"parallel", "boolean", "update the servers all at once instead of one after another"},
		{"powerOff", "boolean", "power each server off once its update is done"},
	},
	"group_firmware_compliance": {
		{ParamBundleID, "string", "the id of the firmware bundle to check against (default: the group's baseline)"},
		{ParamDevices, "list of strings", "the ids of the servers of the group to check (default: every server of the group)"},
	},
}

// TemplateByID returns the template with that UUID, if it is one of the 19.
func TemplateByID(id string) (JobTemplate, bool) {
	for _, t := range JobTemplates {
		if t.ID == id {
			return t, true
		}
	}
	return JobTemplate{}, false
}

// TemplateAliases returns every template alias, sorted.
func TemplateAliases() []string {
	out := make([]string, 0, len(JobTemplates))
	for _, t := range JobTemplates {
		out = append(out, t.Alias)
	}
	sort.Strings(out)
	return out
}
