package sim

import (
	"fmt"
	"time"

	"glrun/glapi"
)

// seedHistory adds finished jobs and async operations of the last days.
func (s0 *state) seedHistory(now time.Time) {
	s := &Sim{st: s0}
	type h struct {
		alias  string
		target string // server or group name
		ago    time.Duration
		fail   bool
	}
	day := 24 * time.Hour
	hist := []h{
		{"group_firmware_compliance", "prod-web", 6*day + 2*time.Hour, false},
		{"group_firmware_compliance", "prod-db", 6*day + time.Hour, false},
		{"restart", "prod-web-01", 5 * day, false},
		{"restart", "prod-web-02", 5 * day, false},
		{"restart", "prod-web-03", 5*day - time.Hour, false},
		{"power_on", "lab-04", 4*day + 3*time.Hour, false},
		{"firmware_update", "lab-05", 3*day + 5*time.Hour, true},
		{"ilo_firmware_update", "lab-09", 2*day + 7*time.Hour, true},
		{"restart", "prod-db-12", 2*day + 2*time.Hour, true},
		{"power_off", "prod-db-12", 2*day + 3*time.Hour, false},
		{"cold_boot", "lab-08", 1*day + 4*time.Hour, false},
		{"collect_server_inventory", "prod-db-01", 1*day + 2*time.Hour, false},
		{"power_off", "lab-03", 20 * time.Hour, false},
		{"group_firmware_compliance", "prod-web", 26 * time.Hour, false},
		{"group_firmware_compliance", "prod-db", 26 * time.Hour, false},
		{"restart", "lab-10", 9 * time.Hour, true},
		{"power_on", "lab-10", 8 * time.Hour, false},
	}
	for _, e := range hist {
		rid := s.resourceByName(e.target)
		if rid == "" {
			continue
		}
		tmpl := templateByAlias(e.alias)
		if e.fail {
			s0.failNext[tmpl.ID]++
		}
		var params obj
		if e.alias == "firmware_update" {
			params = obj{"bundle_id": s0.bundleOrder[len(s0.bundleOrder)-1]}
		}
		t := now.Add(-e.ago)
		j := s.newJob(tmpl, rid, params, t)
		// Historical jobs end as they did, without touching today's fleet.
		j.phase = phaseRunning
		if j.opID != "" {
			s0.asyncOps.del(j.opID)
			j.opID = ""
		}
		s.finishHistoric(j)
	}
	s.seedOps(now)
}

// resourceByName returns the id of the server or group with that name.
func (s *Sim) resourceByName(name string) string {
	for _, g := range s.st.groups.list() {
		if g.Name == name {
			return g.ID
		}
	}
	for _, srv := range s.st.servers.list() {
		if srv.Name == name {
			return srv.ID
		}
	}
	return ""
}

// finishHistoric ends a seeded job at its endAt without effects.
func (s *Sim) finishHistoric(j *job) {
	j.phase = phaseDone
	j.rec.Cancellable = false
	j.rec.Generation = 4
	j.rec.UpdatedAt = ts(j.endAt)
	switch {
	case j.fail && j.tmpl.Alias == "restart" && s.serverName(j.rec.Resource.ID) == "prod-db-12":
		j.end(glapi.JobError, glapi.ResultFailure, "Restart failed: the server is powered off", obj{
			"message":       "The server prod-db-12 is powered off. A restart needs a running server; use the Server Power On job instead.",
			"failureReason": "SERVER_POWERED_OFF",
		})
	case j.fail:
		j.end(glapi.JobError, glapi.ResultFailure, j.failStatus, j.failDetails)
	default:
		j.end(glapi.JobComplete, glapi.ResultSuccess, "Complete", obj{})
	}
}

// seedOps adds the async operations of the last days.
func (s *Sim) seedOps(now time.Time) {
	st := s.st
	type h struct {
		kind, group string
		ago         time.Duration
		failed      bool
	}
	hours := time.Hour
	hist := []h{
		{"ADD_DEVICE_TO_GROUP", "prod-web", 150 * hours, false},
		{"ADD_DEVICE_TO_GROUP", "prod-db", 149 * hours, false},
		{"ADD_DEVICE_TO_GROUP", "lab", 148 * hours, true},
		{"SUSTAINABILITY_METRICS_COLLECTION", "", 120 * hours, false},
		{"SUSTAINABILITY_METRICS_COLLECTION", "", 96 * hours, false},
		{"REMOVE_DEVICE_FROM_GROUP", "lab", 80 * hours, true},
		{"SUSTAINABILITY_METRICS_COLLECTION", "", 72 * hours, true},
		{"ADD_DEVICE_TO_GROUP", "lab", 70 * hours, false},
		{"SUSTAINABILITY_METRICS_COLLECTION", "", 48 * hours, false},
		{"SUSTAINABILITY_METRICS_COLLECTION", "", 24 * hours, false},
		{"ADD_DEVICE_TO_GROUP", "prod-db", 5 * hours, true},
		{"SUSTAINABILITY_METRICS_COLLECTION", "", 2 * hours, false},
	}
	for _, e := range hist {
		id := st.uuid()
		start := now.Add(-e.ago)
		end := start.Add(90 * time.Second)
		src := "/compute-ops-mgmt/v1/metrics-configurations"
		if e.group != "" {
			src = glapi.URI(glapi.CollectionGroups, s.resourceByName(e.group)) + "/devices"
			if e.kind == "REMOVE_DEVICE_FROM_GROUP" {
				src += "/unassign"
			}
		}
		op := &asyncOp{
			ID:                id,
			Type:              "compute-ops-mgmt/async-operation",
			OperationType:     e.kind,
			Generation:        3,
			CreatedAt:         ts(start),
			UpdatedAt:         ts(end),
			ResourceURI:       glapi.URI(glapi.CollectionAsyncOperations, id),
			SourceResourceURI: src,
			State:             glapi.OpSucceeded,
			StartedAt:         ts(start.Add(time.Second)),
			EndedAt:           ts(end),
			LogMessages: []logMessage{
				{Message: "Operation started", Timestamp: ts(start.Add(time.Second))},
				{Message: "Operation finished", Timestamp: ts(end)},
			},
			ProgressPercent: 100,
			created:         start,
		}
		if e.failed {
			op.State = glapi.OpFailed
			op.Error = &opError{
				HTTPStatusCode: 409,
				ErrorCode:      "HPE-GL-COMPUTE_OPS-0409001",
				Message:        fmt.Sprintf("%s failed: a device is locked by another operation", e.kind),
				DebugID:        st.uuid(),
			}
			op.Recommendations = []string{opFailedRecommendation}
		}
		st.asyncOps.add(id, op)
	}
}
