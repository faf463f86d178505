package sim

import (
	"time"

	"glrun/glapi"
)

// applyEffect makes a finishing job's effect (its template's glapi.Effect)
// visible at t. A non-empty status means the job failed instead, with that
// status and details.
func (s *Sim) applyEffect(j *job, t time.Time) (string, obj) {
	eff := j.tmpl.Effect
	rid, params := j.rec.Resource.ID, j.rec.JobParams
	switch {
	case eff.Compliance:
		s.st.calculateCompliance(rid, t)
		return "", nil
	case eff.ILOFirmware:
		s.updateILO(rid, t)
	}
	servers := []string{rid}
	if eff.EachServer {
		servers = groupJobDevices(s.st, rid, params)
	}
	var failed []any
	for _, sid := range servers {
		if eff.Firmware {
			bid := eff.Bundle(params)
			if bid == "" && eff.EachServer {
				bid = s.st.groupBaseline[rid]
			}
			if st, d := s.updateFirmware(sid, bid, glapi.Downgrade(params), t); st != "" {
				if !eff.EachServer {
					return st, d
				}
				failed = append(failed, sid)
				continue
			}
		}
		if p := eff.PowerAfter(params); p != "" {
			s.setPower(sid, p, t)
		}
	}
	if len(failed) > 0 {
		return "Firmware update failed on some servers of the group", obj{
			"message":       "Firmware downgrade is not allowed on the listed servers; set downgrade to true to allow it",
			"failedDevices": failed,
		}
	}
	return "", nil
}

// groupJobDevices returns the servers a group job runs on: jobParams
// devices, else every member of the group.
func groupJobDevices(st *state, gid string, params obj) []string {
	if l := glapi.Devices(params); len(l) > 0 {
		return l
	}
	return append([]string(nil), st.groupMembers[gid]...)
}

// updateFirmware installs a bundle on a server at t. A downgrade without
// permission fails with a status and details.
func (s *Sim) updateFirmware(sid, bid string, downgrade bool, t time.Time) (string, obj) {
	st := s.st
	srv, ok := st.servers.get(sid)
	if !ok {
		return "Server not found", obj{"message": "The server " + sid + " no longer exists"}
	}
	cur := st.bundleIndex(bundleIDOf(srv))
	want := st.bundleIndex(bid)
	if want < 0 {
		return "Firmware bundle not found", obj{"message": "The firmware bundle " + bid + " does not exist"}
	}
	if want < cur && !downgrade {
		return "Firmware update failed: downgrade not allowed", obj{
			"message":        "The bundle " + st.bundleVersions[bid].ReleaseVersion + " is older than the installed firmware; set downgrade to true to allow it",
			"failureReason":  "DOWNGRADE_NOT_ALLOWED",
			"recommendation": "Choose a newer bundle or allow downgrade",
		}
	}
	inv := st.inventory(bid, srv.ServerGeneration)
	updates := make([]componentState, len(inv))
	for i, c := range inv {
		updates[i] = componentState{Name: c.Name, Version: c.Version, Status: "OK"}
	}
	srv.FirmwareInventory = inv
	srv.FirmwareBundleURI = glapi.URI(glapi.CollectionFirmwareBundles, bid)
	srv.Hardware.Bmc.Version, _ = st.iloVersion(bid, srv.ServerGeneration)
	srv.LastFirmwareUpdate = &firmwareUpdate{
		AttemptedAt:              ts(t.Add(-jobDuration(templateByAlias("firmware_update"), nil, 1))),
		CompletedAt:              ts(t),
		AttemptedBaselineURI:     glapi.URI(glapi.CollectionFirmwareBundles, bid),
		BundleUpdateMethod:       "Update",
		Downgrade:                downgrade,
		Status:                   "OK",
		FirmwareInventoryUpdates: updates,
	}
	srv.touch(t)
	return "", nil
}

// bundleIDOf returns the id of the bundle a server's firmware comes from.
func bundleIDOf(srv *server) string {
	const p = glapi.CollectionFirmwareBundles + "/"
	if len(srv.FirmwareBundleURI) > len(p) {
		return srv.FirmwareBundleURI[len(p):]
	}
	return ""
}

// updateILO installs the newest iLO firmware on a server at t.
func (s *Sim) updateILO(sid string, t time.Time) {
	st := s.st
	srv, ok := st.servers.get(sid)
	if !ok {
		return
	}
	newest := st.bundleOrder[len(st.bundleOrder)-1]
	ilo, name := st.iloVersion(newest, srv.ServerGeneration)
	srv.Hardware.Bmc.Version = ilo
	for i := range srv.FirmwareInventory {
		if srv.FirmwareInventory[i].Name == name {
			srv.FirmwareInventory[i].Version = ilo
		}
	}
	srv.touch(t)
}

// calculateCompliance compares every server of a group with the group's
// baseline at t and records the results on the group.
func (st *state) calculateCompliance(gid string, t time.Time) {
	g, ok := st.groups.get(gid)
	if !ok {
		return
	}
	bid := st.groupBaseline[gid]
	var recs []obj
	summary := "COMPLIANT"
	notCompliant := 0
	for _, sid := range st.groupMembers[gid] {
		srv, ok := st.servers.get(sid)
		if !ok {
			continue
		}
		want := st.inventory(bid, srv.ServerGeneration)
		have := srv.FirmwareInventory
		var devs []any
		for i, w := range want {
			installed := ""
			if i < len(have) {
				installed = have[i].Version
			}
			if installed != w.Version {
				devs = append(devs, obj{
					"componentName":     w.Name,
					"componentFilename": "",
					"expectedVersion":   w.Version,
					"installedVersion":  installed,
				})
			}
		}
		state, score := "COMPLIANT", 100
		if len(devs) > 0 {
			state, score = "NOT_COMPLIANT", 100-100*len(devs)/len(want)
			summary = "NOT_COMPLIANT"
			notCompliant++
		}
		id := st.uuid()
		if devs == nil {
			devs = []any{}
		}
		recs = append(recs, obj{
			"id":                 id,
			"type":               "compute-ops-mgmt/group/compliance",
			"generation":         1,
			"createdAt":          ts(t),
			"updatedAt":          ts(t),
			"resourceUri":        "/compute-ops-mgmt/v1/groups/" + gid + "/compliance/" + id,
			"groupId":            gid,
			"deviceId":           sid,
			"deviceUri":          "/compute-ops-mgmt/v1/servers/" + sid,
			"productId":          srv.Hardware.ProductID,
			"serial":             srv.Hardware.SerialNumber,
			"bundleId":           bid,
			"complianceCategory": "FIRMWARE",
			"complianceState":    state,
			"score":              score,
			"deviations":         devs,
			"remediation":        obj{},
		})
	}
	if len(recs) == 0 {
		summary = "NOT_APPLICABLE"
	}
	st.compliance[gid] = recs
	reason := ""
	if notCompliant > 0 {
		reason = "Firmware of some servers does not match the group baseline"
	}
	g.ComplianceStatus = summary
	g.GroupCompliance.Summary = summary
	g.GroupCompliance.Firmware = complianceStatus{Status: summary, StatusReason: reason}
	g.touch(t)
}
