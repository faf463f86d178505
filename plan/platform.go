package plan

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"glrun/glapi"
	"glrun/internal/httpbody"
)

// The platform's onboarding writes in a plan: device and subscription
// writes are checked by the API itself (dry-run=true) and answered with
// planned async operations that read back SUCCEEDED; planned devices,
// subscriptions and their arrival in Compute Ops Management show in later
// reads; role assignments and user groups get planned ids.

// Outcomes of a Verdict.
const (
	// VerdictAccepted: the API validated the change (dry-run=true answered
	// 2xx).
	VerdictAccepted = "accepted"
	// VerdictRefused: the API refused it; the plan fails with its message.
	VerdictRefused = "refused"
	// VerdictUnchecked: the change could not be checked (it names objects
	// the plan creates, or the dry run did not answer).
	VerdictUnchecked = "unchecked"
)

// Verdict is the platform's own verdict on a planned change, for the APIs
// that honour dry-run=true: it validated the request exactly as a real one
// and changed nothing.
type Verdict struct {
	// Outcome is VerdictAccepted, VerdictRefused or VerdictUnchecked.
	Outcome string `json:"outcome"`
	// Status is the HTTP status of the dry run (0 when none was sent).
	Status int `json:"status,omitempty"`
	// Message is the API's message for a refusal, or why the change was
	// not checked.
	Message string `json:"message,omitempty"`
}

// String says the verdict in one line.
func (v *Verdict) String() string {
	switch v.Outcome {
	case VerdictAccepted:
		return fmt.Sprintf("the platform accepts it (dry-run answered %d)", v.Status)
	case VerdictRefused:
		return fmt.Sprintf("the platform REFUSES it (dry-run answered %d): %s", v.Status, v.Message)
	}
	return "not checked by the platform: " + v.Message
}

// Made is an object a planned change makes that its answer does not name
// (a device added, a server arriving in Compute Ops Management): an apply
// learns its real id from the first read of Collection that shows an
// object whose Key (a path such as "hardware/serialNumber") is Value.
type Made struct {
	// ID is the planned id, such as plan-device-0001.
	ID string `json:"id"`
	// Collection is where it shows, such as /devices/v1/devices.
	Collection string `json:"collection"`
	// Key is the path of the field that identifies it.
	Key string `json:"key"`
	// Value is that field's value.
	Value string `json:"value"`
}

// plannedDevice is what the plan knows of a device it changes (planned or
// real): the changes it made, to show on later reads.
type plannedDevice struct {
	id, serial, part string
	// app and region are set by an assignment; cleared by unassigning
	// (assigned false then).
	app, region string
	assigned    *bool
	// sub is the subscription applied, or nil; unsub marks a removal.
	sub   map[string]any
	unsub bool
	// server is the planned server id once it is predicted in COM.
	server string
}

// platformState is the dry run's record of platform changes. Callers
// serialize access.
type platformState struct {
	devices map[string]*plannedDevice // by device id (planned or real)
	// comApps are the ids of the service managers named "Compute Ops
	// Management", from the reads of the service catalog.
	comApps map[string]bool
}

func newPlatformState() *platformState {
	return &platformState{devices: map[string]*plannedDevice{}, comApps: map[string]bool{}}
}

// comName is the name of the Compute Ops Management service manager.
const comName = "Compute Ops Management"

// observeManagers notes the ids of the COM service manager in a service
// managers page.
func (p *platformState) observeManagers(page map[string]any) {
	items, _ := page["items"].([]any)
	for _, it := range items {
		o, _ := it.(map[string]any)
		if name, _ := o["name"].(string); strings.EqualFold(name, comName) {
			id, _ := o["id"].(string)
			p.comApps[id] = true
		}
	}
}

