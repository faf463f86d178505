package sim

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"glrun/glapi"
	"glrun/glapi/odata"
)

// templateByAlias returns the template of an alias; it panics on an
// unknown alias, which only the simulator's own code passes.
func templateByAlias(alias string) glapi.JobTemplate {
	t, err := glapi.LookupTemplate(alias)
	if err != nil {
		panic(err)
	}
	return t
}

// jobCreate is the body of POST /compute-ops-mgmt/v1/jobs.
type jobCreate struct {
	JobTemplate  *string `json:"jobTemplate"`
	ResourceID   *string `json:"resourceId"`
	ResourceType *string `json:"resourceType"`
	JobParams    obj     `json:"jobParams"`
}

// newJob stores a new PENDING job created at t. Callers hold s.mu.
func (s *Sim) newJob(tmpl glapi.JobTemplate, rid string, params obj, t time.Time) *job {
	st := s.st
	id := st.uuid()
	// No parameters and the empty results are nil (shown as {}): 300,000
	// jobs do not hold 600,000 empty maps.
	devices := 1
	if tmpl.ResourceType == glapi.ResourceGroup {
		devices = len(groupJobDevices(st, rid, params))
	}
	name := jobNames[tmpl.Alias]
	if name == "" {
		name = tmpl.Name
	}
	rec := jobRecord{
		ID:          id,
		Type:        "compute-ops-mgmt/job",
		ResourceURI: glapi.URI(glapi.CollectionJobs, id),
		Name:        name,
		Generation:  1,
		CreatedAt:   ts(t),
		UpdatedAt:   ts(t),
		Cancellable: true,
		JobTemplate: tmpl.ID,
		Resource:    jobResource{ID: rid, Type: tmpl.ResourceType},
		JobParams:   params,
		State:       glapi.JobPending,
		Status:      "Pending",
	}
	j := &job{rec: rec, version: &st.jobsVersion, tmpl: st.template(tmpl), seq: len(st.jobOrder), startAt: t.Add(pendingDelay)}
	j.endAt = j.startAt.Add(s.spread(jobDuration(tmpl, params, devices)))
	if targeted := st.takeJobFailure(tmpl, rid); targeted || st.failNext[tmpl.ID] > 0 {
		if !targeted {
			st.failNext[tmpl.ID]--
		}
		j.fail = true
		j.failStatus, j.failDetails = failureOf(tmpl, s.serverName(rid))
	}
	st.jobs[id] = j
	st.jobOrder = append(st.jobOrder, j)
	st.activeJobs = append(st.activeJobs, j)
	j.changed()
	if tmpl.Alias == "group_firmware_compliance" {
		j.opID = s.newOp(rid, t)
	}
	return j
}

// spread returns d varied by Options.JobDurationSpread (d itself without
// one). Callers hold s.mu.
func (s *Sim) spread(d time.Duration) time.Duration {
	if s.durationSpread == 0 {
		return d
	}
	f := 1 + s.durationSpread*(2*s.durationRng.Float64()-1)
	return time.Duration(float64(d) * f).Round(time.Millisecond)
}

// failureOf is a realistic failure of a job of tmpl on a resource.
func failureOf(tmpl glapi.JobTemplate, resource string) (string, obj) {
	switch tmpl.Alias {
	case "power_off", "power_on", "restart", "cold_boot":
		return "Power operation failed", obj{
			"message":        "iLO did not confirm the power state change of " + resource + " within 10 minutes",
			"failureReason":  "ILO_TIMEOUT",
			"recommendation": "Check the iLO connection and retry",
		}
	case "firmware_update", "group_firmware_update":
		return "Firmware update failed", obj{
			"message":        "Installation of component System ROM failed on " + resource + " (Smart Update Tool error 0x3C)",
			"failureReason":  "COMPONENT_INSTALL_FAILED",
			"recommendation": "Review the iLO event log, then retry the update",
		}
	case "ilo_firmware_update":
		return "iLO firmware update failed", obj{
			"message":        "The iLO of " + resource + " rejected the firmware image (signature verification failed)",
			"failureReason":  "ILO_FLASH_FAILED",
			"recommendation": "Retry the update; contact HPE support if it fails again",
		}
	}
	return "Job failed", obj{
		"message":       "The job " + tmpl.Name + " on " + resource + " failed",
		"failureReason": "INTERNAL_ERROR",
	}
}

