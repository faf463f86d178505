package builtins

import (
	"fmt"
	"regexp"
	"strings"

	"go.starlark.net/starlark"

	"glrun/glapi"
)

// uuidRE matches a template UUID.
var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// resourceTypeWant is what resource_type= expects.
const resourceTypeWant = `"server", "group", "oneview-appliance" or "filter" (or the API's "compute-ops-mgmt/server"...)`

// resourceKinds maps the short names of resource types to the API's.
var resourceKinds = map[string]string{
	"server":            glapi.ResourceServer,
	"group":             glapi.ResourceGroup,
	"oneview-appliance": glapi.ResourceOneViewAppliance,
	"appliance":         glapi.ResourceOneViewAppliance,
	"filter":            glapi.ResourceFilter,
}

// normalizeResourceType maps a resource type as a user or the API spells it
// ("server", "compute-ops-mgmt/server", "compute-ops/group",
// "compute-mgmt-ops/group") to the API's constant, or "" when unknown.
func normalizeResourceType(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if t, ok := resourceKinds[s]; ok {
		return t
	}
	if i := strings.LastIndex(s, "/"); i >= 0 {
		if t, ok := resourceKinds[s[i+1:]]; ok {
			return t
		}
	}
	return ""
}

// shortResourceType is the short name of an API resource type.
func shortResourceType(t string) string {
	return t[strings.LastIndex(t, "/")+1:]
}

// lookupTemplate finds the template given to fn: an alias or UUID of one of
// the 19 known templates, or any other UUID (whose resource type is then
// unknown).
func lookupTemplate(a *Args) (glapi.JobTemplate, error) {
	want := "a job template alias (" + strings.Join(glapi.TemplateAliases(), ", ") + ") or a template UUID"
	name, err := a.NonEmptyString("template", want)
	if err != nil {
		return glapi.JobTemplate{}, err
	}
	if t, err := glapi.LookupTemplate(name); err == nil {
		return t, nil
	}
	if uuidRE.MatchString(strings.TrimSpace(name)) {
		id := strings.ToLower(strings.TrimSpace(name))
		return glapi.JobTemplate{ID: id, Name: "template " + id}, nil
	}
	return glapi.JobTemplate{}, a.Error("template", want)
}

// resolveResource returns the id and API type of the resource argument of
// jobs.create: a record (or dict) with an id, whose type field says what it
// is, or an id string whose type is resource_type=, else the template's.
// A resource that does not fit the template is an error.
func resolveResource(a *Args, tmpl glapi.JobTemplate) (id, typ string, err error) {
	explicit := ""
	if s, ok, err := a.OptString("resource_type", resourceTypeWant); err != nil {
		return "", "", err
	} else if ok {
		if explicit = normalizeResourceType(s); explicit == "" {
			return "", "", a.Error("resource_type", resourceTypeWant)
		}
	}

	res := a.Value("resource")
	id, ok := IDOf(res)
	if !ok {
		return "", "", a.Error("resource", "a server or group record, or a resource id string")
	}
	if _, isString := res.(starlark.String); !isString {
		if t, ok := recordType(res); ok {
			typ = normalizeResourceType(t)
			if typ == "" {
				return "", "", a.Error("resource", fmt.Sprintf("a server or group record (this record's type %q cannot run a job)", t))
			}
			if explicit != "" && explicit != typ {
				return "", "", fmt.Errorf("%s: parameter %q says %q, but resource %s is a %s",
					a.Fn(), "resource_type", shortResourceType(explicit), id, shortResourceType(typ))
			}
		}
	}
	switch {
	case typ != "":
	case explicit != "":
		typ = explicit
	case tmpl.ResourceType != "":
		typ = tmpl.ResourceType
	default:
		typ = glapi.ResourceServer
	}
	if tmpl.ResourceType != "" && tmpl.ResourceType != typ {
		return "", "", fmt.Errorf("%s: template %q (%s) runs on a %s, but resource %s is a %s",
			a.Fn(), tmpl.Alias, tmpl.Name, shortResourceType(tmpl.ResourceType), id, shortResourceType(typ))
	}
	return id, typ, nil
}

// recordType returns the string "type" field of a record or dict.
func recordType(v starlark.Value) (string, bool) {
	var tv starlark.Value
	switch v := v.(type) {
	case *Record:
		tv, _ = v.Field("type")
	case *starlark.Dict:
		tv, _, _ = v.Get(starlark.String("type"))
	}
	s, ok := tv.(starlark.String)
	return string(s), ok && s != ""
}