// checkWithPlatform sends a dry-runnable mutation with dry-run=true and
// returns the platform's verdict, and its refusal (to hand to the client)
// when it refused. A mutation naming planned ids is not sent: the API
// does not know them.
func checkWithPlatform(req *http.Request, r Request, next http.RoundTripper) (*Verdict, *http.Response, error) {
	if p := pendingIDs(r); len(p) > 0 {
		which := "which exists"
		if len(p) > 1 {
			which = "which exist"
		}
		return &Verdict{Outcome: VerdictUnchecked,
			Message: "it names " + strings.Join(p, ", ") + ", " + which + " only once the plan is applied"}, nil, nil
	}
	body, err := httpbody.Request(req)
	if err != nil {
		return nil, nil, err
	}
	u := *req.URL
	q := u.Query()
	q.Set("dry-run", "true")
	u.RawQuery = q.Encode()
	// The dry run changes nothing: it is described as a read, so that
	// nothing below counts it as a change sent.
	call := callOf(req)
	call.Mutates = false
	dry, err := http.NewRequestWithContext(glapi.WithCall(req.Context(), call), req.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: building the dry run: %w", req.Method, req.URL.Path, err)
	}
	dry.Header = req.Header.Clone()
	dry.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	resp, err := next.RoundTrip(dry)
	if err != nil {
		return &Verdict{Outcome: VerdictUnchecked, Message: "the dry run failed: " + err.Error()}, nil, nil
	}
	b, _ := httpbody.Response(resp)
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return &Verdict{Outcome: VerdictAccepted, Status: resp.StatusCode}, nil, nil
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests &&
		resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden:
		return &Verdict{Outcome: VerdictRefused, Status: resp.StatusCode, Message: apiMessage(b)}, resp, nil
	}
	return &Verdict{Outcome: VerdictUnchecked, Status: resp.StatusCode,
		Message: fmt.Sprintf("the dry run answered %d: %s", resp.StatusCode, apiMessage(b))}, nil, nil
}

// apiMessage returns the message of a GreenLake error body (with the
// subjects of its issues), or the body itself.
func apiMessage(b []byte) string {
	v, err := decode(b)
	o, ok := v.(map[string]any)
	if err != nil || !ok {
		return strings.TrimSpace(string(b))
	}
	msg, _ := o["message"].(string)
	var subjects []string
	details, _ := o["errorDetails"].([]any)
	for _, d := range details {
		dm, _ := d.(map[string]any)
		issues, _ := dm["issues"].([]any)
		for _, is := range issues {
			im, _ := is.(map[string]any)
			if s, _ := im["subject"].(string); s != "" && !strings.Contains(msg, s) {
				subjects = append(subjects, s)
			}
		}
	}
	if len(subjects) > 0 {
		msg += " (" + strings.Join(subjects, ", ") + ")"
	}
	return msg
}

// accepted202 is the answer of a planned platform write: the API's 202
// body and the Location of its planned operation.
func accepted202(req *http.Request, opColl, opID string) *http.Response {
	return jsonResponse(req, http.StatusAccepted,
		map[string]any{"code": http.StatusAccepted, "status": "202 ACCEPTED", "transactionId": opID},
		http.Header{"Location": {glapi.URI(opColl, opID)}})
}

// newPlatformOp stores a planned operation of a device or subscription
// write: it reads back SUCCEEDED, as it will if the plan's reads hold.
func (s *store) newPlatformOp(coll, kind string, now time.Time) string {
	id := s.newID(kind)
	s.add(id, coll, map[string]any{
		"id": id, "type": "/async-resource", "status": glapi.OpSucceeded, "progressPercent": 100,
		"startedAt": stamp(now), "endedAt": stamp(now), "result": glapi.OpSucceeded,
		"planned": "this operation starts when the plan is applied",
	})
	return id
}

