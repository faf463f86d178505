package plan

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"glrun/glapi"
	"glrun/glapi/odata"
)

// store holds what a dry run has "created": synthesized objects by planned
// id, what it deleted, and the predicted effects of planned jobs on
// servers. Callers serialize access.
type store struct {
	objs    map[string]*synth
	order   []string // planned ids, oldest first
	counter map[string]int
	deleted map[string]bool
	// effects are the changes finished planned jobs made to servers, by
	// server id, in order.
	effects map[string][]func(map[string]any)
}

// synth is one synthesized object.
type synth struct {
	coll string
	obj  map[string]any
	// job: whether it has been read since it was created (and so is
	// COMPLETE), and its effect on servers.
	job      bool
	complete bool
}

func newStore() *store {
	return &store{
		objs:    map[string]*synth{},
		counter: map[string]int{},
		deleted: map[string]bool{},
		effects: map[string][]func(map[string]any){},
	}
}

// newID returns the next planned id of a kind: plan-job-0001 ...
func (s *store) newID(kind string) string {
	s.counter[kind]++
	return fmt.Sprintf("plan-%s-%04d", kind, s.counter[kind])
}

// add stores a synthesized object.
func (s *store) add(coll string, o map[string]any, job bool) {
	id := o["id"].(string)
	s.objs[id] = &synth{coll: coll, obj: o, job: job}
	s.order = append(s.order, id)
}

// stamp formats t as the APIs do.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// newJob synthesizes the answer to POST /jobs: a PENDING job.
func (s *store) newJob(body map[string]any, now time.Time) map[string]any {
	id := s.newID("job")
	tid, _ := body["jobTemplate"].(string)
	rid, _ := body["resourceId"].(string)
	rtype, _ := body["resourceType"].(string)
	name := tid
	if t, ok := glapi.TemplateByID(tid); ok {
		name = t.Name
	}
	params, _ := body["jobParams"].(map[string]any)
	if params == nil {
		params = map[string]any{}
	}
	o := map[string]any{
		"id":              id,
		"type":            "compute-ops-mgmt/job",
		"resourceUri":     collJobs + "/" + id,
		"name":            name,
		"generation":      1,
		"createdAt":       stamp(now),
		"updatedAt":       stamp(now),
		"jobTemplate":     tid,
		"resource":        map[string]any{"id": rid, "type": rtype},
		"jobParams":       params,
		"results":         map[string]any{},
		"state":           "PENDING",
		"resultCode":      nil,
		"status":          "Pending (planned: this job is created when the plan is applied)",
		"statusDetails":   nil,
		"progressPercent": 0,
	}
	s.add(collJobs, o, true)
	return copyMap(o)
}

// newUser synthesizes the user an invitation creates.
func (s *store) newUser(body map[string]any, now time.Time) map[string]any {
	id := s.newID("user")
	email, _ := body["email"].(string)
	o := map[string]any{
		"id":          id,
		"type":        "user",
		"username":    email,
		"userStatus":  "UNVERIFIED",
		"generation":  1,
		"createdAt":   stamp(now),
		"updatedAt":   stamp(now),
		"resourceUri": collUsers + "/" + id,
	}
	s.add(collUsers, o, false)
	return copyMap(o)
}

// newCredential synthesizes a created credential (without its secret).
func (s *store) newCredential(body map[string]any, now time.Time) map[string]any {
	id := s.newID("credential")
	name, _ := body["credentialName"].(string)
	o := map[string]any{
		"id":             id,
		"clientId":       id,
		"credentialName": name,
		"type":           "credentials",
		"generation":     1,
		"createdAt":      stamp(now),
		"updatedAt":      stamp(now),
	}
	for _, k := range []string{"associatedTenant", "associatedServiceManagerProvision"} {
		if v, ok := body[k]; ok {
			o[k] = v
		}
	}
	s.add(collCredentials, o, false)
	return copyMap(o)
}

// newObject synthesizes any other created object: the body with an id.
func (s *store) newObject(coll string, body map[string]any, now time.Time) map[string]any {
	kind := strings.TrimSuffix(coll[strings.LastIndex(coll, "/")+1:], "s")
	o := copyMap(body)
	if o == nil {
		o = map[string]any{}
	}
	o["id"] = s.newID(kind)
	o["createdAt"] = stamp(now)
	s.add(coll, o, false)
	return copyMap(o)
}

// read returns a planned object as a read shows it now: a job read after
// its creation has finished (COMPLETE, SUCCESS), and its effect shows.
func (s *store) read(id string, now time.Time) (map[string]any, bool) {
	sy, ok := s.objs[id]
	if !ok {
		return nil, false
	}
	if sy.job && !sy.complete {
		sy.complete = true
		if sy.obj["state"] == "PENDING" || sy.obj["state"] == "RUNNING" {
			sy.obj["state"] = "COMPLETE"
			sy.obj["resultCode"] = "SUCCESS"
			sy.obj["status"] = "Complete (planned: the outcome is known only when the plan is applied)"
			sy.obj["progressPercent"] = 100
			sy.obj["updatedAt"] = stamp(now)
			s.addEffects(sy.obj)
		}
	}
	return copyMap(sy.obj), true
}

