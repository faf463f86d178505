package sim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"glrun/glapi"
	"glrun/glapi/odata"
)

// Page sizes and batch limits of the platform APIs (docs/api.md).
var (
	pageDevices       = paging{2000, 1, 2000}
	pageSubscriptions = paging{50, 1, 200}
	pageCatalog       = paging{2000, 1, 2000}
	pageAuthz         = paging{100, 1, 200}
	pageAudit         = paging{50, 1, 2000}
	pageActivities    = paging{100, 0, 1000}
)

const (
	devicesAddMax     = 5  // devices per POST /devices/v1/devices
	devicesPatchV1Max = 5  // ids per PATCH /devices/v1/devices
	devicesPatchV2Max = 25 // ids per PATCH /devices/v2beta1/devices
	subscriptionsAdd  = 5  // keys per POST /subscriptions/v1/subscriptions
	opExpiry          = 24 * time.Hour
	catDevices        = "Device Management"
	catSubscriptions  = "Subscription Management"
)

// dryRun reads the dry-run query parameter: ok is false (with a 400
// answer) when it is neither true nor false.
func (s *Sim) dryRun(r *request) (bool, response, bool) {
	switch v := r.query.Get("dry-run"); v {
	case "", "false":
		return false, response{}, true
	case "true":
		return true, response{}, true
	default:
		return false, s.apiError(r.fam, http.StatusBadRequest, "Invalid query parameter dry-run="+v+": want true or false",
			issue{"query.parameter", "dry-run"}), false
	}
}

// platformWrite reads a platform write: its JSON body into v, then its
// dry-run parameter; ok is false (with the 400 answer) when either is
// refused, the body first.
func (s *Sim) platformWrite(r *request, v any) (dry bool, resp response, ok bool) {
	if resp, ok := s.decodeBody(r, v); !ok {
		return false, resp, false
	}
	return s.dryRun(r)
}

// accepted is the 202 answer of a platform write: the AsyncResponse body
// and the Location of the operation (v2beta1 writes point at the v1 path
// too). A dry run answers the same body with no operation: an empty
// transactionId and no Location.
func accepted(op *platformOp, coll string) response {
	if op == nil {
		return jsonResp(http.StatusAccepted, obj{"code": http.StatusAccepted, "status": "202 ACCEPTED", "transactionId": ""})
	}
	return jsonResp(http.StatusAccepted, obj{"code": http.StatusAccepted, "status": "202 ACCEPTED", "transactionId": op.ID}).
		with("Location", glapi.URI(coll, op.ID))
}

// deviceViews renders the devices.
func (p *platform) deviceViews() []obj { return views(p.devices.list()) }

func (s *Sim) listDevices(r *request) response {
	return s.listOffset(r, pageDevices, odata.ResourceDevices, s.st.plat.deviceViews())
}

func (s *Sim) getDevice(r *request) response {
	d, ok := s.st.plat.devices.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Device "+r.params[0]+" not found")
	}
	return jsonResp(http.StatusOK, render(d))
}

// newDevice is one entry of POST /devices/v1/devices.
type newDevice struct {
	SerialNumber *string           `json:"serialNumber"`
	PartNumber   *string           `json:"partNumber"`
	MACAddress   *string           `json:"macAddress"`
	Tags         map[string]string `json:"tags"`
}