// jobList renders every job, oldest first (for the test hooks; the API's
// list reads a page at a time).
func (s *Sim) jobList() []obj {
	out := make([]obj, 0, len(s.st.jobOrder))
	for _, j := range s.st.jobOrder {
		out = append(out, j.view())
	}
	return out
}

// jobFilterCache is the jobs that matched a filter while the jobs were at
// a version: the pages of one listing share it instead of evaluating the
// filter over every job for every page.
type jobFilterCache struct {
	text    string
	version uint64
	count   int    // len(jobOrder) when it was made
	matches []*job // oldest first
}

// listJobs answers GET /jobs a page at a time: without a filter it renders
// the page's jobs only; with one, it evaluates the filter on the jobs'
// typed records (the fields the filter names, not whole rendered jobs)
// once per version of the jobs, and pages through the matches.
func (s *Sim) listJobs(r *request) response {
	offset, limit, resp, ok := s.offsetLimit(r, pageJobs)
	if !ok {
		return resp
	}
	jobs := s.st.jobOrder
	if text := r.query.Get("filter"); text != "" {
		if jobs, resp, ok = s.filterJobs(r, text); !ok {
			return resp
		}
	}
	total := len(jobs)
	lo := min(offset, total)
	hi := min(lo+limit, total)
	items := make([]any, 0, hi-lo)
	for _, j := range jobs[lo:hi] {
		items = append(items, copyObj(j.view()))
	}
	return jsonResp(http.StatusOK, obj{"offset": offset, "count": len(items), "total": total, "items": items})
}

// filterJobs returns the jobs matching the filter text, from the cache when
// no job changed since it was made.
func (s *Sim) filterJobs(r *request, text string) ([]*job, response, bool) {
	st := s.st
	c := &st.jobFilter
	if c.text == text && c.version == st.jobsVersion && c.count == len(st.jobOrder) {
		return c.matches, response{}, true
	}
	e, err := odata.Parse(text)
	if err != nil {
		return nil, s.apiError(r.fam, http.StatusBadRequest, "Invalid filter: "+err.Error(), issue{"query.parameter", "filter"}), false
	}
	if err := odata.Validate(odata.ResourceJobs, e); err != nil {
		return nil, s.apiError(r.fam, http.StatusBadRequest, "Invalid filter: "+err.Error(), issue{"query.parameter", "filter"}), false
	}
	var names []string // the top-level fields the filter reads
	for _, p := range odata.Paths(e) {
		name, _, _ := strings.Cut(p, "/")
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	view := make(obj, len(names))
	var matches []*job
	for _, j := range st.jobOrder {
		for _, n := range names {
			if v, ok := j.rec.field(n); ok {
				view[n] = v
			} else {
				delete(view, n)
			}
		}
		if odata.Eval(e, view) {
			matches = append(matches, j)
		}
	}
	*c = jobFilterCache{text: text, version: st.jobsVersion, count: len(st.jobOrder), matches: matches}
	return matches, response{}, true
}

func (s *Sim) getJob(r *request) response {
	j, ok := s.st.jobs[r.params[0]]
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Job "+r.params[0]+" not found")
	}
	return jsonResp(http.StatusOK, copyObj(j.view()))
}

