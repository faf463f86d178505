package sim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"glrun/glapi"
	"glrun/glapi/odata"
)

// Schedules: a schedule is stored with its operation (a REST request) and
// fires on the simulator's clock at schedule.startAt, then every interval,
// sending its operation as the client that created it would (a job
// creation starts a job, held for approval like any other), and keeps a
// history entry per run. A create with an Idempotency-Key that was seen
// before with the same body answers the schedule the first one created; with
// a different body, 409 Conflict.

// pageSchedules is the documented page size of the schedule lists.
var pageSchedules = paging{50, 0, 10000}

// maxCatchUp bounds how many missed runs of one schedule a single advance
// of the clock fires.
const maxCatchUp = 1000

// schedule is a schedule (schedule-v1beta2) and what the simulator needs
// to run it.
type schedule struct {
	ID          string
	Name        string
	Description *string
	Purpose     *string
	Associated  *string
	StartAt     time.Time
	Interval    string // ISO 8601, "" for one time
	every       time.Duration
	Operation   obj
	Creator     string // client id
	Generation  int
	CreatedAt   string
	UpdatedAt   string
	next        time.Time // zero when no run is due any more
	history     []obj     // newest last
}

// idempotentCreate is what the first create with an Idempotency-Key sent
// and made.
type idempotentCreate struct {
	body     []byte
	schedule string
}

func (sc *schedule) uri() string { return glapi.URI(glapi.CollectionSchedules, sc.ID) }

func (sc *schedule) render() obj {
	when := obj{"startAt": tsMicro(sc.StartAt), "interval": nil}
	if sc.Interval != "" {
		when["interval"] = sc.Interval
	}
	o := obj{
		"id":                    sc.ID,
		"type":                  glapi.TypeSchedule,
		"resourceUri":           sc.uri(),
		"historyUri":            sc.uri() + "/history",
		"name":                  sc.Name,
		"description":           strPtr(sc.Description),
		"purpose":               strPtr(sc.Purpose),
		"associatedResourceUri": strPtr(sc.Associated),
		"schedule":              when,
		"operation":             copyObj(sc.Operation),
		"generation":            sc.Generation,
		"createdAt":             sc.CreatedAt,
		"updatedAt":             sc.UpdatedAt,
		"nextStartAt":           nil,
		"lastRun":               nil,
	}
	if !sc.next.IsZero() {
		o["nextStartAt"] = tsMicro(sc.next)
	}
	if n := len(sc.history); n > 0 {
		o["lastRun"] = copyObj(sc.history[n-1])
	}
	return o
}