func (s *Sim) addDevices(r *request) response {
	var in struct {
		Network *[]newDevice `json:"network"`
		Compute *[]newDevice `json:"compute"`
		Storage *[]newDevice `json:"storage"`
	}
	dry, resp, ok := s.platformWrite(r, &in)
	if !ok {
		return resp
	}
	type entry struct {
		kind string
		d    newDevice
	}
	var all []entry
	for _, arr := range []struct {
		name string
		l    *[]newDevice
	}{{"network", in.Network}, {"compute", in.Compute}, {"storage", in.Storage}} {
		if arr.l == nil {
			return s.apiError(r.fam, http.StatusBadRequest, arr.name+": must not be null", issue{"body", arr.name})
		}
		for i, d := range *arr.l {
			field := ""
			switch {
			case d.SerialNumber == nil || strings.TrimSpace(*d.SerialNumber) == "":
				field = "serialNumber"
			case arr.name == "network" && (d.MACAddress == nil || *d.MACAddress == ""):
				field = "macAddress"
			case arr.name != "network" && (d.PartNumber == nil || *d.PartNumber == ""):
				field = "partNumber"
			}
			if field != "" {
				subject := arr.name + "[" + strconv.Itoa(i) + "]." + field
				return s.apiError(r.fam, http.StatusBadRequest, subject+": must not be blank", issue{"body", subject})
			}
			all = append(all, entry{arr.name, d})
		}
	}
	if len(all) == 0 {
		return s.apiError(r.fam, http.StatusBadRequest, "At least one device is required", issue{"body", "compute"})
	}
	if len(all) > devicesAddMax {
		return s.apiError(r.fam, http.StatusBadRequest, "At most 5 devices may be added per request, got "+strconv.Itoa(len(all)), issue{"body", "devices"})
	}
	if dry {
		return accepted(nil, "")
	}
	p := s.st.plat
	op := s.st.newPlatformOp(p.devOps, "postDevicesResponse", r.now, func(t time.Time) (string, any) {
		var failed []any
		for _, e := range all {
			sn := *e.d.SerialNumber
			part, shipped := p.shipped[sn]
			dup := false
			for _, d := range p.devices.list() {
				if d.SerialNumber == sn {
					dup = true
				}
			}
			if dup || !shipped || e.kind == "network" || (e.d.PartNumber != nil && *e.d.PartNumber != part) {
				failed = append(failed, sn)
				continue
			}
			d := s.st.addDevice(sn, part, e.d.Tags, t)
			if e.kind == "storage" {
				d.DeviceType = "STORAGE"
			}
			s.audit(catDevices, "Device "+sn+" ("+part+") added to the workspace", t, false)
		}
		return opOutcome(len(failed), len(all), obj{"failedDevicesSerial": failed})
	})
	return accepted(op, glapi.CollectionDeviceOperations)
}

// opOutcome is the status and result of an operation on total items of
// which nfailed failed: SUCCEEDED with the plain result "SUCCEEDED" (as
// the live API answers), SUCCEEDED with the breakdown when some failed,
// FAILED with it when all did.
func opOutcome(nfailed, total int, breakdown obj) (string, any) {
	switch {
	case nfailed == 0:
		return glapi.OpSucceeded, glapi.OpSucceeded
	case nfailed == total:
		return glapi.OpFailed, breakdown
	}
	return glapi.OpSucceeded, breakdown
}

func (s *Sim) patchDevicesV1(r *request) response { return s.patchDevices(r, devicesPatchV1Max, true) }
func (s *Sim) patchDevicesV2(r *request) response { return s.patchDevices(r, devicesPatchV2Max, false) }

// patchDevices answers PATCH /devices/{v1,v2beta1}/devices?id=...: a
// subscription change alone, archived alone, or device operations
// (application and region, tags, location) together; v1 knows only
// application, region and subscription.
func (s *Sim) patchDevices(r *request, maxIDs int, v1 bool) response {
	p := s.st.plat
	ids := r.query["id"]
	if len(ids) == 0 {
		return s.apiError(r.fam, http.StatusBadRequest, "Query parameter id is required", issue{"query.parameter", "id"})
	}
	if len(ids) > maxIDs {
		return s.apiError(r.fam, http.StatusBadRequest, "At most "+strconv.Itoa(maxIDs)+" device ids per request, got "+strconv.Itoa(len(ids)),
			issue{"query.parameter", "id"})
	}
	var devs []*device
	for _, id := range ids {
		d, ok := p.devices.get(id)
		if !ok {
			return s.apiError(r.fam, http.StatusBadRequest, "Unknown device id "+id, issue{"query.parameter", "id"})
		}
		devs = append(devs, d)
	}
	var in map[string]json.RawMessage
	dry, resp, ok := s.platformWrite(r, &in)
	if !ok {
		return resp
	}
	if len(in) == 0 {
		return s.apiError(r.fam, http.StatusBadRequest, "The request body has no operation", issue{"body", "body"})
	}
	for k := range in {
		known := k == "application" || k == "region" || k == "subscription" || k == "tenantWorkspaceId"
		if !v1 {
			known = known || k == "tags" || k == "location" || k == "archived" || k == "contact"
		}
		if !known {
			return s.apiError(r.fam, http.StatusBadRequest, "Unknown property "+k, issue{"body", k})
		}
	}
	_, hasSub := in["subscription"]
	_, hasArch := in["archived"]
	if (hasSub || hasArch) && len(in) > 1 {
		field := "subscription"
		if hasArch {
			field = "archived"
		}
		return s.apiError(r.fam, http.StatusBadRequest, field+" cannot be combined with other operations in one request", issue{"body", field})
	}
	change, resp, ok := s.deviceChange(r, in)
	if !ok {
		return resp
	}
	if dry {
		return accepted(nil, "")
	}
	op := s.st.newPlatformOp(p.devOps, "patchDevicesResponse", r.now, func(t time.Time) (string, any) {
		var failed []any
		for _, d := range devs {
			if msg := change(d, t); msg != "" {
				failed = append(failed, obj{"id": d.ID, "serialNumber": d.SerialNumber, "errorCode": "HPE_GL_DM_PATCH_FAILED", "messages": []any{msg}})
			}
		}
		return opOutcome(len(failed), len(devs), obj{"failedDevices": failed})
	})
	return accepted(op, glapi.CollectionDeviceOperations)
}

