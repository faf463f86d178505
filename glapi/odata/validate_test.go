package odata

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		resource, filter string
		want             string // "" means valid; else substrings, | separated
	}{
		{ResourceJobs, "state eq 'ERROR' and resource/id eq 'x' and resource/type eq 'y'", ""},
		{ResourceJobs, "not cancellable eq false and contains(createdAt,'2022')", ""},
		{ResourceJobs, "stat eq 'ERROR'", `jobs cannot be filtered by "stat"|did you mean "state"?|filterable: cancellable, createdAt`},
		{ResourceJobs, "State eq 'ERROR'", `did you mean "state"?`},
		{ResourceJobs, "resource eq null", `"resource" is an object; filter on resource/id or resource/type`},
		{ResourceJobs, "resource/idd eq 'x'", `did you mean "resource/id"?`},
		{ResourceJobs, "not resource/id eq none", `cannot be filtered by "none"|write null`},
		{ResourceJobs, "zzzzzz eq 1", `cannot be filtered by "zzzzzz" (filterable`},
		{ResourceAsyncOperations, "not endedAt eq null and contains(sourceResourceUri,'groups/x')", ""},
		{ResourceAsyncOperations, "progresPercent eq 100", `did you mean "progressPercent"?`},
		{ResourceUsers, "userStatus ne 'UNVERIFIED' and createdAt gt '2020-09-21T14:19:09.769747'", ""},
		{ResourceUsers, "workspaceName eq 'x'", `users cannot be filtered by "workspaceName"`},
		{ResourceUsers, "userName eq 'x'", `did you mean "username"?`},
		{ResourceUsers, "email eq 'x'", `cannot be filtered by "email"`},
		{ResourceCredentials, "tenantId eq 'x'", ""},
		{ResourceCredentials, "tenantID eq 'x'", `did you mean "tenantId"?`},
		{ResourceExternalServices, "serviceType eq 'VMWARE_VCENTER'", ""},
		{ResourceExternalServices, "servicetype eq 'x'", `did you mean "serviceType"?`},
		{ResourceServers, "host/hostname eq 'x' and state/managed eq true and hardware/serialNumber eq 'y'", ""},
		{ResourceServers, "name eq 'MXQ' and contains(createdAt,'2019')", ""},
		{ResourceServers, "hardwre/serialNumber eq 'x'", `did you mean "hardware/serialNumber"?`},
		{ResourceServers, "serverGen eq 10", `did you mean "serverGeneration"?`},
		{ResourceServers, "name/x eq 1", `cannot be filtered by "name/x"`},
		{ResourceGroups, "autoAddTags/Department eq 'Development - Texas' and contains(name,'Group')", ""},
		{ResourceGroups, "nmae eq 'x'", `did you mean "name"?`},
		{ResourceFirmwareBundles, "releaseVersion eq '2024.01.00' and isActive", ""},
		{ResourceFirmwareBundles, "version eq 'x'", `cannot be filtered by "version"`},
		{"widgets", "a eq 1", `unknown resource "widgets"|jobs`},
		{ResourceJobs, "1 eq 1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.resource+" "+tt.filter, func(t *testing.T) {
			err := parseAndValidate(t, tt.resource, tt.filter)
			if tt.want == "" {
				if err != nil {
					t.Errorf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate: no error, want %q", tt.want)
			}
			for _, w := range strings.Split(tt.want, "|") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestValidatePropertyError(t *testing.T) {
	e, _ := Parse("hardwre/x eq 1")
	err := Validate(ResourceServers, e)
	var pe *PropertyError
	if !errors.As(err, &pe) {
		t.Fatalf("error %T is not a *PropertyError", err)
	}
	if pe.Resource != ResourceServers || pe.Property != "hardwre/x" || pe.Suggestion != "hardware/x" {
		t.Errorf("PropertyError = %+v", pe)
	}
	if !slices.Contains(pe.Allowed, "hardware[/...]") {
		t.Errorf("Allowed = %v", pe.Allowed)
	}
}

func TestProperties(t *testing.T) {
	for _, r := range Resources() {
		ps := Properties(r)
		if len(ps) == 0 || !slices.IsSorted(ps) {
			t.Errorf("Properties(%q) = %v", r, ps)
		}
	}
	if got := Properties(ResourceCredentials); !slices.Equal(got, []string{"tenantId"}) {
		t.Errorf("credentials = %v", got)
	}
	if got := Properties(ResourceUsers); !slices.Equal(got, []string{"createdAt", "firstName", "id", "lastLogin", "lastName", "updatedAt", "userStatus", "username"}) {
		t.Errorf("users = %v", got)
	}
	if got := Properties(ResourceJobs); len(got) != 18 || !slices.Contains(got, "resource/id") {
		t.Errorf("jobs = %v", got)
	}
	if got := Properties(ResourceAsyncOperations); len(got) != 13 {
		t.Errorf("async-operations = %v", got)
	}
	if Properties("nope") != nil {
		t.Error("unknown resource has properties")
	}
}

func TestPaths(t *testing.T) {
	e, _ := Parse("a eq 1 and (b/c in (1) or contains(a, d)) and not 2020 in e")
	if got := Paths(e); !slices.Equal(got, []string{"a", "b/c", "d", "e"}) {
		t.Errorf("Paths = %v", got)
	}
}

// TestValidateNestedPathsAgainstTheSchema: below a property that allows
// nested paths, every level must name a property of the resource's schema,
// case-sensitively, with the did-you-mean at the level that is wrong; below
// a free-form object any sub-path is accepted.
func TestValidateNestedPathsAgainstTheSchema(t *testing.T) {
	tests := []struct {
		resource, filter string
		want             string // "" means valid; else substrings, | separated
		suggestion       string
	}{
		{ResourceServers, "hardware/powerState eq 'ON'", "", ""},
		{ResourceServers, "hardware/bmc/version eq '2.81' and host/hostname eq 'x' and state/managed eq true", "", ""},
		{ResourceServers, "lastFirmwareUpdate/status eq 'OK' and oneview/name eq 'x' and hardware/health/summary eq 'OK'", "", ""},
		{ResourceServers, "hardware eq null and not state eq null", "", ""},
		{ResourceServers, "hardware/powrState eq 'ON'", `servers cannot be filtered by "hardware/powrState": "hardware" has no property "powrState"|(filterable: hardware/bmc[/...], hardware/formFactor`, "hardware/powerState"},
		{ResourceServers, "hardware/powerstate eq 'OFF'", `"hardware" has no property "powerstate"|did you mean "hardware/powerState"?`, "hardware/powerState"},
		{ResourceServers, "hardware/bcm/version eq 'x'", `"hardware" has no property "bcm"`, "hardware/bmc/version"},
		{ResourceServers, "hardware/bmc/verison eq 'x'", `"hardware/bmc" has no property "verison"|hardware/bmc/hostname`, "hardware/bmc/version"},
		{ResourceServers, "Hardware/powrstate eq 'ON'", `cannot be filtered by "Hardware/powrstate"`, "hardware/powerState"},
		{ResourceServers, "hardwre/bcm/version eq 'x'", `cannot be filtered by "hardwre/bcm/version"`, "hardware/bmc/version"},
		{ResourceServers, "state/Managed eq true", `"state" has no property "Managed"`, "state/managed"},
		{ResourceServers, "hardware/zzzzzzzz eq 1", `"hardware" has no property "zzzzzzzz"`, ""},
		{ResourceServers, "hardware/powerState/x eq 1", `"hardware/powerState" is a string; it has no properties`, ""},
		{ResourceServers, "lastFirmwareUpdate/firmwareInventoryUpdates/name eq 'x'", `"lastFirmwareUpdate/firmwareInventoryUpdates" is a list`, ""},
		{ResourceServers, "name/x eq 1", `cannot be filtered by "name/x": "name" is a string`, ""},
		{ResourceGroups, "autoAddTags/Department eq 'x' and autoAddTags/any_tag eq 'y'", "", ""},
		{ResourceGroups, "policies/onDeviceAdd/anything/below eq 1", "", ""},
		{ResourceGroups, "policies/onDevceAdd eq null", `"policies" has no property "onDevceAdd"|(filterable: policies/onDeviceAdd[/...])`, "policies/onDeviceAdd"},
		{ResourceJobs, "jobParams/x eq 1", `"jobParams" can be filtered on only as a whole`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.resource+" "+tt.filter, func(t *testing.T) {
			err := parseAndValidate(t, tt.resource, tt.filter)
			if tt.want == "" {
				if err != nil {
					t.Errorf("Validate: %v", err)
				}
				return
			}
			var pe *PropertyError
			if !errors.As(err, &pe) {
				t.Fatalf("Validate: %v, want a *PropertyError with %q", err, tt.want)
			}
			for _, w := range strings.Split(tt.want, "|") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate error %q lacks %q", err, w)
				}
			}
			if pe.Suggestion != tt.suggestion {
				t.Errorf("Suggestion = %q, want %q", pe.Suggestion, tt.suggestion)
			}
			if tt.suggestion != "" && !strings.Contains(err.Error(), `did you mean "`+tt.suggestion+`"?`) {
				t.Errorf("Validate error %q lacks the did-you-mean", err)
			}
		})
	}
}

// computedProperties are filterable properties the service derives, which
// the item schema does not list.
var computedProperties = map[string]string{
	ResourceCredentials + " tenantId":                       "the workspace id of associatedTenant",
	ResourceJobs + " cancellable":                           "listed by the jobs filter description, missing from its job-v1 schema",
	ResourceActivities + " associatedServerId":              "listed by the v1beta2 activities filter description, missing from its activity schema",
	ResourceActivities + " groupId":                         "listed by the v1beta2 activities filter description, missing from its activity schema",
	ResourceActivities + " groupDisplayName":                "listed by the v1beta2 activities filter description, missing from its activity schema",
	ResourceActivities + " healthState":                     "listed by the v1beta2 activities filter description, missing from its activity schema",
	ResourceActivities + " hidden":                          "listed by the v1beta2 activities filter description, missing from its activity schema",
	ResourceActivities + " resourceUri":                     "listed by the v1beta2 activities filter description, missing from its activity schema",
	ResourceActivities + " serverSettingsCategory":          "listed by the v1beta2 activities filter description, missing from its activity schema",
	ResourceActivities + " serverSettingsId":                "listed by the v1beta2 activities filter description, missing from its activity schema",
	ResourceActivities + " serverSettingsName":              "listed by the v1beta2 activities filter description, missing from its activity schema",
	ResourceAuditLogs + " region":                           "a v2beta1 audit-log filter key, missing from its log schema",
	ResourceDevices + " currentSupportLevelEndDate":         "used by the device list filter examples, missing from its device schema",
	ResourceDevices + " inUseWorkspaceId":                   "used by the device list filter examples, missing from its device schema",
	ResourceApprovalPolicies + " policyData/resources/id":   "the resourceId of an item of the policyData.resources list",
	ResourceApprovalPolicies + " policyData/resources/type": "the resourceType of an item of the policyData.resources list",
}

// TestFilterablePropertiesAreInTheSchema: every filterable property (and
// every nested path of one, such as jobs' resource/id) names a property of
// the resource's schema, and a property that allows nested paths is an
// object there, so the hand-kept lists and the generated shapes agree.
func TestFilterablePropertiesAreInTheSchema(t *testing.T) {
	for _, r := range Resources() {
		root := specShape(r)
		if root == nil {
			if r != ResourceExternalServices {
				t.Errorf("%s has no shape in shapes_gen.go", r)
			}
			continue
		}
		for _, p := range resourceProperties(r) {
			if _, ok := computedProperties[r+" "+p.name]; ok {
				continue
			}
			if pe := walkShape(root, strings.Split(p.name, "/"), 0); pe != nil {
				t.Errorf("%s: filterable %q: %s", r, p.name, pe.reason)
				continue
			}
			if s := root.lookup(p.name); p.nested && (s == nil || (s.kind != shapeObject && s.kind != shapeFreeForm)) {
				t.Errorf("%s: %q allows nested paths but is not an object in the schema", r, p.name)
			}
		}
	}
}

// parseAndValidate parses filter, which must parse, and validates it
// against resource.
func parseAndValidate(t *testing.T, resource, filter string) error {
	t.Helper()
	e, err := Parse(filter)
	if err != nil {
		t.Fatal(err)
	}
	return Validate(resource, e)
}
