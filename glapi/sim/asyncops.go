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

// newOp stores an INITIALIZED async operation for a group's compliance
// calculation and returns its id. Callers hold s.mu.
func (s *Sim) newOp(gid string, t time.Time) string {
	id := s.st.uuid()
	s.st.asyncOps.add(obj{
		"id":                id,
		"type":              "compute-ops-mgmt/async-operation",
		"operationType":     "INTERNAL_ASYNC_OPERATION",
		"generation":        1,
		"createdAt":         ts(t),
		"updatedAt":         ts(t),
		"resourceUri":       "/compute-ops-mgmt/v1/async-operations/" + id,
		"sourceResourceUri": "/compute-ops-mgmt/v1/groups/" + gid + "/compliance",
		"state":             glapi.OpInitialized,
		"startedAt":         nil,
		"endedAt":           nil,
		"logMessages":       []any{obj{"message": "Firmware compliance calculation queued", "timestamp": ts(t)}},
		"progressPercent":   0,
		"error":             nil,
		"recommendations":   []any{},
		"results":           []any{},
	})
	return id
}

// opRunning moves a job's async operation to RUNNING at t.
func (s *Sim) opRunning(j *job, t time.Time) {
	op, ok := s.st.asyncOps.get(j.opID)
	if j.opID == "" || !ok {
		return
	}
	op["state"] = glapi.OpRunning
	op["startedAt"] = ts(t)
	op["progressPercent"] = 10
	op["logMessages"] = append(op["logMessages"].([]any), obj{"message": "Calculating firmware compliance", "timestamp": ts(t)})
	bump(op, t)
}

// opFinished ends a job's async operation at t, as the job ended.
func (s *Sim) opFinished(j *job, t time.Time) {
	op, ok := s.st.asyncOps.get(j.opID)
	if j.opID == "" || !ok {
		return
	}
	if op["startedAt"] == nil {
		op["startedAt"] = ts(t)
	}
	op["endedAt"] = ts(t)
	op["progressPercent"] = 100
	if j.rec.State == glapi.JobComplete {
		op["state"] = glapi.OpSucceeded
		op["results"] = []any{obj{"resourceUri": op["sourceResourceUri"]}}
		op["logMessages"] = append(op["logMessages"].([]any), obj{"message": "Firmware compliance calculated", "timestamp": ts(t)})
	} else {
		op["state"] = glapi.OpFailed
		msg := j.rec.Status
		op["error"] = obj{
			"httpStatusCode": 500,
			"errorCode":      "HPE-GL-COMPUTE_OPS-0500001",
			"message":        msg,
			"debugId":        s.st.uuid(),
		}
		op["recommendations"] = []any{"Examine the error field for information and retry the operation."}
	}
	bump(op, t)
}

// recentOps returns the async operations of the last 7 days, oldest first.
func (s *Sim) recentOps(now time.Time) []obj {
	var out []obj
	for _, op := range s.st.asyncOps.list() {
		c, err := time.Parse(time.RFC3339, op["createdAt"].(string))
		if err == nil && now.Sub(c) > asyncOpWindow {
			continue
		}
		out = append(out, op)
	}
	return out
}

// listAsyncOps answers with cursor pagination: next is the id of the first
// item of the next page, or null on the last page.
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
	var next any
	if end < len(items) && limit > 0 {
		next = items[end]["id"]
	}
	return jsonResp(http.StatusOK, obj{"next": next, "count": len(l), "total": len(items), "items": l})
}

func (s *Sim) getAsyncOp(r *request) response {
	return s.getOne(r, s.st.asyncOps, "Async operation")
}