// synthesizePlatform answers the platform writes a plan makes, or returns
// false for any other mutation. It returns the answer, the planned id it
// introduced and the objects it makes. Callers hold d.mu.
func (d *DryRun) synthesizePlatform(req *http.Request, c glapi.Call, r Request, now time.Time) (*http.Response, string, []Made, bool) {
	body, _ := r.Body.(map[string]any)
	s, p := d.store, d.store.plat
	switch {
	case c.Collection == glapi.CollectionDevices && c.Method == http.MethodPost && c.ID == "":
		var made []Made
		for _, arr := range []string{"compute", "network", "storage"} {
			list, _ := body[arr].([]any)
			for _, e := range list {
				em, _ := e.(map[string]any)
				serial, _ := em["serialNumber"].(string)
				part, _ := em["partNumber"].(string)
				id := s.newID("device")
				tags, _ := em["tags"].(map[string]any)
				if tags == nil {
					tags = map[string]any{}
				}
				o := map[string]any{
					"id": id, "type": "devices/device", "serialNumber": serial, "partNumber": part,
					"macAddress": em["macAddress"], "deviceType": strings.ToUpper(arr), "assignedState": "UNASSIGNED",
					"archived": false, "subscription": []any{}, "tags": tags, "createdAt": stamp(now), "updatedAt": stamp(now),
					"resourceUri": glapi.URI(glapi.CollectionDevices, id),
				}
				s.add(id, glapi.CollectionDevices, o)
				d.seen.observe(o)
				p.devices[id] = &plannedDevice{id: id, serial: serial, part: part}
				made = append(made, Made{ID: id, Collection: glapi.CollectionDevices, Key: "serialNumber", Value: serial})
			}
		}
		opID := s.newPlatformOp(glapi.CollectionDeviceOperations, "device-op", now)
		return accepted202(req, glapi.CollectionDeviceOperations, opID), opID, made, true
	case c.Collection == glapi.CollectionDevicesUpdate && c.Method == http.MethodPatch:
		q, _ := url.ParseQuery(r.Query)
		var made []Made
		for _, id := range q["id"] {
			if m := d.changeDevice(id, body, now); m != nil {
				made = append(made, *m)
			}
		}
		opID := s.newPlatformOp(glapi.CollectionDeviceOperations, "device-op", now)
		return accepted202(req, glapi.CollectionDeviceOperations, opID), opID, made, true
	case c.Collection == glapi.CollectionSubscriptions && c.Method == http.MethodPost && c.ID == "":
		list, _ := body["subscriptions"].([]any)
		var made []Made
		for _, e := range list {
			em, _ := e.(map[string]any)
			key, _ := em["key"].(string)
			id := s.newID("subscription")
			s.add(id, glapi.CollectionSubscriptions, map[string]any{
				"id": id, "type": "subscriptions/subscription", "key": key, "subscriptionStatus": "PLANNED",
				"createdAt": stamp(now), "updatedAt": stamp(now),
			})
			made = append(made, Made{ID: id, Collection: glapi.CollectionSubscriptions, Key: "key", Value: key})
		}
		opID := s.newPlatformOp(glapi.CollectionSubscriptionOperations, "subscription-op", now)
		return accepted202(req, glapi.CollectionSubscriptionOperations, opID), opID, made, true
	case c.Collection == glapi.CollectionGroups && c.Method == http.MethodPost && c.Action == "devices":
		id := s.newID("async-op")
		s.add(id, glapi.CollectionAsyncOperations, map[string]any{
			"id": id, "type": "compute-ops-mgmt/async-operation", "state": glapi.OpSucceeded, "progressPercent": 100,
			"resourceUri":       glapi.URI(glapi.CollectionAsyncOperations, id),
			"sourceResourceUri": glapi.URI(glapi.CollectionGroups, c.ID) + "/devices",
			"createdAt":         stamp(now), "updatedAt": stamp(now), "startedAt": stamp(now), "endedAt": stamp(now),
		})
		return jsonResponse(req, http.StatusAccepted, nil,
			http.Header{"Location": {glapi.URI(glapi.CollectionAsyncOperations, id)}}), id, nil, true
	case c.Collection == glapi.CollectionSCIMGroups && c.Method == http.MethodPatch && c.ID != "":
		o, ok := s.read(c.ID, now)
		if !ok {
			o, ok = d.seen.get(c.ID)
		}
		if !ok {
			o = map[string]any{"id": c.ID}
		}
		return jsonResponse(req, http.StatusOK, o, nil), "", nil, true
	}
	return nil, "", nil, false
}

