package sim

import "time"

// jobRecord is a job as the jobs API shows it (the json tags are the API's
// field names). jobParams, results, statusDetails and input are free-form
// objects in the API, and stay so here.
type jobRecord struct {
	ID               string      `json:"id"`
	Type             string      `json:"type"`
	ResourceURI      string      `json:"resourceUri"`
	Name             string      `json:"name"`
	Generation       int         `json:"generation"`
	CreatedAt        string      `json:"createdAt"`
	UpdatedAt        string      `json:"updatedAt"`
	ParentJobID      *string     `json:"parentJobId"`
	DeleteOnComplete bool        `json:"deleteOnComplete"`
	Cancellable      bool        `json:"cancellable"`
	JobTemplate      string      `json:"jobTemplate"`
	Resource         jobResource `json:"resource"`
	JobParams        obj         `json:"jobParams"` // nil is shown as {}
	Results          obj         `json:"results"`   // nil is shown as {}
	State            string      `json:"state"`
	// ResultCode is "" until the job ends (the API shows null).
	ResultCode string `json:"resultCode"`
	Status     string `json:"status"`
	// StatusDetails is nil until the job ends (the API shows null).
	StatusDetails obj `json:"statusDetails"`
	// Input is what a PATCH gave the job; absent until then.
	Input obj `json:"input,omitempty"`
}

// jobResource is the resource a job runs on.
type jobResource struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// jobFields are the fields of a job in the API's JSON shape (input only
// once a PATCH gave it).
var jobFields = []string{"id", "type", "resourceUri", "name", "generation", "createdAt", "updatedAt",
	"parentJobId", "deleteOnComplete", "cancellable", "jobTemplate", "resource", "jobParams", "results",
	"state", "resultCode", "status", "statusDetails", "input"}

// field returns the value of one field of the job as the API shows it, and
// whether the job has it: what render puts under that name. Filters read
// fields one at a time through it, without rendering whole jobs.
func (r *jobRecord) field(name string) (any, bool) {
	switch name {
	case "id":
		return r.ID, true
	case "type":
		return r.Type, true
	case "resourceUri":
		return r.ResourceURI, true
	case "name":
		return r.Name, true
	case "generation":
		return r.Generation, true
	case "createdAt":
		return r.CreatedAt, true
	case "updatedAt":
		return r.UpdatedAt, true
	case "parentJobId":
		if r.ParentJobID != nil {
			return *r.ParentJobID, true
		}
		return nil, true
	case "deleteOnComplete":
		return r.DeleteOnComplete, true
	case "cancellable":
		return r.Cancellable, true
	case "jobTemplate":
		return r.JobTemplate, true
	case "resource":
		return obj{"id": r.Resource.ID, "type": r.Resource.Type}, true
	case "jobParams":
		if r.JobParams == nil {
			return obj{}, true
		}
		return r.JobParams, true
	case "results":
		if r.Results == nil {
			return obj{}, true
		}
		return r.Results, true
	case "state":
		return r.State, true
	case "resultCode":
		if r.ResultCode != "" {
			return r.ResultCode, true
		}
		return nil, true
	case "status":
		return r.Status, true
	case "statusDetails":
		if r.StatusDetails != nil {
			return r.StatusDetails, true
		}
		return nil, true
	case "input":
		if r.Input != nil {
			return r.Input, true
		}
	}
	return nil, false
}

// render returns the job in the API's JSON shape, for answers. Its nested
// objects are the record's own: copy before handing it out.
func (r *jobRecord) render() obj {
	o := make(obj, len(jobFields))
	for _, f := range jobFields {
		if v, ok := r.field(f); ok {
			o[f] = v
		}
	}
	return o
}

// view returns the job's rendered form (rendered on every call: a list of
// 300,000 jobs keeps no rendered copies). The caller must not modify it.
func (j *job) view() obj { return j.rec.render() }

// changed notes a change of the job, which invalidates the filtered lists
// the simulator cached.
func (j *job) changed() {
	if j.version != nil {
		*j.version++
	}
}

// touch records a change of the job at t: a new generation and updatedAt.
func (j *job) touch(t time.Time) {
	j.rec.Generation++
	j.rec.UpdatedAt = ts(t)
	j.changed()
}

// end sets the job's final state, result code, status and details.
func (j *job) end(state, resultCode, status string, details obj) {
	j.rec.State, j.rec.ResultCode = state, resultCode
	j.rec.Status, j.rec.StatusDetails = status, details
	j.changed()
}
