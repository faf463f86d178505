package sim

import (
	"net/http"
	"testing"
	"time"

	"glrun/glapi"
)

const schedulesPath = "/compute-ops-mgmt/v1beta2/schedules"

// scheduleBodyFor is a schedule that restarts server sid at startAt, every
// interval ("" for once).
func scheduleBodyFor(sid string, startAt time.Time, interval string) map[string]any {
	when := map[string]any{"startAt": startAt.UTC().Format(time.RFC3339)}
	if interval != "" {
		when["interval"] = interval
	}
	return map[string]any{
		"name":     "weekly restart",
		"schedule": when,
		"operation": map[string]any{
			"type": "REST", "method": "POST", "uri": "/compute-ops-mgmt/v1/jobs",
			"body": map[string]any{"jobTemplate": templateByAlias("restart").ID, "resourceId": sid, "resourceType": "compute-ops-mgmt/server"},
		},
	}
}

// postSchedule sends a schedule creation with an Idempotency-Key ("" for none).
func (h *harness) postSchedule(body any, key string) result {
	h.t.Helper()
	var header http.Header
	if key != "" {
		header = http.Header{"Idempotency-Key": {key}}
	}
	return h.doHeader(http.MethodPost, schedulesPath, body, header)
}

func TestScheduleFiresOnTheClockAndKeepsHistory(t *testing.T) {
	h := newHarness(t, Options{})
	sid := h.serverID("prod-web-01")
	r := h.postSchedule(scheduleBodyFor(sid, start.Add(time.Hour), "P1D"), "")
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %v", r.status, r.body)
	}
	checkSchema(t, "created schedule", r.body, scheduleSchema)
	if r.body["nextStartAt"] == nil || r.body["lastRun"] != nil {
		t.Errorf("new schedule: nextStartAt %v lastRun %v", r.body["nextStartAt"], r.body["lastRun"])
	}
	id := r.body["id"].(string)
	jobsBefore := len(h.sim.Jobs())
	h.clk.Advance(59 * time.Minute)
	if n := len(h.sim.Jobs()); n != jobsBefore {
		t.Fatalf("before startAt: %d jobs, want %d", n, jobsBefore)
	}
	h.get(schedulesPath+"/"+id, http.StatusOK)  // moves the simulator to now
	h.clk.Advance(2*24*time.Hour + time.Minute) // the first run and two more
	hist := h.get(schedulesPath+"/"+id+"/history", http.StatusOK)
	checkSchema(t, "history", hist.body, collectionSchema)
	if n := len(hist.items()); n != 3 {
		t.Fatalf("history after 3 due runs: %d entries", n)
	}
	for _, it := range hist.items() {
		e := it.(map[string]any)
		checkSchema(t, "history entry", e, historySchema)
		if e["succeeded"] != true || e["status"] != float64(201) {
			t.Errorf("history entry: %v", e)
		}
		one := h.get(schedulesPath+"/"+id+"/history/"+e["id"].(string), http.StatusOK)
		checkSchema(t, "history entry by id", one.body, historySchema)
	}
	if n := len(h.sim.Jobs()) - jobsBefore; n != 3 {
		t.Errorf("jobs created by the schedule: %d, want 3", n)
	}
	got := h.get(schedulesPath+"/"+id, http.StatusOK).body
	checkSchema(t, "schedule after runs", got, scheduleSchema)
	if got["lastRun"] == nil {
		t.Errorf("lastRun is null after runs")
	} else {
		checkSchema(t, "lastRun", got["lastRun"].(map[string]any), historySchema)
	}
}

func TestOneTimeScheduleFiresOnce(t *testing.T) {
	h := newHarness(t, Options{})
	r := h.postSchedule(scheduleBodyFor(h.serverID("prod-web-02"), start.Add(time.Hour), ""), "")
	id := r.body["id"].(string)
	h.clk.Advance(72 * time.Hour)
	got := h.get(schedulesPath+"/"+id, http.StatusOK).body
	if got["nextStartAt"] != nil {
		t.Errorf("one-time schedule after its run: nextStartAt %v", got["nextStartAt"])
	}
	if n := len(h.get(schedulesPath+"/"+id+"/history", http.StatusOK).items()); n != 1 {
		t.Errorf("runs: %d, want 1", n)
	}
}

