package plan

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"glrun/glapi"
)

// verbs say what a job template does to its resource.
var verbs = map[string]string{
	"power_off":                 "power off",
	"power_on":                  "power on",
	"restart":                   "restart",
	"cold_boot":                 "cold boot",
	"firmware_update":           "update the firmware of",
	"ilo_firmware_update":       "update the iLO firmware of",
	"group_firmware_update":     "update the firmware of the servers of",
	"group_firmware_compliance": "calculate the firmware compliance of",
	"collect_server_inventory":  "collect the inventory of",
}

// describeMutation says in one line what a mutation does (c describes it,
// r is its request), naming the objects it touches by the names seen in
// earlier answers.
func describeMutation(c glapi.Call, r Request, seen namer) string {
	body, _ := r.Body.(map[string]any)
	str := func(k string) string { s, _ := body[k].(string); return s }
	switch {
	case c.Collection == glapi.CollectionJobs && c.Method == http.MethodPost && c.ID == "":
		return describeJob(body, seen)
	case c.Collection == glapi.CollectionJobs && c.Method == http.MethodPatch && c.ID != "":
		if st := str("state"); st != "" {
			return fmt.Sprintf("set job %s to %s", c.ID, st)
		}
		return "update job " + c.ID
	case c.Collection == glapi.CollectionUsers && c.Method == http.MethodPost && c.ID == "":
		d := "invite user " + str("email")
		if w, ok := body["sendWelcomeEmail"].(bool); ok && !w {
			d += " (no welcome email)"
		}
		return d
	case c.Collection == glapi.CollectionUsers && c.Method == http.MethodPut && c.ID != "":
		return "update the preferences of " + userName(c.ID, seen) + ": " + fields(body)
	case c.Collection == glapi.CollectionUsers && c.Method == http.MethodDelete && c.ID != "":
		return "delete " + userName(c.ID, seen) + " from the workspace"
	case c.Collection == glapi.CollectionCredentials && c.Method == http.MethodPost && c.ID == "":
		d := fmt.Sprintf("create API credential '%s'", str("credentialName"))
		if t, ok := body["associatedTenant"].(map[string]any); ok {
			uri, _ := t["resourceUri"].(string)
			d += " for tenant " + glapi.IDOf(uri)
		}
		return d
	case c.Collection == glapi.CollectionCredentials && c.Method == http.MethodPost && c.Action == "reset":
		return "reset the secret of " + credentialName(c.ID, seen)
	case c.Collection == glapi.CollectionCredentials && c.Method == http.MethodDelete && c.ID != "":
		return "delete " + credentialName(c.ID, seen)
	}
	if d := describeChangeControl(c, body, seen); d != "" {
		return d
	}
	if d := describePlatform(c, r, seen); d != "" {
		return d
	}
	return r.Method + " " + r.Path
}

// describeJob describes POST /jobs: "restart server prod-web-03
// (P28948-B21+2M212000P0) via job template Server Restart".
func describeJob(body map[string]any, seen namer) string {
	tid, _ := body["jobTemplate"].(string)
	rid, _ := body["resourceId"].(string)
	rtype, _ := body["resourceType"].(string)
	tmpl, ok := glapi.TemplateByID(tid)
	if !ok {
		return fmt.Sprintf("run job template %s on %s", tid, resourceName(rid, rtype, seen))
	}
	res := resourceName(rid, rtype, seen)
	d := fmt.Sprintf("run job template %s on %s", tmpl.Name, res)
	if verb := verbs[tmpl.Alias]; verb != "" {
		d = fmt.Sprintf("%s %s via job template %s", verb, res, tmpl.Name)
	}
	if params, ok := body["jobParams"].(map[string]any); ok && len(params) > 0 {
		d += " (" + jobParams(params, seen) + ")"
	}
	return d
}

// resourceName names a job's resource: "server NAME (ID)", "group NAME".
func resourceName(id, rtype string, seen namer) string {
	kind := strings.TrimPrefix(rtype, "compute-ops-mgmt/")
	if kind == "" {
		kind = "resource"
	}
	if name := seen.str(id, "name"); name != "" {
		return fmt.Sprintf("%s %s (%s)", kind, name, id)
	}
	return kind + " " + id
}

// jobParams renders job parameters, naming a bundle by its version.
func jobParams(p map[string]any, seen namer) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		v := fmt.Sprint(p[k])
		if k == "bundle_id" {
			if rv := seen.str(v, "releaseVersion"); rv != "" {
				v = rv + " (" + v + ")"
			}
		}
		parts[i] = k + "=" + v
	}
	return strings.Join(parts, ", ")
}

// userName names a user by username when known.
func userName(id string, seen namer) string {
	if u := seen.str(id, "username"); u != "" {
		return fmt.Sprintf("user %s (%s)", u, id)
	}
	return "user " + id
}

// credentialName names a credential by its name when known.
func credentialName(id string, seen namer) string {
	if n := seen.str(id, "credentialName"); n != "" {
		return fmt.Sprintf("API credential '%s' (client id %s)", n, id)
	}
	return "API credential " + id
}

// fields renders a flat body as k=v, sorted.
func fields(body map[string]any) string {
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%v", k, body[k])
	}
	return strings.Join(parts, ", ")
}

// collectionLabels name the collections for people.
var collectionLabels = map[string]string{
	glapi.CollectionJobs:             "Compute Ops Management jobs",
	glapi.CollectionUsers:            "Workspace users (identity)",
	glapi.CollectionCredentials:      "API credentials (workspaces)",
	glapi.CollectionDevices:          "Devices (inventory)",
	glapi.CollectionDevicesUpdate:    "Device changes (inventory)",
	glapi.CollectionServers:          "Compute Ops Management servers",
	glapi.CollectionSubscriptions:    "Subscriptions",
	glapi.CollectionGroups:           "Compute Ops Management groups",
	glapi.CollectionRoleAssignments:  "Role assignments (authorization)",
	glapi.CollectionSCIMGroups:       "User groups (identity)",
	glapi.CollectionApprovalPolicies: "Approval policies (change control)",
	glapi.CollectionApprovalRequests: "Approval requests (change control)",
	glapi.CollectionSchedules:        "Schedules",
}

// CollectionLabel names a mutation's collection for people.
func CollectionLabel(coll string) string {
	if l, ok := collectionLabels[coll]; ok {
		return l
	}
	return coll
}
