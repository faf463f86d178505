package builtins

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	libtime "go.starlark.net/lib/time"
	"go.starlark.net/starlark"

	"glrun/glapi"
)

// TimeArg accepts a point in time: a time value (time.now() + ...,
// time.time(...)) or an RFC 3339 string such as "2026-12-24T22:00:00Z".
type TimeArg struct {
	// Time is the time.
	Time time.Time
}

// Want says a time.
func (k *TimeArg) Want() string {
	return `a time (such as time.now() + time.parse_duration("24h")) or an RFC 3339 string such as "2026-12-24T22:00:00Z"`
}

// Unpack takes a time or an RFC 3339 string.
func (k *TimeArg) Unpack(v starlark.Value) error {
	switch v := v.(type) {
	case libtime.Time:
		k.Time = time.Time(v)
		return nil
	case starlark.String:
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(string(v)))
		if err != nil {
			return &BadArg{}
		}
		k.Time = t
		return nil
	}
	return &BadArg{}
}

// IntervalArg accepts how often a schedule runs: an ISO 8601 duration such
// as "P7D" or "PT12H", or a duration such as "24h" or time.hour * 24
// (sent as ISO 8601).
type IntervalArg struct {
	// ISO is the interval as the API spells it.
	ISO string
}

// Want says an interval.
func (k *IntervalArg) Want() string {
	return `an ISO 8601 duration such as "P7D" or "PT12H", or a duration such as "24h" (more than 15 minutes, less than a year)`
}

// Unpack takes an ISO 8601 duration or a duration.
func (k *IntervalArg) Unpack(v starlark.Value) error {
	if s, ok := v.(starlark.String); ok && strings.HasPrefix(strings.TrimSpace(string(s)), "P") {
		iso := strings.TrimSpace(string(s))
		if _, err := glapi.ParseISODuration(iso); err != nil {
			return &BadArg{}
		}
		k.ISO = iso
		return nil
	}
	d, err := ParseDuration(v)
	if err != nil || d <= 0 {
		return &BadArg{}
	}
	k.ISO = isoDuration(d)
	return nil
}

// isoDuration spells d in ISO 8601: whole days as "P7D", else
// "PT1H30M", "PT90S".
func isoDuration(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("P%dD", d/(24*time.Hour))
	}
	var b strings.Builder
	b.WriteString("PT")
	if h := d / time.Hour; h > 0 {
		fmt.Fprintf(&b, "%dH", h)
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		fmt.Fprintf(&b, "%dM", m)
		d -= m * time.Minute
	}
	if d > 0 {
		fmt.Fprintf(&b, "%gS", d.Seconds())
	}
	return b.String()
}

// schedulesCreate is compute.schedules.create(name, template, resource,
// start_at, params={}, interval=None, description=None,
// resource_type=None, idempotency_key=None).
func schedulesCreate(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	var (
		name   = StringArg{What: "a schedule name (1 to 100 characters)", NonEmpty: true}
		tmpl   TemplateArg
		res    = ValueArg{What: "a server or group record, or a resource id string"}
		rtype  ResourceTypeArg
		params JobParamsArg
		start  TimeArg
		every  IntervalArg
		desc   StringArg
		key    = StringArg{What: "a UUID", NonEmpty: true}
	)
	if err := a.Unpack("name", &name, "template", &tmpl, "resource_type", &rtype, "resource", &res); err != nil {
		return nil, err
	}
	id, typ, err := resolveResource(a, tmpl.Template, res.Value, rtype.Type)
	if err != nil {
		return nil, err
	}
	if err := a.Unpack("start_at", &start, "params", &params, "interval", &every, "description", &desc,
		"idempotency_key", &key); err != nil {
		return nil, err
	}
	sc := glapi.ScheduleCreate{
		Name: name.Value, Description: desc.Value,
		Schedule: glapi.ScheduleWhen{StartAt: start.Time.UTC(), Interval: every.ISO},
		Operation: glapi.JobOperation(glapi.JobCreate{
			JobTemplate: tmpl.Template.ID, ResourceID: id, ResourceType: typ, JobParams: params.Params,
		}),
	}
	if key.Value == "" {
		key.Value = scheduleKey(sc)
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	out, err := c.Schedules.Create(ctx, sc, glapi.CreateOptions{IdempotencyKey: key.Value})
	if err != nil {
		return nil, callError(a.Fn(), err)
	}
	return ToStarlark(out), nil
}

// scheduleKey is the Idempotency-Key of a schedule creation given none:
// derived from its body, so that the same creation sent again (a run or an
// apply retried) returns the schedule the first one made.
func scheduleKey(sc glapi.ScheduleCreate) string {
	b, err := json.Marshal(sc)
	if err != nil {
		return ""
	}
	return glapi.IdempotencyKeyFor("compute.schedules.create", string(b))
}

// schedulesUpdate is compute.schedules.update(id, name=None,
// description=None, start_at=None, interval=None).
func schedulesUpdate(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	var (
		id    = IDArg{What: "schedule"}
		name  = StringArg{What: "a schedule name (1 to 100 characters)", NonEmpty: true}
		desc  StringArg
		start TimeArg
		every IntervalArg
	)
	if err := a.Unpack("id", &id, "name", &name, "description", &desc, "start_at", &start, "interval", &every); err != nil {
		return nil, err
	}
	var u glapi.ScheduleUpdate
	if a.Has("name") {
		u.Name = &name.Value
	}
	if a.Has("description") {
		u.Description = &desc.Value
	}
	if a.Has("interval") && !a.Has("start_at") {
		return nil, fmt.Errorf("%s: interval= needs start_at= too (the schedule is checked and sent as a whole)", a.Fn())
	}
	if a.Has("start_at") {
		u.Schedule = &glapi.ScheduleWhen{StartAt: start.Time.UTC(), Interval: every.ISO}
	}
	if u.Name == nil && u.Description == nil && u.Schedule == nil {
		return nil, fmt.Errorf("%s: nothing to update: give name=, description= or start_at= (with interval=)", a.Fn())
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	out, err := c.Schedules.Update(ctx, id.ID, u)
	if err != nil {
		return nil, callError(a.Fn(), err)
	}
	return ToStarlark(out), nil
}

// schedulesHistory is compute.schedules.history(id, limit=None).
func schedulesHistory(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	id := IDArg{What: "schedule"}
	limit := IntArg{Min: 1, Max: maxListItems}
	if err := a.Unpack("id", &id, "limit", &limit); err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	hist, err := c.Schedules.History(ctx, id.ID, limit.Value)
	if err != nil {
		return nil, callError(a.Fn(), err)
	}
	return recordList(hist), nil
}