// deviceChange validates a PATCH body and returns the change it makes to
// one device at t ("" or why it failed for that device).
func (s *Sim) deviceChange(r *request, in map[string]json.RawMessage) (func(*device, time.Time) string, response, bool) {
	p := s.st.plat
	bad := func(field, msg string) (func(*device, time.Time) string, response, bool) {
		return nil, s.apiError(r.fam, http.StatusBadRequest, msg, issue{"body", field}), false
	}
	var steps []func(*device, time.Time) string
	if raw, ok := in["application"]; ok {
		var app struct {
			ID *string `json:"id"`
		}
		if err := json.Unmarshal(raw, &app); err != nil {
			return bad("application", "application must be {\"id\": ...}")
		}
		var region *string
		if rr, ok := in["region"]; ok {
			_ = json.Unmarshal(rr, &region)
		} else {
			return bad("region", "region is required with application")
		}
		switch {
		case app.ID == nil && region == nil:
			steps = append(steps, func(d *device, t time.Time) string {
				d.Application, d.Region, d.AssignedState = nil, "", "UNASSIGNED"
				if d.inCOM {
					s.removeFromCOM(d)
				}
				s.audit(catDevices, "Device "+d.SerialNumber+" unassigned from its application", t, false)
				return ""
			})
		case app.ID == nil || region == nil:
			return bad("region", "application.id and region are set or cleared together")
		default:
			if !p.provisioned(*app.ID, *region) {
				return bad("application", "Application "+*app.ID+" is not provisioned in region "+*region+" of this workspace")
			}
			appID, reg := *app.ID, *region
			steps = append(steps, func(d *device, t time.Time) string {
				d.Application = &appRef{appID, glapi.ServiceManagerURI(appID)}
				d.Region, d.AssignedState = reg, "ASSIGNED_TO_SERVICE"
				s.st.scheduleCOM(d, t)
				s.audit(catDevices, "Device "+d.SerialNumber+" assigned to application "+appID+" in "+reg, t, false)
				return ""
			})
		}
	} else if _, ok := in["region"]; ok {
		return bad("application", "application is required with region")
	}
	if raw, ok := in["subscription"]; ok {
		var subs []struct {
			ID *string `json:"id"`
		}
		if err := json.Unmarshal(raw, &subs); err != nil || len(subs) > 1 {
			return bad("subscription", "subscription must be [] or [{\"id\": ...}]")
		}
		if len(subs) == 0 {
			steps = append(steps, func(d *device, t time.Time) string {
				s.releaseSubscription(d, t)
				s.st.scheduleCOM(d, t)
				s.audit(catSubscriptions, "Subscription removed from device "+d.SerialNumber, t, false)
				return ""
			})
		} else {
			if subs[0].ID == nil {
				return bad("subscription[0].id", "subscription[0].id is required")
			}
			sub, ok := p.subs.get(*subs[0].ID)
			if !ok || !sub.inWorkspace {
				return bad("subscription[0].id", "Unknown subscription "+*subs[0].ID)
			}
			steps = append(steps, func(d *device, t time.Time) string {
				if len(d.Subscription) > 0 && d.Subscription[0].ID == sub.ID {
					return ""
				}
				if sub.used >= sub.quantity {
					return "Subscription " + sub.Key + " has no quantity left"
				}
				s.releaseSubscription(d, t)
				sub.used++
				sub.sync(t)
				d.Subscription = []deviceSub{{ID: sub.ID, ResourceURI: glapi.URI(glapi.CollectionSubscriptions, sub.ID),
					Key: sub.Key, Tier: sub.Tier, StartTime: sub.StartTime, EndTime: sub.EndTime}}
				s.st.scheduleCOM(d, t)
				s.audit(catSubscriptions, "Subscription "+sub.Key+" applied to device "+d.SerialNumber, t, false)
				return ""
			})
		}
	}
	if raw, ok := in["tags"]; ok {
		var tags map[string]*string
		if err := json.Unmarshal(raw, &tags); err != nil {
			return bad("tags", "tags must map keys to strings or null")
		}
		for k, v := range tags {
			if k == "" || len(k) > 128 || (v != nil && len(*v) > 256) {
				return bad("tags", "Tag keys are 1 to 128 characters, values at most 256")
			}
		}
		steps = append(steps, func(d *device, t time.Time) string {
			for k, v := range tags {
				if v == nil {
					delete(d.Tags, k)
				} else {
					d.Tags[k] = *v
				}
			}
			s.audit(catDevices, "Tags of device "+d.SerialNumber+" updated", t, false)
			return ""
		})
	}
	if raw, ok := in["location"]; ok {
		var loc struct {
			ID *string `json:"id"`
		}
		if err := json.Unmarshal(raw, &loc); err != nil || loc.ID == nil || *loc.ID == "" {
			return bad("location.id", "location.id is required")
		}
		id := *loc.ID
		steps = append(steps, func(d *device, t time.Time) string {
			d.Location = &locationRef{ID: id, ResourceURI: "/locations/v1/locations/" + id}
			s.audit(catDevices, "Location of device "+d.SerialNumber+" set to "+id, t, false)
			return ""
		})
	}
	if raw, ok := in["archived"]; ok {
		var arch bool
		if err := json.Unmarshal(raw, &arch); err != nil {
			return bad("archived", "archived must be true or false")
		}
		steps = append(steps, func(d *device, t time.Time) string {
			if arch && d.Application != nil {
				return "An assigned device cannot be archived"
			}
			d.Archived = arch
			s.audit(catDevices, "Device "+d.SerialNumber+" archived: "+map[bool]string{true: "yes", false: "no"}[arch], t, false)
			return ""
		})
	}
	return func(d *device, t time.Time) string {
		for _, step := range steps {
			if msg := step(d, t); msg != "" {
				return msg
			}
		}
		d.touch(t)
		return ""
	}, response{}, true
}

