package glapi

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"glrun/glapi/odata"
)

// CollectionSchedules is /compute-ops-mgmt/v1beta2/schedules.
const CollectionSchedules = prefixComputeV1beta2 + "/schedules"

// TypeSchedule is the type of a schedule.
const TypeSchedule = "compute-ops-mgmt/schedule"

// schedulesPageMax is the largest limit the schedule lists accept.
const schedulesPageMax = 10000

// The bounds the API puts on a schedule (schedulePost-v1beta2): the start
// must be within a year of now, and an interval lies strictly between
// MinScheduleInterval and MaxScheduleInterval (PT15M < interval < P1Y).
const (
	MinScheduleInterval = 15 * time.Minute
	MaxScheduleInterval = 365 * 24 * time.Hour
	MaxScheduleAhead    = 365 * 24 * time.Hour
	maxScheduleName     = 100
	maxScheduleURI      = 128
)

// ScheduleCreate is the body of POST /schedules (schedulePost-v1beta2).
type ScheduleCreate struct {
	Name                  string            `json:"name"`
	Description           string            `json:"description,omitempty"`
	Purpose               string            `json:"purpose,omitempty"`
	AssociatedResourceURI string            `json:"associatedResourceUri,omitempty"`
	Schedule              ScheduleWhen      `json:"schedule"`
	Operation             ScheduleOperation `json:"operation"`
}

// ScheduleWhen is when a schedule runs: first at StartAt, then every
// Interval (an ISO 8601 duration such as "P7D"; "" for a one-time
// schedule).
type ScheduleWhen struct {
	StartAt  time.Time `json:"startAt"`
	Interval string    `json:"interval,omitempty"`
}

// MarshalJSON writes startAt in UTC with microseconds, as the API shows it.
func (w ScheduleWhen) MarshalJSON() ([]byte, error) {
	m := map[string]any{"startAt": w.StartAt.UTC().Format(time.RFC3339Nano)}
	if w.Interval != "" {
		m["interval"] = w.Interval
	}
	return json.Marshal(m)
}

// ScheduleOperation is the REST request a schedule sends
// (scheduleRESTOperationPost-v1beta2).
type ScheduleOperation struct {
	Type         string            `json:"type"`
	Method       string            `json:"method"`
	URI          string            `json:"uri"`
	Body         any               `json:"body,omitempty"`
	Headers      map[string]string `json:"headers,omitempty"`
	Query        map[string]string `json:"query,omitempty"`
	TimeoutInSec int               `json:"timeoutInSec,omitempty"`
}

// JobOperation is the operation of a schedule that creates the job req
// (POST /compute-ops-mgmt/v1/jobs).
func JobOperation(req JobCreate) ScheduleOperation {
	return ScheduleOperation{Type: "REST", Method: http.MethodPost, URI: CollectionJobs, Body: req}
}

// ScheduleUpdate is the body of PATCH /schedules/{id}; nil fields are left
// as they are. The operation of a schedule cannot be changed (its method
// and uri are read-only): delete it and create another.
type ScheduleUpdate struct {
	Name        *string       `json:"name,omitempty"`
	Description *string       `json:"description,omitempty"`
	Schedule    *ScheduleWhen `json:"schedule,omitempty"`
}

// CreateOptions are the options of a create that the API makes idempotent.
type CreateOptions struct {
	// IdempotencyKey, a UUID, is sent as the Idempotency-Key header: the
	// same key with the same body returns the schedule the first request
	// created instead of a second one. "" sends none.
	IdempotencyKey string
}

// SchedulesService is /compute-ops-mgmt/v1beta2/schedules.
type SchedulesService struct{ c *Client }

func (s *SchedulesService) lister() lister {
	return lister{api: apiCompute, coll: CollectionSchedules, resource: odata.ResourceSchedules, maxPage: schedulesPageMax}
}

// List returns the schedules matching opts.
func (s *SchedulesService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, s.lister(), opts)
}

// ListFunc calls fn for each schedule matching opts, a page at a time.
func (s *SchedulesService) ListFunc(ctx context.Context, opts ListOptions, fn func(Object) error) error {
	return s.c.each(ctx, s.lister(), opts, fn)
}

// Get returns the schedule id.
func (s *SchedulesService) Get(ctx context.Context, id string) (Object, error) {
	if err := requireID("getting a schedule", id); err != nil {
		return nil, err
	}
	return s.c.getObject(ctx, apiCompute, CollectionSchedules, id)
}

