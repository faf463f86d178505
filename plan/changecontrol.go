package plan

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"glrun/glapi"
)

// describeChangeControl says in one line what a change to approval
// policies, approval requests or schedules does, or "" for other changes.
func describeChangeControl(c glapi.Call, body map[string]any, seen namer) string {
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	switch c.Collection {
	case glapi.CollectionApprovalPolicies:
		switch {
		case c.Method == http.MethodPost && c.ID == "":
			return fmt.Sprintf("create approval policy '%s': %s", str(body, "name"), describePolicyData(body, seen))
		case c.Method == http.MethodPatch:
			d := "update " + named("approval policy", c.ID, seen.str(c.ID, "name"))
			if _, ok := body["policyData"]; ok {
				d += ": " + describePolicyData(body, seen)
			}
			return d
		case c.Method == http.MethodDelete:
			return "delete " + named("approval policy", c.ID, seen.str(c.ID, "name")) + " (its actions no longer need approval)"
		}
	case glapi.CollectionApprovalRequests:
		remarks := str(body, "remarks")
		if remarks == "" {
			remarks = str(body, "requestRemarks")
		}
		var d string
		switch {
		case c.Action == "approve" && str(body, "approvalState") == glapi.ApprovalDeclined:
			d = "decline approval request " + c.ID + " (its job ends in ERROR)"
		case c.Action == "approve":
			d = "approve approval request " + c.ID
		case c.Method == http.MethodPatch && str(body, "approvalState") == glapi.ApprovalCancelled:
			d = "cancel approval request " + c.ID + " (its job does not run)"
		default:
			return ""
		}
		if remarks != "" {
			d += fmt.Sprintf(": %q", remarks)
		}
		return d
	case glapi.CollectionSchedules:
		switch {
		case c.Method == http.MethodPost && c.ID == "":
			op, _ := body["operation"].(map[string]any)
			what := str(op, "method") + " " + str(op, "uri")
			if job, ok := op["body"].(map[string]any); ok && str(op, "uri") == glapi.CollectionJobs {
				what = describeJob(job, seen)
			}
			return fmt.Sprintf("schedule '%s': %s, %s", str(body, "name"), what, describeWhen(body))
		case c.Method == http.MethodPatch:
			d := "update " + named("schedule", c.ID, seen.str(c.ID, "name"))
			if _, ok := body["schedule"]; ok {
				d += ": " + describeWhen(body)
			}
			return d
		case c.Method == http.MethodDelete:
			return "delete " + named("schedule", c.ID, seen.str(c.ID, "name")) + " (its future runs do not happen)"
		}
	}
	return ""
}

// named is "<kind> 'name' (id)", or "<kind> id" when the name is unknown.
func named(kind, id, name string) string {
	if name == "" {
		return kind + " " + id
	}
	return fmt.Sprintf("%s '%s' (%s)", kind, name, id)
}

// describePolicyData is "Reset, Power off on group prod-web need 1 of
// cab@example.com".
func describePolicyData(body map[string]any, seen namer) string {
	pd, _ := body["policyData"].(map[string]any)
	var parts []string
	apps, _ := pd["approvables"].([]any)
	for _, a := range apps {
		m, _ := a.(map[string]any)
		name, _ := m["approvableName"].(string)
		var emails []string
		aps, _ := m["approvers"].([]any)
		for _, ap := range aps {
			if e, ok := ap.(map[string]any)["email"].(string); ok {
				emails = append(emails, e)
			}
		}
		need := "1"
		if n, ok := number(m["minApprovers"]); ok {
			need = fmt.Sprint(n)
		}
		parts = append(parts, fmt.Sprintf("%s needs %s of %s", name, need, strings.Join(emails, ", ")))
	}
	var groups []string
	res, _ := pd["resources"].([]any)
	for _, r := range res {
		m, _ := r.(map[string]any)
		id, _ := m["resourceId"].(string)
		typ, _ := m["resourceType"].(string)
		groups = append(groups, resourceName(id, typ, seen))
	}
	d := strings.Join(parts, "; ")
	if len(groups) > 0 {
		if d != "" {
			d += " "
		}
		d += "on " + strings.Join(groups, ", ")
	}
	return d
}

// describeWhen is "first at T, then every P7D" or "once at T".
func describeWhen(body map[string]any) string {
	when, _ := body["schedule"].(map[string]any)
	at, _ := when["startAt"].(string)
	if every, _ := when["interval"].(string); every != "" {
		return "first at " + at + ", then every " + every
	}
	return "once at " + at
}

// changeControlAnswer is a dry run's answer to an update of an approval
// policy, approval request or schedule, or to an approval decision: the
// object as last seen (planned or read) with the change merged in, or the
// decision itself; ok is false for other changes.
func changeControlAnswer(c glapi.Call, body map[string]any, st *store, seen *catalog, now time.Time) (map[string]any, bool) {
	switch c.Collection {
	case glapi.CollectionApprovalPolicies, glapi.CollectionApprovalRequests, glapi.CollectionSchedules:
	default:
		return nil, false
	}
	if c.Action == "approve" {
		return copyMap(body), true
	}
	if c.Method != http.MethodPatch || c.ID == "" {
		return nil, false
	}
	o, ok := st.read(c.ID, now)
	if !ok {
		if got, found := seen.get(c.ID); found {
			o = copyMap(got)
		} else {
			o = map[string]any{"id": c.ID}
		}
	}
	for k, v := range body {
		if m, isMap := v.(map[string]any); isMap {
			if old, wasMap := o[k].(map[string]any); wasMap {
				merged := copyMap(old)
				for k2, v2 := range m {
					merged[k2] = v2
				}
				o[k] = merged
				continue
			}
		}
		o[k] = deepCopy(v)
	}
	o["updatedAt"] = stamp(now)
	return o, true
}