func strPtr(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// tsMicro formats t as the schedules API does (microseconds, +00:00).
func tsMicro(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000+00:00") }

// scheduleBody is the body of POST and PATCH /schedules.
type scheduleBody struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	Purpose     *string `json:"purpose"`
	Associated  *string `json:"associatedResourceUri"`
	Schedule    *struct {
		StartAt  *string `json:"startAt"`
		Interval *string `json:"interval"`
	} `json:"schedule"`
	Operation obj `json:"operation"`
}

// checkWhen validates startAt and interval at now as the API bounds them,
// returning the parsed start and interval.
func (s *Sim) checkWhen(r *request, startAt string, interval *string) (time.Time, time.Duration, response, bool) {
	bad := func(field, msg string) (time.Time, time.Duration, response, bool) {
		return time.Time{}, 0, s.apiError(r.fam, http.StatusBadRequest, field+": "+msg, issue{"field", field}), false
	}
	t, err := time.Parse(time.RFC3339Nano, startAt)
	if err != nil {
		return bad("schedule.startAt", "not a date-time: "+startAt)
	}
	if !t.After(r.now) {
		return bad("schedule.startAt", "must be in the future")
	}
	if t.After(r.now.Add(glapi.MaxScheduleAhead)) {
		return bad("schedule.startAt", "must be within a year of the current time")
	}
	var every time.Duration
	if interval != nil && *interval != "" {
		every, err = glapi.ParseISODuration(*interval)
		if err != nil {
			return bad("schedule.interval", err.Error())
		}
		if every <= glapi.MinScheduleInterval || every >= glapi.MaxScheduleInterval {
			return bad("schedule.interval", "must be more than PT15M and less than P1Y")
		}
	}
	return t, every, response{}, true
}

// checkOperation validates a schedule's operation (scheduleRESTOperationPost-v1beta2).
func (s *Sim) checkOperation(r *request, op obj) (response, bool) {
	bad := func(field, msg string) (response, bool) {
		return s.apiError(r.fam, http.StatusBadRequest, field+": "+msg, issue{"field", field}), false
	}
	if op == nil {
		return bad("operation", "is required")
	}
	if t, _ := op["type"].(string); t != "REST" {
		return bad("operation.type", "must be REST")
	}
	m, _ := op["method"].(string)
	switch m {
	case "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE":
	default:
		return bad("operation.method", "must be an HTTP method")
	}
	if u, _ := op["uri"].(string); !strings.HasPrefix(u, "/") || len(u) > 128 {
		return bad("operation.uri", "must be a relative URI of at most 128 characters")
	}
	if v, ok := op["timeoutInSec"]; ok {
		f, isNum := v.(float64)
		if !isNum || f <= 0 || f > 60 {
			return bad("operation.timeoutInSec", "must be more than 0 and at most 60")
		}
	}
	return response{}, true
}

func (s *Sim) createSchedule(r *request) response {
	key := r.Header.Get("Idempotency-Key")
	if key != "" {
		if !glapi.IsUUID(key) {
			return s.apiError(r.fam, http.StatusBadRequest, "Idempotency-Key must be a UUID", issue{"header", "Idempotency-Key"})
		}
		if prev, ok := s.cc().idempotency[key]; ok {
			if !jsonEqual(prev.body, r.body) {
				return s.apiError(r.fam, http.StatusConflict,
					"Idempotency-Key "+key+" was already used with a different request body")
			}
			if sc, ok := s.cc().schedules.get(prev.schedule); ok {
				return jsonResp(http.StatusCreated, sc.render()).with("Location", sc.uri())
			}
			return s.apiError(r.fam, http.StatusConflict,
				"Idempotency-Key "+key+" was already used by a schedule that has since been deleted")
		}
	}
	var in scheduleBody
	if resp, ok := s.decodeBody(r, &in); !ok {
		return resp
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" || len([]rune(*in.Name)) > 100 {
		return s.apiError(r.fam, http.StatusBadRequest, "name: required, 1 to 100 characters", issue{"field", "name"})
	}
	if in.Schedule == nil || in.Schedule.StartAt == nil {
		return s.apiError(r.fam, http.StatusBadRequest, "schedule.startAt is required", issue{"field", "schedule.startAt"})
	}
	start, every, resp, ok := s.checkWhen(r, *in.Schedule.StartAt, in.Schedule.Interval)
	if !ok {
		return resp
	}
	if resp, ok := s.checkOperation(r, in.Operation); !ok {
		return resp
	}
	op := copyObj(in.Operation)
	if _, ok := op["timeoutInSec"]; !ok {
		op["timeoutInSec"] = 20
	}
	for _, k := range []string{"headers", "query"} {
		if _, ok := op[k]; !ok {
			op[k] = obj{}
		}
	}
	if _, ok := op["body"]; !ok {
		op["body"] = nil
	}
	sc := &schedule{
		ID: s.st.uuid(), Name: *in.Name, Description: in.Description, Purpose: in.Purpose, Associated: in.Associated,
		StartAt: start, every: every, Operation: op, Creator: r.caller,
		Generation: 1, CreatedAt: tsMicro(r.now), UpdatedAt: tsMicro(r.now), next: start,
	}
	if in.Schedule.Interval != nil {
		sc.Interval = *in.Schedule.Interval
	}
	s.cc().schedules.add(sc.ID, sc)
	if key != "" {
		s.cc().idempotency[key] = idempotentCreate{body: append([]byte(nil), r.body...), schedule: sc.ID}
	}
	return jsonResp(http.StatusCreated, sc.render()).with("Location", sc.uri())
}

// jsonEqual reports whether two JSON documents hold the same value.
func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

func (s *Sim) listSchedules(r *request) response {
	return s.listOffset(r, pageSchedules, odata.ResourceSchedules, rendered(s.cc().schedules.list()))
}

func (s *Sim) getSchedule(r *request) response {
	sc, ok := s.cc().schedules.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Schedule "+r.params[0]+" not found")
	}
	return jsonResp(http.StatusOK, sc.render())
}

