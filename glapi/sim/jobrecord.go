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
	JobParams        obj         `json:"jobParams"`
	Results          obj         `json:"results"`
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

// render returns the job in the API's JSON shape, for answers and filters.
func (r *jobRecord) render() obj {
	o := obj{
		"id":               r.ID,
		"type":             r.Type,
		"resourceUri":      r.ResourceURI,
		"name":             r.Name,
		"generation":       r.Generation,
		"createdAt":        r.CreatedAt,
		"updatedAt":        r.UpdatedAt,
		"parentJobId":      nil,
		"deleteOnComplete": r.DeleteOnComplete,
		"cancellable":      r.Cancellable,
		"jobTemplate":      r.JobTemplate,
		"resource":         obj{"id": r.Resource.ID, "type": r.Resource.Type},
		"jobParams":        r.JobParams,
		"results":          r.Results,
		"state":            r.State,
		"resultCode":       nil,
		"status":           r.Status,
		"statusDetails":    nil,
	}
	if r.ParentJobID != nil {
		o["parentJobId"] = *r.ParentJobID
	}
	if r.ResultCode != "" {
		o["resultCode"] = r.ResultCode
	}
	if r.StatusDetails != nil {
		o["statusDetails"] = r.StatusDetails
	}
	if r.Input != nil {
		o["input"] = r.Input
	}
	return o
}

// view returns the job's rendered form, rendering it again only after a
// change (lists of 100,000 jobs read the cached forms). The caller must
// not modify it.
func (j *job) view() obj {
	if j.rendered == nil {
		j.rendered = j.rec.render()
	}
	return j.rendered
}

// touch records a change of the job at t: a new generation and updatedAt.
func (j *job) touch(t time.Time) {
	j.rec.Generation++
	j.rec.UpdatedAt = ts(t)
	j.rendered = nil
}

// end sets the job's final state, result code, status and details.
func (j *job) end(state, resultCode, status string, details obj) {
	j.rec.State, j.rec.ResultCode = state, resultCode
	j.rec.Status, j.rec.StatusDetails = status, details
	j.rendered = nil
}