// provisioned reports whether service manager id is provisioned in region.
func (p *platform) provisioned(id, region string) bool {
	for _, pr := range p.provs.list() {
		if pr.ServiceManager.ID == id && pr.Region == region && pr.ProvisionStatus == glapi.ProvisionProvisioned {
			return true
		}
	}
	return false
}

// releaseSubscription takes d's subscription off it at t, giving back its
// seat.
func (s *Sim) releaseSubscription(d *device, t time.Time) {
	for _, ds := range d.Subscription {
		if sub, ok := s.st.plat.subs.get(ds.ID); ok && sub.used > 0 {
			sub.used--
			sub.sync(t)
		}
	}
	d.Subscription = []deviceSub{}
}

// removeFromCOM takes a device's server out of COM (and its group).
func (s *Sim) removeFromCOM(d *device) {
	st := s.st
	d.inCOM, d.appearAt = false, time.Time{}
	id := modelOf(d.PartNumber).ProductID + "+" + d.SerialNumber
	st.servers.del(id)
	for gid, members := range st.groupMembers {
		for i, m := range members {
			if m == id {
				st.groupMembers[gid] = append(members[:i:i], members[i+1:]...)
				if g, ok := st.groups.get(gid); ok {
					for j, gd := range g.Devices {
						if gd.ID == id {
							g.Devices = append(g.Devices[:j:j], g.Devices[j+1:]...)
							break
						}
					}
				}
				break
			}
		}
	}
}

// getPlatformOp answers GET of an async operation of c; operations that
// ended more than 24 hours ago are gone.
func (s *Sim) getPlatformOp(r *request, c *ordered[*platformOp]) response {
	op, ok := c.get(r.params[0])
	if !ok || (op.done && r.now.Sub(op.doneAt) > opExpiry) {
		return s.apiError(r.fam, http.StatusNotFound, "Async operation "+r.params[0]+" not found")
	}
	o := render(op)
	if op.Result == nil {
		o["result"] = nil
	}
	return jsonResp(http.StatusOK, o)
}

func (s *Sim) getDeviceOp(r *request) response { return s.getPlatformOp(r, s.st.plat.devOps) }