// changeDevice applies a PATCH body to device id in the plan and returns
// the server it makes arrive in Compute Ops Management, if it does.
func (d *DryRun) changeDevice(id string, body map[string]any, now time.Time) *Made {
	p := d.store.plat
	dev := p.devices[id]
	if dev == nil {
		dev = &plannedDevice{id: id}
		if o, ok := d.seen.get(id); ok {
			dev.serial, _ = o["serialNumber"].(string)
			dev.part, _ = o["partNumber"].(string)
			if app, ok := o["application"].(map[string]any); ok {
				dev.app, _ = app["id"].(string)
			}
			dev.region, _ = o["region"].(string)
			if subs, ok := o["subscription"].([]any); ok && len(subs) > 0 {
				dev.sub, _ = subs[0].(map[string]any)
			}
		}
		p.devices[id] = dev
	}
	if app, ok := body["application"].(map[string]any); ok {
		appID, _ := app["id"].(string)
		region, _ := body["region"].(string)
		assigned := appID != ""
		dev.app, dev.region, dev.assigned = appID, region, &assigned
	} else if _, ok := body["application"]; ok {
		unassigned := false
		dev.app, dev.region, dev.assigned = "", "", &unassigned
	}
	if subs, ok := body["subscription"].([]any); ok {
		dev.sub, dev.unsub = nil, len(subs) == 0
		if len(subs) > 0 {
			ref, _ := subs[0].(map[string]any)
			sid, _ := ref["id"].(string)
			sub := map[string]any{"id": sid}
			if o, ok := d.store.read(sid, now); ok {
				sub["key"] = o["key"]
			} else if o, ok := d.seen.get(sid); ok {
				sub["key"], sub["endTime"], sub["tier"] = o["key"], o["endTime"], o["tier"]
			}
			dev.sub = sub
		}
	}
	if planned, ok := d.store.objs[id]; ok {
		if o, ok := planned.rec.(map[string]any); ok {
			dev.overlay(o)
		}
	}
	comApp := len(p.comApps) == 0 || p.comApps[dev.app]
	if dev.server != "" || dev.app == "" || !comApp || dev.sub == nil || dev.serial == "" {
		return nil
	}
	dev.server = d.store.newServer(dev.serial, dev.part, now)
	return &Made{ID: dev.server, Collection: glapi.CollectionServers, Key: "hardware/serialNumber", Value: dev.serial}
}

// overlay shows the plan's changes on a device as a read returns it.
func (dev *plannedDevice) overlay(o map[string]any) {
	if dev.assigned != nil {
		if *dev.assigned {
			o["application"] = map[string]any{"id": dev.app, "resourceUri": glapi.ServiceManagerURI(dev.app)}
			o["region"], o["assignedState"] = dev.region, "ASSIGNED_TO_SERVICE"
		} else {
			delete(o, "application")
			delete(o, "region")
			o["assignedState"] = "UNASSIGNED"
		}
	}
	switch {
	case dev.sub != nil:
		o["subscription"] = []any{copyMap(dev.sub)}
	case dev.unsub:
		o["subscription"] = []any{}
	}
}