// setJobState applies PATCH {"state": ...} to a planned job.
func (s *store) setJobState(id, state string, now time.Time) (map[string]any, bool) {
	sy, ok := s.objs[id]
	if !ok || !sy.job {
		return nil, false
	}
	if state != "" {
		sy.complete = true
		sy.obj["state"] = state
		sy.obj["updatedAt"] = stamp(now)
	}
	return copyMap(sy.obj), true
}

// remove records a deletion.
func (s *store) remove(id string) {
	if id == "" {
		return
	}
	s.deleted[id] = true
	if _, ok := s.objs[id]; ok {
		delete(s.objs, id)
		for i, o := range s.order {
			if o == id {
				s.order = append(s.order[:i], s.order[i+1:]...)
				break
			}
		}
	}
}

// addEffects records the predicted effect of a finished job on servers.
func (s *store) addEffects(job map[string]any) {
	tmpl, ok := glapi.TemplateByID(fmt.Sprint(job["jobTemplate"]))
	if !ok {
		return
	}
	res, _ := job["resource"].(map[string]any)
	rid, _ := res["id"].(string)
	params, _ := job["jobParams"].(map[string]any)
	power := func(state string) func(map[string]any) {
		return func(srv map[string]any) {
			if hw, ok := srv["hardware"].(map[string]any); ok {
				hw["powerState"] = state
			}
		}
	}
	bundle := func(bid string) func(map[string]any) {
		return func(srv map[string]any) {
			srv["firmwareBundleUri"] = "/compute-ops-mgmt/v1/firmware-bundles/" + bid
		}
	}
	switch tmpl.Alias {
	case "power_off":
		s.effects[rid] = append(s.effects[rid], power("OFF"))
	case "power_on", "restart", "cold_boot":
		s.effects[rid] = append(s.effects[rid], power("ON"))
	case "firmware_update":
		if bid, _ := params["bundle_id"].(string); bid != "" {
			s.effects[rid] = append(s.effects[rid], bundle(bid))
		}
	case "group_firmware_update":
		bid, _ := params["bundle_id"].(string)
		devices, _ := params["devices"].([]any)
		for _, dv := range devices {
			if sid, ok := dv.(string); ok && bid != "" {
				s.effects[sid] = append(s.effects[sid], bundle(bid))
			}
		}
	}
}

// overlay applies the predicted effects to a server read from the API.
func (s *store) overlay(coll string, o map[string]any) {
	if coll != collServers {
		return
	}
	id, _ := o["id"].(string)
	for _, fx := range s.effects[id] {
		fx(o)
	}
}

// adjustList changes one page of a list answer as the plan would have
// changed the list: the predicted effects on servers, deleted objects
// hidden (when the page is the whole list), and the planned objects of
// the collection that the filter matches added on the last page (the
// total counts them on every page, so paging stays consistent).
func (s *store) adjustList(coll, filter string, page map[string]any, now time.Time) {
	items, ok := page["items"].([]any)
	if !ok {
		return
	}
	for _, it := range items {
		if o, ok := it.(map[string]any); ok {
			s.overlay(coll, o)
		}
	}
	total, hasTotal := number(page["total"])
	offset, _ := number(page["offset"])
	next, _ := page["next"].(string)
	last := next == "" && (!hasTotal || offset+len(items) >= total)
	if last && offset == 0 {
		kept := items[:0]
		for _, it := range items {
			if o, ok := it.(map[string]any); ok && s.deleted[fmt.Sprint(o["id"])] {
				total--
				continue
			}
			kept = append(kept, it)
		}
		items = kept
	}
	var expr odata.Expr
	if strings.TrimSpace(filter) != "" {
		e, err := odata.Parse(filter)
		if err != nil {
			return
		}
		expr = e
	}
	var add []any
	for _, id := range s.order {
		sy := s.objs[id]
		if sy.coll != coll {
			continue
		}
		o := sy.obj
		if sy.job {
			o, _ = s.read(id, now)
		}
		if expr != nil && !odata.Eval(expr, filterView(coll, o)) {
			continue
		}
		add = append(add, copyMap(o))
	}
	total += len(add)
	if last {
		items = append(items, add...)
	}
	page["items"] = items
	if _, ok := page["count"]; ok {
		page["count"] = len(items)
	}
	if hasTotal {
		page["total"] = total
	}
}

// filterView is an object as a list filter sees it (a credential's
// tenantId comes from its associated tenant, as in the API).
func filterView(coll string, o map[string]any) map[string]any {
	if coll != collCredentials {
		return o
	}
	v := copyMap(o)
	if t, ok := o["associatedTenant"].(map[string]any); ok {
		uri, _ := t["resourceUri"].(string)
		v["tenantId"] = uri[strings.LastIndex(uri, "/")+1:]
	}
	return v
}

// number reads a JSON number.
func number(v any) (int, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	case float64:
		return int(n), true
	case int:
		return n, true
	}
	return 0, false
}

// copyMap deep-copies a JSON object.
func copyMap(o map[string]any) map[string]any {
	if o == nil {
		return nil
	}
	return deepCopy(o).(map[string]any)
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = deepCopy(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = deepCopy(x)
		}
		return out
	}
	return v
}
