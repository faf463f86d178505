package sim

import (
	"sort"
	"time"

	"glrun/glapi"
)

// pendingDelay is how long a new job waits in PENDING before it runs.
const pendingDelay = 3 * time.Second

// Job phases.
const (
	phasePending = iota
	phaseRunning
	phaseDone
)

// job is a job and its simulated life cycle. What the API shows is rec;
// the rest says when and how it moves.
type job struct {
	rec jobRecord
	// version is the state's count of job changes (state.jobsVersion).
	version *uint64
	tmpl    *glapi.JobTemplate // shared by the jobs of the template (state.template)
	seq     int
	startAt time.Time
	endAt   time.Time
	phase   int
	// fail makes the job end in ERROR with failStatus and failDetails.
	fail        bool
	failStatus  string
	failDetails obj
	// prevPower is the server's power state before the job started.
	prevPower string
	// opID is the async operation the job created, if any.
	opID string
}

// jobNames are the names GreenLake gives jobs of each template.
var jobNames = map[string]string{
	"power_off":                            "PowerOff",
	"power_on":                             "PowerOn",
	"restart":                              "Restart",
	"cold_boot":                            "ColdBoot",
	"firmware_update":                      "FirmwareUpdate.New",
	"ilo_firmware_update":                  "IloOnlyFirmwareUpdate",
	"group_firmware_update":                "GroupFirmwareUpdate",
	"group_firmware_compliance":            "GroupFirmwareCompliance",
	"carbon_footprint_report":              "DataRoundupReportOrchestrator",
	"group_apply_server_setting":           "GroupApplyServerSettings",
	"group_internal_storage_configuration": "GroupStorageVolumeConfiguration",
	"group_os_installation":                "GroupOSInstallation",
}

// runningStatus is the status text of a running job, by template alias.
var runningStatus = map[string]string{
	"power_off":                 "Powering off the server",
	"power_on":                  "Powering on the server",
	"restart":                   "Restarting the server",
	"cold_boot":                 "Cold booting the server",
	"firmware_update":           "Updating server firmware",
	"ilo_firmware_update":       "Updating iLO firmware",
	"group_firmware_update":     "Updating firmware on the servers of the group",
	"group_firmware_compliance": "Calculating firmware compliance",
}

// jobDuration is how long a job of tmpl runs, in simulated time.
func jobDuration(tmpl glapi.JobTemplate, params obj, devices int) time.Duration {
	switch tmpl.Alias {
	case "power_off":
		return 15 * time.Second
	case "power_on":
		return 25 * time.Second
	case "restart":
		return 90 * time.Second
	case "cold_boot":
		return 2 * time.Minute
	case "firmware_update":
		return 18 * time.Minute
	case "ilo_firmware_update":
		return 5 * time.Minute
	case "group_firmware_update":
		if b, _ := params["parallel"].(bool); b || devices <= 1 {
			return 20 * time.Minute
		}
		return time.Duration(devices) * 4 * time.Minute
	case "group_firmware_compliance":
		return time.Minute
	}
	return 30 * time.Second
}

// event is a state change of a job due at t.
type event struct {
	t     time.Time
	j     *job
	start bool
}

// advance moves every job and async operation to where it is at now,
// applying effects in the order they happened. Callers hold s.mu.
func (s *Sim) advance(now time.Time) {
	st := s.st
	s.advanceChangeControl(now)
	var evs []event
	active := st.activeJobs[:0]
	for _, j := range st.activeJobs {
		if j.phase == phaseDone {
			continue
		}
		active = append(active, j)
		if j.phase == phaseApproval {
			continue // held until its approval request is decided
		}
		if j.phase == phasePending && !j.startAt.After(now) {
			evs = append(evs, event{j.startAt, j, true})
		}
		if !j.endAt.After(now) {
			evs = append(evs, event{j.endAt, j, false})
		}
	}
	st.activeJobs = active // jobs that end below leave it at the next advance
	sort.SliceStable(evs, func(a, b int) bool {
		if !evs[a].t.Equal(evs[b].t) {
			return evs[a].t.Before(evs[b].t)
		}
		if evs[a].start != evs[b].start {
			return evs[a].start
		}
		return evs[a].j.seq < evs[b].j.seq
	})
	for _, e := range evs {
		if e.start {
			s.startJob(e.j, e.t)
		} else {
			s.finishJob(e.j, e.t)
		}
	}
}

