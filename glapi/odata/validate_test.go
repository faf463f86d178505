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
			e, err := Parse(tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			err = Validate(tt.resource, e)
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
	if got := Properties(ResourceUsers); !slices.Equal(got, []string{"createdAt", "id", "lastLogin", "updatedAt", "userStatus", "username"}) {
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