func (s *Sim) patchSchedule(r *request) response {
	sc, ok := s.cc().schedules.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Schedule "+r.params[0]+" not found")
	}
	if m := r.Header.Get("If-Match"); m != "" && strings.Trim(m, `"`) != strconv.Itoa(sc.Generation) {
		return s.apiError(r.fam, http.StatusPreconditionFailed, "If-Match "+m+" does not match generation "+strconv.Itoa(sc.Generation))
	}
	var in scheduleBody
	if resp, ok := s.decodeBody(r, &in); !ok {
		return resp
	}
	if in.Operation != nil {
		return s.apiError(r.fam, http.StatusBadRequest, "operation.method and operation.uri are read-only", issue{"field", "operation"})
	}
	if in.Name != nil && (strings.TrimSpace(*in.Name) == "" || len([]rune(*in.Name)) > 100) {
		return s.apiError(r.fam, http.StatusBadRequest, "name: 1 to 100 characters", issue{"field", "name"})
	}
	if in.Schedule != nil {
		startAt := tsMicro(sc.StartAt)
		if in.Schedule.StartAt != nil {
			startAt = *in.Schedule.StartAt
		}
		interval := &sc.Interval
		if in.Schedule.Interval != nil {
			interval = in.Schedule.Interval
		}
		start, every, resp, ok := s.checkWhen(r, startAt, interval)
		if !ok {
			return resp
		}
		sc.StartAt, sc.every, sc.Interval, sc.next = start, every, *interval, start
	}
	if in.Name != nil {
		sc.Name = *in.Name
	}
	if in.Description != nil {
		sc.Description = in.Description
	}
	if in.Purpose != nil {
		sc.Purpose = in.Purpose
	}
	sc.Generation++
	sc.UpdatedAt = tsMicro(r.now)
	return jsonResp(http.StatusOK, sc.render())
}

func (s *Sim) deleteSchedule(r *request) response {
	return s.deleteByID(r, s.cc().schedules.del, "Schedule")
}

func (s *Sim) listScheduleHistory(r *request) response {
	sc, ok := s.cc().schedules.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Schedule "+r.params[0]+" not found")
	}
	offset, limit, resp, ok := s.offsetLimit(r, pageSchedules)
	if !ok {
		return resp
	}
	items := make([]obj, len(sc.history))
	for i, h := range sc.history {
		items[len(items)-1-i] = h // newest first
	}
	return jsonResp(http.StatusOK, page(items, offset, limit))
}

func (s *Sim) getScheduleHistory(r *request) response {
	sc, ok := s.cc().schedules.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Schedule "+r.params[0]+" not found")
	}
	for _, h := range sc.history {
		if h["id"] == r.params[1] {
			return jsonResp(http.StatusOK, copyObj(h))
		}
	}
	return s.apiError(r.fam, http.StatusNotFound, "History entry "+r.params[1]+" of schedule "+sc.ID+" not found")
}

// fireSchedules runs every schedule due by now, each missed run of a
// recurring one in turn. Callers hold s.mu.
func (s *Sim) fireSchedules(now time.Time) {
	for _, sc := range s.cc().schedules.list() {
		for n := 0; !sc.next.IsZero() && !sc.next.After(now) && n < maxCatchUp; n++ {
			at := sc.next
			s.runSchedule(sc, at)
			if sc.every > 0 {
				sc.next = at.Add(sc.every)
			} else {
				sc.next = time.Time{}
			}
		}
	}
}

// jobsURI matches the jobs collection of any version of the COM API. It is
// compiled on first use, not at the start of every command.
var jobsURI = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^/compute-ops-mgmt/v1[a-z0-9]*/jobs$`) })

// runSchedule sends sc's operation at t and records its history entry.
// Only job creations (POST .../jobs) take effect; any other operation is
// recorded as answered 501.
func (s *Sim) runSchedule(sc *schedule, t time.Time) {
	method, _ := sc.Operation["method"].(string)
	uri, _ := sc.Operation["uri"].(string)
	var resp response
	if method == http.MethodPost && jobsURI().MatchString(uri) {
		body, _ := json.Marshal(sc.Operation["body"])
		req := &request{fam: famCOM, now: t, body: body, caller: sc.Creator}
		resp = s.createJob(req)
	} else {
		resp = s.apiError(famCOM, http.StatusNotImplemented, "The simulator runs scheduled job creations only ("+method+" "+uri+")")
	}
	hid := s.st.uuid()
	headers := obj{}
	for k := range resp.header {
		headers[k] = resp.header.Get(k)
	}
	summary := strconv.Itoa(resp.status) + " " + http.StatusText(resp.status)
	h := obj{
		"operationType": "REST",
		"type":          "compute-ops-mgmt/schedule/history",
		"id":            hid,
		"resourceUri":   sc.uri() + "/history/" + hid,
		"scheduleId":    sc.ID,
		"scheduleUri":   sc.uri(),
		"startedAt":     tsMicro(t),
		"succeeded":     resp.status >= 200 && resp.status < 300,
		"summary":       summary,
		"debugId":       s.st.uuid(),
		"durationInSec": 0.035,
		"generation":    1,
		"createdAt":     tsMicro(t),
		"updatedAt":     tsMicro(t),
		"status":        resp.status,
		"headers":       headers,
		"body":          deepCopy(resp.body),
	}
	sc.history = append(sc.history, h)
}