func TestScheduleIdempotencyKey(t *testing.T) {
	h := newHarness(t, Options{})
	sid := h.serverID("prod-web-01")
	body := scheduleBodyFor(sid, start.Add(time.Hour), "P7D")
	const key = "2c578105-adeb-4785-9113-8c577a0681fa"
	first := h.postSchedule(body, key)
	again := h.postSchedule(body, key)
	if first.status != http.StatusCreated || again.status != http.StatusCreated {
		t.Fatalf("create twice: %d, %d", first.status, again.status)
	}
	if first.body["id"] != again.body["id"] {
		t.Errorf("same key, same body: ids %v and %v, want the same schedule", first.body["id"], again.body["id"])
	}
	if n := len(h.get(schedulesPath, http.StatusOK).items()); n != 1 {
		t.Errorf("schedules after a repeated create: %d, want 1", n)
	}
	other := scheduleBodyFor(sid, start.Add(2*time.Hour), "P7D")
	checkError(t, "same key, other body", h.postSchedule(other, key), http.StatusConflict)
	checkError(t, "key not a UUID", h.postSchedule(body, "not-a-uuid"), http.StatusBadRequest)
}

func TestScheduleWindowBounds(t *testing.T) {
	h := newHarness(t, Options{})
	sid := h.serverID("prod-web-01")
	cases := []struct {
		name     string
		startAt  time.Time
		interval string
	}{
		{"in the past", start.Add(-time.Minute), ""},
		{"now", start, ""},
		{"more than a year ahead", start.Add(366 * 24 * time.Hour), ""},
		{"interval PT15M", start.Add(time.Hour), "PT15M"},
		{"interval P1Y", start.Add(time.Hour), "P1Y"},
		{"interval not a duration", start.Add(time.Hour), "weekly"},
	}
	for _, c := range cases {
		checkError(t, c.name, h.postSchedule(scheduleBodyFor(sid, c.startAt, c.interval), ""), http.StatusBadRequest)
	}
	if r := h.postSchedule(scheduleBodyFor(sid, start.Add(time.Hour), "PT16M"), ""); r.status != http.StatusCreated {
		t.Errorf("interval PT16M: %d %v", r.status, r.body)
	}
}

func TestScheduledJobIsHeldForApproval(t *testing.T) {
	h, _ := changeHarness(t, 1, Options{})
	r := h.postSchedule(scheduleBodyFor(h.serverID("prod-web-01"), start.Add(time.Hour), ""), "")
	h.clk.Advance(2 * time.Hour)
	hist := h.get(schedulesPath+"/"+r.body["id"].(string)+"/history", http.StatusOK).items()
	if len(hist) != 1 {
		t.Fatalf("history: %v", hist)
	}
	job := hist[0].(map[string]any)["body"].(map[string]any)
	if job["state"] != glapi.JobApprovalPending {
		t.Errorf("scheduled job on a covered server: %v", job["state"])
	}
	if req := h.requestFor(job["id"].(string)); lookup(req, "requester.email")[0] != DemoClientEmail {
		t.Errorf("requester of a scheduled job: %v", req["requester"])
	}
}

func TestSchedulePatchAndDelete(t *testing.T) {
	h := newHarness(t, Options{})
	r := h.postSchedule(scheduleBodyFor(h.serverID("prod-web-01"), start.Add(time.Hour), ""), "")
	path := schedulesPath + "/" + r.body["id"].(string)
	p := h.do(http.MethodPatch, path, map[string]any{"name": "renamed", "schedule": map[string]any{"interval": "P1D"}})
	if p.status != http.StatusOK || p.body["name"] != "renamed" {
		t.Fatalf("patch: %d %v", p.status, p.body)
	}
	checkSchema(t, "patched", p.body, scheduleSchema)
	checkError(t, "patch into the past", h.do(http.MethodPatch, path,
		map[string]any{"schedule": map[string]any{"startAt": start.Add(-time.Hour).Format(time.RFC3339)}}), http.StatusBadRequest)
	if d := h.do(http.MethodDelete, path, nil); d.status != http.StatusNoContent {
		t.Errorf("delete: %d", d.status)
	}
	checkError(t, "deleted", h.get(path, http.StatusNotFound), http.StatusNotFound)
}