// History returns the runs of schedule id, newest first as the API lists
// them (GET /schedules/{id}/history), up to limit (0: all).
func (s *SchedulesService) History(ctx context.Context, id string, limit int) ([]Object, error) {
	if err := requireID("getting a schedule's history", id); err != nil {
		return nil, err
	}
	l := lister{api: apiCompute, coll: CollectionSchedules, id: id, action: "history", maxPage: schedulesPageMax}
	return s.c.all(ctx, l, ListOptions{Limit: limit})
}

// Create creates a schedule (POST, answered 201). The window is checked
// before anything is sent: startAt in the future and within a year,
// interval strictly between PT15M and P1Y. opts.IdempotencyKey, when set,
// must be a UUID.
func (s *SchedulesService) Create(ctx context.Context, sc ScheduleCreate, opts CreateOptions) (Object, error) {
	if err := CheckSchedule(sc, s.c.clock.Now()); err != nil {
		return nil, fmt.Errorf("creating a schedule: %w", err)
	}
	cl := call{api: apiCompute, method: http.MethodPost, coll: CollectionSchedules, body: sc}
	if opts.IdempotencyKey != "" {
		if !IsUUID(opts.IdempotencyKey) {
			return nil, fmt.Errorf("creating a schedule: Idempotency-Key: want a UUID, got %q", opts.IdempotencyKey)
		}
		cl.header = http.Header{"Idempotency-Key": {opts.IdempotencyKey}}
	}
	var o Object
	if _, err := s.c.doJSON(ctx, cl, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// Update changes a schedule (PATCH, application/merge-patch+json); a new
// window is checked as Create checks it.
func (s *SchedulesService) Update(ctx context.Context, id string, u ScheduleUpdate) (Object, error) {
	if err := requireID("updating a schedule", id); err != nil {
		return nil, err
	}
	if u.Name == nil && u.Description == nil && u.Schedule == nil {
		return nil, errors.New("updating a schedule: nothing to update: give a name, a description or a schedule")
	}
	if u.Name != nil {
		if err := checkScheduleName(*u.Name); err != nil {
			return nil, fmt.Errorf("updating schedule %s: %w", id, err)
		}
	}
	if u.Schedule != nil {
		if err := CheckWindow(*u.Schedule, s.c.clock.Now()); err != nil {
			return nil, fmt.Errorf("updating schedule %s: %w", id, err)
		}
	}
	var o Object
	cl := call{api: apiCompute, method: http.MethodPatch, coll: CollectionSchedules, id: id, body: u, bodyType: contentMergePatch}
	if _, err := s.c.doJSON(ctx, cl, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// Delete deletes a schedule (answered 204).
func (s *SchedulesService) Delete(ctx context.Context, id string) error {
	if err := requireID("deleting a schedule", id); err != nil {
		return err
	}
	_, err := s.c.doJSON(ctx, call{api: apiCompute, method: http.MethodDelete, coll: CollectionSchedules, id: id}, nil)
	return err
}

// CheckSchedule validates the body of a schedule creation at now: the
// name, the window (CheckWindow) and the operation. Errors name the field
// as the API's body spells it.
func CheckSchedule(sc ScheduleCreate, now time.Time) error {
	if err := checkScheduleName(sc.Name); err != nil {
		return err
	}
	if err := CheckWindow(sc.Schedule, now); err != nil {
		return err
	}
	op := sc.Operation
	if op.Type != "REST" {
		return fmt.Errorf("operation.type: want %q, got %q", "REST", op.Type)
	}
	switch op.Method {
	case http.MethodDelete, http.MethodGet, http.MethodHead, http.MethodOptions,
		http.MethodPatch, http.MethodPost, http.MethodPut, http.MethodTrace:
	default:
		return fmt.Errorf("operation.method: want an HTTP method such as POST, got %q", op.Method)
	}
	if !strings.HasPrefix(op.URI, "/") || len(op.URI) > maxScheduleURI {
		return fmt.Errorf("operation.uri: want a path such as %q of at most %d characters, got %q", CollectionJobs, maxScheduleURI, op.URI)
	}
	if op.TimeoutInSec < 0 || op.TimeoutInSec > 60 {
		return fmt.Errorf("operation.timeoutInSec: want 1 to 60 seconds, got %d", op.TimeoutInSec)
	}
	return nil
}

func checkScheduleName(name string) error {
	if n := len([]rune(name)); strings.TrimSpace(name) == "" || n > maxScheduleName {
		return fmt.Errorf("name: want 1 to %d characters, got %q", maxScheduleName, name)
	}
	return nil
}

// CheckWindow validates when a schedule runs, at now: schedule.startAt
// after now and at most a year ahead; schedule.interval, when set, an ISO
// 8601 duration strictly between PT15M and P1Y.
func CheckWindow(w ScheduleWhen, now time.Time) error {
	if w.StartAt.IsZero() {
		return errors.New("schedule.startAt is required")
	}
	if !w.StartAt.After(now) {
		return fmt.Errorf("schedule.startAt: %s is not in the future (now is %s)",
			w.StartAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if w.StartAt.After(now.Add(MaxScheduleAhead)) {
		return fmt.Errorf("schedule.startAt: %s is more than a year ahead (the latest is %s)",
			w.StartAt.UTC().Format(time.RFC3339), now.Add(MaxScheduleAhead).UTC().Format(time.RFC3339))
	}
	if w.Interval == "" {
		return nil
	}
	d, err := ParseISODuration(w.Interval)
	if err != nil {
		return fmt.Errorf("schedule.interval: %w", err)
	}
	if d <= MinScheduleInterval || d >= MaxScheduleInterval {
		return fmt.Errorf("schedule.interval: %s is out of bounds: want more than PT15M and less than P1Y", w.Interval)
	}
	return nil
}

// isoDurationRE matches an ISO 8601 duration: PnYnMnWnDTnHnMnS, each part
// optional, seconds possibly fractional. It is compiled on first use, not
// at the start of every command.
var isoDurationRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)
})

// ParseISODuration parses an ISO 8601 duration such as "P7D", "PT1H30M"
// or "P1W". A year counts 365 days and a month 30 (the API compares
// intervals, not calendar dates).
func ParseISODuration(s string) (time.Duration, error) {
	m := isoDurationRE().FindStringSubmatch(s)
	if m == nil || s == "P" || strings.HasSuffix(s, "T") {
		return 0, fmt.Errorf("%q is not an ISO 8601 duration such as %q or %q", s, "P7D", "PT12H")
	}
	units := []time.Duration{365 * 24 * time.Hour, 30 * 24 * time.Hour, 7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute}
	var d time.Duration
	for i, u := range units {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.ParseInt(m[i+1], 10, 64)
		if err != nil || n > 1<<20 {
			return 0, fmt.Errorf("%q: a part is too large", s)
		}
		d += time.Duration(n) * u
	}
	if m[7] != "" {
		f, err := strconv.ParseFloat(m[7], 64)
		if err != nil || f > 1<<30 {
			return 0, fmt.Errorf("%q: the seconds are too large", s)
		}
		d += time.Duration(f * float64(time.Second))
	}
	return d, nil
}

// IsUUID reports whether s is a UUID written as 36 characters: groups of
// 8, 4, 4, 4 and 12 hex digits (either case) joined by hyphens, nothing
// around them.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// IdempotencyKeyFor derives a UUID from parts (such as a plan's id and a
// change's body): the same parts give the same key, so sending the same
// change again (an apply retried) is recognized by the API.
func IdempotencyKeyFor(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50 // version 5 layout: name-based
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// CompleteCreated fills in, for a dry run that synthesizes the answer to a
// creation, what the API adds to a created approval policy or schedule: o
// is the request body with its planned id and createdAt; it gets type,
// resourceUri, generation and updatedAt, and a schedule its nextStartAt
// (its startAt), historyUri and lastRun (null), a policy its state
// (ACTIVE). Objects of other collections are left as they are.
func CompleteCreated(collection string, o map[string]any) {
	id, _ := o["id"].(string)
	switch collection {
	case CollectionSchedules:
		o["type"] = TypeSchedule
		o["historyUri"] = URI(collection, id) + "/history"
		o["lastRun"] = nil
		o["nextStartAt"] = nil
		if when, ok := o["schedule"].(map[string]any); ok {
			o["nextStartAt"] = when["startAt"]
		}
	case CollectionApprovalPolicies:
		o["type"] = TypeApprovalPolicy
		o["state"] = "ACTIVE"
	default:
		return
	}
	o["resourceUri"] = URI(collection, id)
	o["generation"] = 1
	o["updatedAt"] = o["createdAt"]
}
