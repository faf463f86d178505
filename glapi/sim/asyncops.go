package sim

import (
	"net/http"
	"time"

	"glrun/glapi"
	"glrun/glapi/odata"
)

// asyncOpWindow is how far back the async operations API reaches (spec:
// "for the last 7 days").
const asyncOpWindow = 7 * 24 * time.Hour

// asyncOp is an async operation as the API shows it (the json tags are
// the API's field names).
type asyncOp struct {
	ID                string       `json:"id"`
	Type              string       `json:"type"`
	OperationType     string       `json:"operationType"`
	Generation        int          `json:"generation"`
	CreatedAt         string       `json:"createdAt"`
	UpdatedAt         string       `json:"updatedAt"`
	ResourceURI       string       `json:"resourceUri"`
	SourceResourceURI string       `json:"sourceResourceUri"`
	State             string       `json:"state"`
	StartedAt         string       `json:"startedAt"` // "" shows as null
	EndedAt           string       `json:"endedAt"`   // "" shows as null
	LogMessages       []logMessage `json:"logMessages"`
	ProgressPercent   int          `json:"progressPercent"`
	Error             *opError     `json:"error"`
	Recommendations   []string     `json:"recommendations"`
	Results           []opResult   `json:"results"`

	created time.Time // CreatedAt, for the 7-day window
}

// logMessage is one line of an async operation's log.
type logMessage struct {
	Message   string `json:"message"`
	Timestamp string `json:"timestamp"`
}

// opError is the error of a failed async operation.
type opError struct {
	HTTPStatusCode int    `json:"httpStatusCode"`
	ErrorCode      string `json:"errorCode"`
	Message        string `json:"message"`
	DebugID        string `json:"debugId"`
}

// opResult is a resource an async operation produced.
type opResult struct {
	ResourceURI string `json:"resourceUri"`
}

// render returns the operation in the API's JSON shape.
func (op *asyncOp) render() obj {
	nullable := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	logs := make([]any, len(op.LogMessages))
	for i, l := range op.LogMessages {
		logs[i] = obj{"message": l.Message, "timestamp": l.Timestamp}
	}
	recs := make([]any, len(op.Recommendations))
	for i, r := range op.Recommendations {
		recs[i] = r
	}
	results := make([]any, len(op.Results))
	for i, r := range op.Results {
		results[i] = obj{"resourceUri": r.ResourceURI}
	}
	var e any
	if op.Error != nil {
		e = obj{"httpStatusCode": op.Error.HTTPStatusCode, "errorCode": op.Error.ErrorCode,
			"message": op.Error.Message, "debugId": op.Error.DebugID}
	}
	return obj{
		"id":                op.ID,
		"type":              op.Type,
		"operationType":     op.OperationType,
		"generation":        op.Generation,
		"createdAt":         op.CreatedAt,
		"updatedAt":         op.UpdatedAt,
		"resourceUri":       op.ResourceURI,
		"sourceResourceUri": op.SourceResourceURI,
		"state":             op.State,
		"startedAt":         nullable(op.StartedAt),
		"endedAt":           nullable(op.EndedAt),
		"logMessages":       logs,
		"progressPercent":   op.ProgressPercent,
		"error":             e,
		"recommendations":   recs,
		"results":           results,
	}
}

// touch records a change of op at t.
func (op *asyncOp) touch(t time.Time) {
	op.Generation++
	op.UpdatedAt = ts(t)
}

// log adds a line to op's log at t.
func (op *asyncOp) log(msg string, t time.Time) {
	op.LogMessages = append(op.LogMessages, logMessage{Message: msg, Timestamp: ts(t)})
}

// opViews returns the async operations in the API's JSON shape, oldest
// first.
func (st *state) opViews() []obj { return rendered(st.asyncOps.list()) }

// opFailedRecommendation is the recommendation of every failed operation.
const opFailedRecommendation = "Examine the error field for information and retry the operation."