// newServer stores the server a device becomes in Compute Ops Management
// once it is assigned there and subscribed: named by its serial number,
// powered off, in no group, as servers arrive.
func (s *store) newServer(serial, part string, now time.Time) string {
	id := s.newID("server")
	s.add(id, glapi.CollectionServers, map[string]any{
		"id": id, "type": "compute-ops-mgmt/server", "name": serial, "resourceUri": glapi.URI(glapi.CollectionServers, id),
		"hardware":          map[string]any{"serialNumber": serial, "productId": part, "powerState": glapi.PowerOff},
		"firmwareBundleUri": nil, "createdAt": stamp(now), "updatedAt": stamp(now),
		"planned": "this server arrives in Compute Ops Management once the plan is applied",
	})
	return id
}

// overlayDevice applies the plan's changes to a real device read from
// the API.
func (p *platformState) overlayDevice(o map[string]any) {
	id, _ := o["id"].(string)
	if dev := p.devices[id]; dev != nil {
		dev.overlay(o)
	}
}

// describePlatform describes the platform writes, or returns "".
func describePlatform(c glapi.Call, r Request, seen namer) string {
	body, _ := r.Body.(map[string]any)
	q, _ := url.ParseQuery(r.Query)
	devs := func() string {
		var names []string
		for _, id := range q["id"] {
			if sn := seen.str(id, "serialNumber"); sn != "" {
				names = append(names, sn)
			} else {
				names = append(names, id)
			}
		}
		return "device " + strings.Join(names, ", ")
	}
	switch {
	case c.Collection == glapi.CollectionDevices && c.Method == http.MethodPost:
		var parts []string
		for _, arr := range []string{"compute", "network", "storage"} {
			list, _ := body[arr].([]any)
			for _, e := range list {
				em, _ := e.(map[string]any)
				sn, _ := em["serialNumber"].(string)
				pn, _ := em["partNumber"].(string)
				if pn == "" {
					pn, _ = em["macAddress"].(string)
				}
				parts = append(parts, fmt.Sprintf("%s %s (%s)", arr, sn, pn))
			}
		}
		return "add " + strings.Join(parts, ", ") + " to the workspace"
	case c.Collection == glapi.CollectionDevicesUpdate && c.Method == http.MethodPatch:
		switch {
		case body["application"] != nil:
			app, _ := body["application"].(map[string]any)
			id, _ := app["id"].(string)
			name := seen.str(id, "name")
			if name == "" {
				name = "application " + id
			}
			return fmt.Sprintf("assign %s to %s in %v", devs(), name, body["region"])
		case hasKey(body, "application"):
			return "unassign " + devs() + " from its application"
		case hasKey(body, "subscription"):
			subs, _ := body["subscription"].([]any)
			if len(subs) == 0 {
				return "remove the subscriptions of " + devs()
			}
			ref, _ := subs[0].(map[string]any)
			sid, _ := ref["id"].(string)
			if key := seen.str(sid, "key"); key != "" {
				sid = key
			}
			return fmt.Sprintf("subscribe %s with %s", devs(), sid)
		case hasKey(body, "archived"):
			if a, _ := body["archived"].(bool); a {
				return "archive " + devs()
			}
			return "unarchive " + devs()
		case hasKey(body, "tags"):
			return "tag " + devs() + ": " + fields(asMap(body["tags"]))
		case hasKey(body, "location"):
			return "set the location of " + devs()
		}
		return "change " + devs() + ": " + fields(body)
	case c.Collection == glapi.CollectionSubscriptions && c.Method == http.MethodPost:
		list, _ := body["subscriptions"].([]any)
		var keys []string
		for _, e := range list {
			em, _ := e.(map[string]any)
			k, _ := em["key"].(string)
			keys = append(keys, k)
		}
		return "add subscription key " + strings.Join(keys, ", ") + " to the workspace"
	case c.Collection == glapi.CollectionGroups && c.Method == http.MethodPost && c.Action == "devices":
		list, _ := body["devices"].([]any)
		var names []string
		for _, e := range list {
			em, _ := e.(map[string]any)
			id, _ := em["deviceId"].(string)
			names = append(names, resourceName(id, "server", seen))
		}
		g := seen.str(c.ID, "name")
		if g == "" {
			g = c.ID
		}
		return fmt.Sprintf("add %s to group %s", strings.Join(names, ", "), g)
	case c.Collection == glapi.CollectionRoleAssignments && c.Method == http.MethodPost:
		p, _ := body["principal"].(string)
		return fmt.Sprintf("grant role %v to %s on %v", roleName(body["role"]), principalName(p, seen), body["scope"])
	case c.Collection == glapi.CollectionRoleAssignments && c.Method == http.MethodPut:
		return fmt.Sprintf("change the scope of role assignment %s to %v", c.ID, body["scope"])
	case c.Collection == glapi.CollectionRoleAssignments && c.Method == http.MethodDelete:
		if role := seen.str(c.ID, "role"); role != "" {
			return fmt.Sprintf("revoke role %s from %s", roleName(role), principalName(seen.str(c.ID, "principal"), seen))
		}
		return "delete role assignment " + c.ID
	case c.Collection == glapi.CollectionSCIMGroups && c.Method == http.MethodPost:
		return fmt.Sprintf("create user group '%v'", body["displayName"])
	case c.Collection == glapi.CollectionSCIMGroups && c.Method == http.MethodDelete:
		return "delete user group " + groupName(c.ID, seen)
	case c.Collection == glapi.CollectionSCIMGroups && c.Method == http.MethodPatch:
		ops, _ := body["Operations"].([]any)
		var parts []string
		for _, op := range ops {
			om, _ := op.(map[string]any)
			var users []string
			vals, _ := om["value"].([]any)
			for _, v := range vals {
				vm, _ := v.(map[string]any)
				id, _ := vm["value"].(string)
				users = append(users, userName(id, seen))
			}
			verb := "add %s to"
			if om["op"] == "remove" {
				verb = "remove %s from"
			}
			parts = append(parts, fmt.Sprintf(verb, strings.Join(users, ", ")))
		}
		return fmt.Sprintf("%s user group %s", strings.Join(parts, "; "), groupName(c.ID, seen))
	}
	return ""
}

