package builtins

import (
	"fmt"
	"strings"

	"go.starlark.net/starlark"

	"glrun/glapi"
)

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

// templateWant is what a template parameter expects.
func templateWant() string {
	return "a job template alias (" + strings.Join(glapi.TemplateAliases(), ", ") + ") or a template UUID"
}

// TemplateArg accepts a job template: an alias or UUID of one of the 19
// known templates, or any other UUID (whose resource type is then
// unknown) unless KnownOnly.
type TemplateArg struct {
	// KnownOnly refuses UUIDs of templates glrun does not know.
	KnownOnly bool
	// Template is the template.
	Template glapi.JobTemplate
}

// Want lists the aliases.
func (k *TemplateArg) Want() string {
	if k.KnownOnly {
		return "a job template alias (" + strings.Join(glapi.TemplateAliases(), ", ") + ") or the UUID of one of them"
	}
	return templateWant()
}

// Unpack takes an alias or a UUID.
func (k *TemplateArg) Unpack(v starlark.Value) error {
	name := StringArg{NonEmpty: true}
	if err := name.Unpack(v); err != nil {
		return err
	}
	if t, err := glapi.LookupTemplate(name.Value); err == nil {
		k.Template = t
		return nil
	}
	if s := strings.TrimSpace(name.Value); glapi.IsUUID(s) && !k.KnownOnly {
		id := strings.ToLower(s)
		k.Template = glapi.JobTemplate{ID: id, Name: "template " + id}
		return nil
	}
	if s := glapi.SuggestTemplate(name.Value); s != "" {
		return &BadArg{Detail: fmt.Sprintf(" (did you mean %q?)", s)}
	}
	return &BadArg{}
}

// ResourceTypeArg accepts the type of a job's resource as a user or the
// API spells it ("server", "compute-ops-mgmt/server"...).
type ResourceTypeArg struct {
	// Type is the API's constant, such as glapi.ResourceServer.
	Type string
}

// Want lists the short names.
func (k *ResourceTypeArg) Want() string { return resourceTypeWant }

// Unpack takes a known resource type.
func (k *ResourceTypeArg) Unpack(v starlark.Value) error {
	s, ok := v.(starlark.String)
	if !ok {
		return &BadArg{}
	}
	if k.Type = normalizeResourceType(string(s)); k.Type == "" {
		return &BadArg{}
	}
	return nil
}

// JobParamsArg accepts the parameters of a job: a dict with JSON values.
type JobParamsArg struct {
	// Params are the parameters, nil when there are none.
	Params map[string]any
}

// Want says a dict.
func (k *JobParamsArg) Want() string { return "a dict of job parameters" }

// Unpack takes a dict of JSON values.
func (k *JobParamsArg) Unpack(v starlark.Value) error {
	d, ok := v.(*starlark.Dict)
	if !ok {
		return &BadArg{}
	}
	x, err := FromStarlark(d)
	if err != nil {
		return &BadArg{Want: "a dict of job parameters with JSON values (" + err.Error() + ")"}
	}
	if m := x.(map[string]any); len(m) > 0 {
		k.Params = m
	}
	return nil
}

// resolveResource returns the id and API type of the resource argument res
// of jobs.create: a record (or dict) with an id, whose type field says what
// it is, or an id string whose type is explicit (resource_type=, "" when
// not given), else the template's. A resource that does not fit the
// template is an error.
func resolveResource(a *Args, tmpl glapi.JobTemplate, res starlark.Value, explicit string) (id, typ string, err error) {
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