func (s *Sim) createJob(r *request) response {
	var in jobCreate
	if resp, ok := s.decodeBody(r, &in); !ok {
		return resp
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"jobTemplate", in.JobTemplate}, {"resourceId", in.ResourceID}, {"resourceType", in.ResourceType}} {
		if f.v == nil || *f.v == "" {
			return s.apiError(r.fam, http.StatusBadRequest, "Missing required property "+f.name, issue{"field", f.name})
		}
	}
	tmpl, ok := glapi.TemplateByID(*in.JobTemplate)
	if !ok {
		return s.apiError(r.fam, http.StatusBadRequest, "Unknown job template "+*in.JobTemplate, issue{"field", "jobTemplate"})
	}
	rid, rtype := *in.ResourceID, *in.ResourceType
	if rtype != tmpl.ResourceType {
		return s.apiError(r.fam, http.StatusBadRequest,
			"Invalid resourceType "+rtype+": job template "+tmpl.Name+" runs on "+tmpl.ResourceType, issue{"field", "resourceType"})
	}
	switch rtype {
	case glapi.ResourceServer:
		if _, ok := s.st.servers.get(rid); !ok {
			return s.apiError(r.fam, http.StatusBadRequest, "Server "+rid+" not found", issue{"field", "resourceId"})
		}
	case glapi.ResourceGroup:
		if _, ok := s.st.groups.get(rid); !ok {
			return s.apiError(r.fam, http.StatusBadRequest, "Group "+rid+" not found", issue{"field", "resourceId"})
		}
	}
	if msg := s.checkJobParams(tmpl, rid, in.JobParams); msg != "" {
		return s.apiError(r.fam, http.StatusBadRequest, msg, issue{"field", "jobParams"})
	}
	j := s.newJob(tmpl, rid, in.JobParams, r.now)
	s.jobActivity(j, "created", r.now)
	s.gateJob(j, r.caller, r.now)
	return jsonResp(http.StatusCreated, copyObj(j.view())).with("Location", j.rec.ResourceURI)
}

// checkJobParams validates the jobParams of the templates that have them
// (as the API documents them); it returns a message on error.
func (s *Sim) checkJobParams(tmpl glapi.JobTemplate, rid string, p obj) string {
	for _, b := range []string{"downgrade", "install_sw_drivers", "installSWDrivers", "power_off", "powerOff", "parallel", "stopOnFailure", "prerequisite_check", "skip_blocklisted_components", "wait_for_power_off_or_reboot"} {
		if v, ok := p[b]; ok {
			if _, isBool := v.(bool); !isBool {
				return "jobParams." + b + " must be a boolean"
			}
		}
	}
	switch tmpl.Alias {
	case "firmware_update":
		bid, ok := p["bundle_id"].(string)
		if !ok || bid == "" {
			return "jobParams.bundle_id is required: the id of a firmware bundle"
		}
		if _, ok := s.st.bundles.get(bid); !ok {
			return "jobParams.bundle_id: firmware bundle " + bid + " not found"
		}
	case "group_firmware_update", "group_firmware_compliance":
		if v, ok := p["bundle_id"]; ok {
			bid, _ := v.(string)
			if _, ok := s.st.bundles.get(bid); !ok {
				return "jobParams.bundle_id: firmware bundle " + bid + " not found"
			}
		}
		if v, ok := p["devices"]; ok {
			l, ok := v.([]any)
			if !ok {
				return "jobParams.devices must be a list of server ids"
			}
			for _, d := range l {
				id, _ := d.(string)
				if !containsStr(s.st.groupMembers[rid], id) {
					return "jobParams.devices: server " + id + " is not a member of the group"
				}
			}
		}
	}
	return ""
}

func containsStr(xs []string, x string) bool {
	for _, e := range xs {
		if e == x {
			return true
		}
	}
	return false
}

// jobUpdate is the body of PATCH /compute-ops-mgmt/v1/jobs/{id}.
type jobUpdate struct {
	State *string `json:"state"`
	Input obj     `json:"input"`
}

func (s *Sim) patchJob(r *request) response {
	j, ok := s.st.jobs[r.params[0]]
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Job "+r.params[0]+" not found")
	}
	var in jobUpdate
	if resp, ok := s.decodeBody(r, &in); !ok {
		return resp
	}
	if in.State == nil && in.Input == nil {
		return s.apiError(r.fam, http.StatusBadRequest, "Nothing to update: give state or input", issue{"field", "state"})
	}
	if in.State != nil {
		if *in.State != glapi.JobComplete && *in.State != glapi.JobError {
			return s.apiError(r.fam, http.StatusBadRequest,
				"Invalid state "+*in.State+": only COMPLETE or ERROR is supported", issue{"field", "state"})
		}
		if j.phase == phaseDone {
			return s.apiError(r.fam, http.StatusBadRequest, "Job "+r.params[0]+" has already ended in state "+j.rec.State, issue{"field", "state"})
		}
		s.endManually(j, *in.State, r.now)
	}
	if in.Input != nil {
		j.rec.Input = in.Input
		j.touch(r.now)
	}
	return jsonResp(http.StatusOK, copyObj(j.view()))
}