// newOp stores an INITIALIZED async operation for a group's compliance
// calculation and returns its id. Callers hold s.mu.
func (s *Sim) newOp(gid string, t time.Time) string {
	id := s.st.uuid()
	s.st.asyncOps.add(id, &asyncOp{
		ID:                id,
		Type:              "compute-ops-mgmt/async-operation",
		OperationType:     "INTERNAL_ASYNC_OPERATION",
		Generation:        1,
		CreatedAt:         ts(t),
		UpdatedAt:         ts(t),
		ResourceURI:       glapi.URI(glapi.CollectionAsyncOperations, id),
		SourceResourceURI: glapi.URI(glapi.CollectionGroups, gid) + "/compliance",
		State:             glapi.OpInitialized,
		LogMessages:       []logMessage{{Message: "Firmware compliance calculation queued", Timestamp: ts(t)}},
		created:           t,
	})
	return id
}

// opRunning moves a job's async operation to RUNNING at t.
func (s *Sim) opRunning(j *job, t time.Time) {
	op, ok := s.st.asyncOps.get(j.opID)
	if !ok {
		return
	}
	op.State = glapi.OpRunning
	op.StartedAt = ts(t)
	op.ProgressPercent = 10
	op.log("Calculating firmware compliance", t)
	op.touch(t)
}

// opFinished ends a job's async operation at t, as the job ended.
func (s *Sim) opFinished(j *job, t time.Time) {
	op, ok := s.st.asyncOps.get(j.opID)
	if !ok {
		return
	}
	if op.StartedAt == "" {
		op.StartedAt = ts(t)
	}
	op.EndedAt = ts(t)
	op.ProgressPercent = 100
	if j.rec.State == glapi.JobComplete {
		op.State = glapi.OpSucceeded
		op.Results = []opResult{{ResourceURI: op.SourceResourceURI}}
		op.log("Firmware compliance calculated", t)
	} else {
		op.State = glapi.OpFailed
		op.Error = &opError{
			HTTPStatusCode: 500,
			ErrorCode:      "HPE-GL-COMPUTE_OPS-0500001",
			Message:        j.rec.Status,
			DebugID:        s.st.uuid(),
		}
		op.Recommendations = []string{opFailedRecommendation}
	}
	op.touch(t)
}

// recentOps returns the async operations of the last 7 days, oldest first,
// in the API's JSON shape.
func (s *Sim) recentOps(now time.Time) []obj {
	var out []obj
	for _, op := range s.st.asyncOps.list() {
		if now.Sub(op.created) > asyncOpWindow {
			continue
		}
		out = append(out, op.render())
	}
	return out
}

// listAsyncOps answers with cursor pagination: next is the id of the first
// item of the next page; the last page has no next field (the API describes
// next as a string, so a null would not be a valid answer).
func (s *Sim) listAsyncOps(r *request) response {
	limit, resp, ok := s.intParam(r, "limit", pageAsyncOps.def, pageAsyncOps.min, pageAsyncOps.max)
	if !ok {
		return resp
	}
	items, resp, ok := s.filter(r, odata.ResourceAsyncOperations, s.recentOps(r.now), nil)
	if !ok {
		return resp
	}
	start := 0
	if next := r.query.Get("next"); next != "" {
		start = -1
		for i, it := range items {
			if it["id"] == next {
				start = i
				break
			}
		}
		if start < 0 {
			return s.apiError(r.fam, http.StatusBadRequest, "Invalid pagination cursor next="+next, issue{"query.parameter", "next"})
		}
	}
	end := min(start+limit, len(items))
	l := make([]any, 0, end-start)
	for _, it := range items[start:end] {
		l = append(l, copyObj(it))
	}
	out := obj{"count": len(l), "total": len(items), "items": l}
	if end < len(items) && limit > 0 {
		out["next"] = items[end]["id"]
	}
	return jsonResp(http.StatusOK, out)
}

func (s *Sim) getAsyncOp(r *request) response {
	op, ok := s.st.asyncOps.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Async operation "+r.params[0]+" not found")
	}
	return jsonResp(http.StatusOK, op.render())
}