// startJob moves a pending job to RUNNING at t.
func (s *Sim) startJob(j *job, t time.Time) {
	if j.phase != phasePending {
		return
	}
	j.phase = phaseRunning
	j.rec.State = glapi.JobRunning
	j.rec.Cancellable = false
	st := runningStatus[j.tmpl.Alias]
	if st == "" {
		st = "Running"
	}
	j.rec.Status = st
	j.touch(t)
	s.opRunning(j, t)
	sid := j.rec.Resource.ID
	switch j.tmpl.Alias {
	case "power_off":
		j.prevPower = s.setPower(sid, "POWERING_OFF", t)
	case "power_on":
		if s.powerOf(sid) == glapi.PowerOff {
			j.prevPower = s.setPower(sid, "POWERING_ON", t)
		}
	case "restart":
		if p := s.powerOf(sid); p == glapi.PowerOff {
			j.fail = true
			j.failStatus = "Restart failed: the server is powered off"
			j.failDetails = obj{
				"message":        "The server " + s.serverName(sid) + " is powered off. A restart needs a running server; use the Server Power On job instead.",
				"failureReason":  "SERVER_POWERED_OFF",
				"recommendation": "Power on the server, then retry",
			}
			s.finishJob(j, t)
			return
		}
		j.prevPower = s.setPower(sid, "RESET", t)
	case "cold_boot":
		j.prevPower = s.setPower(sid, "RESET", t)
	}
}

// finishJob moves a job to COMPLETE or ERROR at t, with its effects.
func (s *Sim) finishJob(j *job, t time.Time) {
	if j.phase == phaseDone {
		return
	}
	if j.phase == phasePending {
		s.startJob(j, t)
		if j.phase == phaseDone {
			return
		}
	}
	j.phase = phaseDone
	if !j.fail {
		if status, details := s.applyEffect(j, t); status != "" {
			j.fail, j.failStatus, j.failDetails = true, status, details
		}
	}
	if j.fail {
		if j.prevPower != "" {
			s.setPower(j.rec.Resource.ID, j.prevPower, t)
		}
		j.end(glapi.JobError, glapi.ResultFailure, j.failStatus, j.failDetails)
	} else {
		j.end(glapi.JobComplete, glapi.ResultSuccess, "Complete", obj{})
	}
	j.touch(t)
	s.opFinished(j, t)
	if j.fail {
		s.jobActivity(j, "failed", t)
	} else {
		s.jobActivity(j, "completed", t)
	}
}

// endManually ends a running or pending job by request (PATCH), without effects.
func (s *Sim) endManually(j *job, state string, t time.Time) {
	if j.phase == phaseDone {
		return
	}
	if j.prevPower != "" {
		s.setPower(j.rec.Resource.ID, j.prevPower, t)
	}
	j.phase = phaseDone
	if state == glapi.JobComplete {
		j.end(state, glapi.ResultSuccess, "Complete", obj{"message": "Job marked complete by request"})
	} else {
		j.end(state, glapi.ResultFailure, "Error", obj{"message": "Job marked in error by request"})
	}
	j.rec.Cancellable = false
	j.touch(t)
	s.opFinished(j, t)
}

// powerOf returns a server's power state, or "" when it does not exist.
func (s *Sim) powerOf(sid string) string {
	srv, ok := s.st.servers.get(sid)
	if !ok {
		return ""
	}
	return srv.Hardware.PowerState
}

func (s *Sim) serverName(sid string) string {
	if srv, ok := s.st.servers.get(sid); ok {
		return srv.Name
	}
	return sid
}

// setPower sets a server's power state at t and returns the previous one.
func (s *Sim) setPower(sid, power string, t time.Time) string {
	srv, ok := s.st.servers.get(sid)
	if !ok {
		return ""
	}
	prev := srv.Hardware.PowerState
	if prev != power {
		srv.Hardware.PowerState = power
		srv.touch(t)
	}
	return prev
}