// principalName names a principal, a user by username when known.
func principalName(p string, seen namer) string {
	if id, ok := strings.CutPrefix(p, "user:"); ok {
		return userName(id, seen)
	}
	return p
}

// roleName shortens a role GRN to its name.
func roleName(v any) string {
	s := fmt.Sprint(v)
	return s[strings.LastIndexByte(s, '/')+1:]
}

// groupName names a SCIM group by its displayName when known.
func groupName(id string, seen namer) string {
	if n := seen.str(id, "displayName"); n != "" {
		return fmt.Sprintf("'%s' (%s)", n, id)
	}
	return id
}

func hasKey(m map[string]any, k string) bool { _, ok := m[k]; return ok }

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

// lookupPath returns the string at a "/"-separated path of o.
func lookupPath(o map[string]any, path string) (string, bool) {
	var cur any = o
	for _, seg := range strings.Split(path, "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return "", false
		}
		cur = m[seg]
	}
	s, ok := cur.(string)
	return s, ok
}

// learnMade maps the planned ids of the objects the plan's changes make to
// the real ones a read of coll shows (v is its decoded answer). Callers
// hold a.mu.
func (a *Apply) learnMade(coll string, v any) {
	page, ok := v.(map[string]any)
	if !ok {
		return
	}
	items, isList := page["items"].([]any)
	if !isList {
		items = []any{page}
	}
	for _, m := range a.plan.Mutations {
		for _, made := range m.Makes {
			if made.Collection != coll || a.ids[made.ID] != "" {
				continue
			}
			for _, it := range items {
				o, _ := it.(map[string]any)
				if val, ok := lookupPath(o, made.Key); ok && val == made.Value {
					if id, _ := o["id"].(string); id != "" {
						a.ids[made.ID] = id
					}
				}
			}
		}
	}
}
