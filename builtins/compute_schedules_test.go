package builtins

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"glrun/glapi"
	"glrun/plan"
)

// rfc is t in RFC 3339, as a runbook would write it.
func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// TestSchedulesCreateIsIdempotentByDefault: the same creation sent twice
// (a retried run) makes one schedule, through the derived Idempotency-Key;
// an explicit key is sent as given; the schedule fires and has history.
func TestSchedulesCreateIsIdempotentByDefault(t *testing.T) {
	f := newSimFixture(t, nil)
	sid := f.serverID(t, "prod-web-01")
	src := fmt.Sprintf(`result = compute.schedules.create("weekly restart", "restart", "%s", "%s", interval = "168h")`,
		sid, rfc(testEpoch.Add(time.Hour)))
	a := f.mustRun(t, src)
	b := f.mustRun(t, src)
	if field(t, a, "id") != field(t, b, "id") {
		t.Errorf("the same creation twice made two schedules: %s, %s", field(t, a, "id"), field(t, b, "id"))
	}
	if got := field(t, a, "schedule.interval"); got != "P7D" {
		t.Errorf("interval sent as %q, want P7D", got)
	}
	c := f.mustRun(t, fmt.Sprintf(`result = compute.schedules.create("weekly restart", "restart", "%s", "%s", interval = "P7D",
    idempotency_key = "%s")`, sid, rfc(testEpoch.Add(time.Hour)), glapi.IdempotencyKeyFor("other")))
	if field(t, c, "id") == field(t, a, "id") {
		t.Errorf("another key returned the first schedule")
	}
	if n := len(f.requests(http.MethodPost, glapi.CollectionSchedules)); n != 3 {
		t.Errorf("schedule creations sent: %d, want 3", n)
	}
	f.clk.Advance(2 * time.Hour)
	hist := f.mustRun(t, fmt.Sprintf(`
result = compute.schedules.history("%s")
compute.schedules.update("%s", name = "restart on Sundays")
compute.schedules.delete("%s")`, field(t, a, "id"), field(t, c, "id"), field(t, c, "id")))
	if fmt.Sprint(hist) == "[]" {
		t.Errorf("no history after the start time")
	}
}

// TestBadSchedulesSendNothing: a start in the past or more than a year
// ahead, an interval out of bounds: a clear error, no request.
func TestBadSchedulesSendNothing(t *testing.T) {
	f := newSimFixture(t, nil)
	sid := f.serverID(t, "prod-web-01")
	cases := []struct {
		start    time.Time
		interval string
		want     string
	}{
		{testEpoch.Add(-time.Minute), "None", "schedule.startAt: 2025-03-01T02:59:00Z is not in the future"},
		{testEpoch.AddDate(1, 0, 1), "None", "is more than a year ahead"},
		{testEpoch.Add(time.Hour), `"10m"`, "schedule.interval: PT10M is out of bounds: want more than PT15M and less than P1Y"},
		{testEpoch.Add(time.Hour), `"P2Y"`, "schedule.interval: P2Y is out of bounds"},
	}
	for _, c := range cases {
		_, err := f.run(t, fmt.Sprintf(`compute.schedules.create("s", "restart", "%s", "%s", interval = %s)`, sid, rfc(c.start), c.interval))
		wantErr(t, err, "compute.schedules.create", c.want)
	}
	if n := len(f.requests(http.MethodPost, glapi.CollectionSchedules)); n != 0 {
		t.Errorf("bad schedules sent %d creations", n)
	}
}

// TestScheduleCreateInADryRunIsPlanned: nothing is sent; the planned
// schedule reads like one (type, nextStartAt, resourceUri).
func TestScheduleCreateInADryRunIsPlanned(t *testing.T) {
	dry := plan.NewDryRun(nil)
	f := newSimFixture(t, dry)
	start := rfc(testEpoch.Add(time.Hour))
	v := f.mustRun(t, fmt.Sprintf(`result = compute.schedules.create("s", "restart", "%s", "%s")`, f.serverID(t, "prod-web-01"), start))
	if field(t, v, "type") != glapi.TypeSchedule || field(t, v, "resourceUri") == "" {
		t.Errorf("planned schedule: %v", v)
	}
	if got, _ := time.Parse(time.RFC3339Nano, field(t, v, "nextStartAt")); !got.Equal(testEpoch.Add(time.Hour)) {
		t.Errorf("planned nextStartAt %s, want %s", field(t, v, "nextStartAt"), start)
	}
	if n := len(f.requests(http.MethodPost, glapi.CollectionSchedules)); n != 0 {
		t.Errorf("a dry run sent %d schedule creations", n)
	}
	if m := dry.Mutations(); len(m) != 1 || m[0].Method != http.MethodPost {
		t.Errorf("planned mutations: %v", m)
	}
}
