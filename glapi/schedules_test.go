package glapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"glrun/glapi"
)

func restartSchedule(t *testing.T, e *changeEnv, startAt time.Time, interval string) glapi.ScheduleCreate {
	t.Helper()
	srv, _ := e.sim.ServerByName("prod-web-01")
	tmpl, _ := glapi.LookupTemplate("restart")
	return glapi.ScheduleCreate{
		Name:      "nightly restart",
		Schedule:  glapi.ScheduleWhen{StartAt: startAt, Interval: interval},
		Operation: glapi.JobOperation(glapi.JobCreate{JobTemplate: tmpl.ID, ResourceID: srv.ID(), ResourceType: tmpl.ResourceType}),
	}
}

func TestSchedulesCRUDAndHistory(t *testing.T) {
	ctx := context.Background()
	e := newChangeEnv(t)
	c := e.requester
	sc, err := c.Schedules.Create(ctx, restartSchedule(t, e, changeStart.Add(time.Hour), "P1D"), glapi.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sc.String("type") != glapi.TypeSchedule || sc.String("nextStartAt") == "" {
		t.Errorf("created: %v", sc)
	}
	if got, err := c.Schedules.Get(ctx, sc.ID()); err != nil || got.ID() != sc.ID() {
		t.Fatalf("get: %v %v", got, err)
	}
	l, err := c.Schedules.List(ctx, glapi.ListOptions{Filter: "operation/method eq 'POST'"})
	if err != nil || len(l) != 1 {
		t.Fatalf("list: %v %v", l, err)
	}
	name := "restart at night"
	up, err := c.Schedules.Update(ctx, sc.ID(), glapi.ScheduleUpdate{Name: &name})
	if err != nil || up.String("name") != name {
		t.Fatalf("update: %v %v", up, err)
	}
	e.clk.Advance(25*time.Hour + time.Minute)
	hist, err := c.Schedules.History(ctx, sc.ID(), 0)
	if err != nil || len(hist) != 2 {
		t.Fatalf("history after two runs: %v %v", hist, err)
	}
	if hist[0].String("startedAt") <= hist[1].String("startedAt") {
		t.Errorf("history is not newest first: %s, %s", hist[0].String("startedAt"), hist[1].String("startedAt"))
	}
	if err := c.Schedules.Delete(ctx, sc.ID()); err != nil {
		t.Fatal(err)
	}
	if l, _ := c.Schedules.List(ctx, glapi.ListOptions{}); len(l) != 0 {
		t.Errorf("after delete: %v", l)
	}
}

// TestScheduleCreateSendsTheIdempotencyKey: the same key and body give
// the same schedule, once.
func TestScheduleCreateSendsTheIdempotencyKey(t *testing.T) {
	ctx := context.Background()
	e := newChangeEnv(t)
	body := restartSchedule(t, e, changeStart.Add(time.Hour), "")
	key := glapi.IdempotencyKeyFor("plan-1", "change-3")
	a, err := e.requester.Schedules.Create(ctx, body, glapi.CreateOptions{IdempotencyKey: key})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.requester.Schedules.Create(ctx, body, glapi.CreateOptions{IdempotencyKey: key})
	if err != nil || b.ID() != a.ID() {
		t.Fatalf("repeated create: %v %v, want schedule %s", b.ID(), err, a.ID())
	}
	if l, _ := e.requester.Schedules.List(ctx, glapi.ListOptions{}); len(l) != 1 {
		t.Errorf("schedules: %d, want 1", len(l))
	}
	other := body
	other.Name = "another"
	if _, err := e.requester.Schedules.Create(ctx, other, glapi.CreateOptions{IdempotencyKey: key}); err == nil ||
		!strings.Contains(err.Error(), "409") {
		t.Errorf("same key, other body: %v, want 409", err)
	}
	if k := glapi.IdempotencyKeyFor("plan-1", "change-3"); k != key {
		t.Errorf("IdempotencyKeyFor is not stable: %s, %s", k, key)
	}
	if glapi.IdempotencyKeyFor("plan-1", "change-4") == key {
		t.Errorf("IdempotencyKeyFor gives one key for two changes")
	}
}

func TestBadSchedulesAreRefusedBeforeSending(t *testing.T) {
	ctx := context.Background()
	e := newChangeEnv(t)
	cases := []struct {
		name     string
		startAt  time.Time
		interval string
		key      string
		want     string
	}{
		{"in the past", changeStart.Add(-time.Hour), "", "", "schedule.startAt: 2026-11-25T08:00:00Z is not in the future"},
		{"more than a year ahead", changeStart.AddDate(1, 0, 1), "", "", "schedule.startAt: 2027-11-26T09:00:00Z is more than a year ahead"},
		{"interval PT15M", changeStart.Add(time.Hour), "PT15M", "", "schedule.interval: PT15M is out of bounds"},
		{"interval P1Y", changeStart.Add(time.Hour), "P1Y", "", "schedule.interval: P1Y is out of bounds"},
		{"interval not ISO", changeStart.Add(time.Hour), "1h", "", `schedule.interval: "1h" is not an ISO 8601 duration`},
		{"bad key", changeStart.Add(time.Hour), "", "key-1", "Idempotency-Key: want a UUID"},
	}
	for _, c := range cases {
		_, err := e.requester.Schedules.Create(ctx, restartSchedule(t, e, c.startAt, c.interval), glapi.CreateOptions{IdempotencyKey: c.key})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
	noName := restartSchedule(t, e, changeStart.Add(time.Hour), "")
	noName.Name = ""
	if _, err := e.requester.Schedules.Create(ctx, noName, glapi.CreateOptions{}); err == nil || !strings.Contains(err.Error(), "name:") {
		t.Errorf("no name: %v", err)
	}
	past := glapi.ScheduleWhen{StartAt: changeStart.Add(-time.Minute)}
	if _, err := e.requester.Schedules.Update(ctx, "x", glapi.ScheduleUpdate{Schedule: &past}); err == nil {
		t.Errorf("update into the past: no error")
	}
	if got := e.mutations(); len(got) != 0 {
		t.Errorf("bad schedules sent %v", got)
	}
	for _, r := range e.sim.Requests() {
		if r.Method == http.MethodPost && r.Path == glapi.CollectionSchedules {
			t.Errorf("a schedule creation reached the simulator")
		}
	}
}

func TestParseISODuration(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"P7D", 7 * 24 * time.Hour, true},
		{"PT15M", 15 * time.Minute, true},
		{"PT1H30M", 90 * time.Minute, true},
		{"P1W", 7 * 24 * time.Hour, true},
		{"P1DT12H", 36 * time.Hour, true},
		{"PT0.5S", 500 * time.Millisecond, true},
		{"P", 0, false},
		{"PT", 0, false},
		{"7d", 0, false},
		{"", 0, false},
	} {
		got, err := glapi.ParseISODuration(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseISODuration(%q) = %v, %v; want %v (ok %v)", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestIsUUID(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"3fa85f64-5717-4562-b3fc-2c963f66afa6", true},
		{"3FA85F64-5717-4562-B3FC-2C963F66AFA6", true},
		{"", false},
		{"key-1", false},
		{"3fa85f64-5717-4562-b3fc-2c963f66afa", false},    // 35 characters
		{"3fa85f64-5717-4562-b3fc-2c963f66afa6\n", false}, // trailing newline
		{" 3fa85f64-5717-4562-b3fc-2c963f66afa", false},   // leading space
		{"3fa85f6445717-4562-b3fc-2c963f66afa6", false},   // hex where a hyphen goes
		{"3fa85f64-5717-4562-b3fc-2c963f66afg6", false},   // g is not hex
		{"3fa85f64-5717-4562-b3fc2-c963f66afa6", false},   // hyphen moved
	}
	for _, tt := range tests {
		if got := glapi.IsUUID(tt.s); got != tt.want {
			t.Errorf("IsUUID(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
