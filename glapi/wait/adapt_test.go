package wait

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"glrun/clock"
	"glrun/glapi"
)

const restartTemplate = "30110551-cad6-4069-95b8-dbce9bbd8525"

// timedJob is a job of timedKind: created at created (server time, as an
// offset from testEpoch) and finished at end, in state until then.
type timedJob struct {
	created, end time.Duration
	state        string // before the end; RUNNING when ""
}

// timedKind is a job Kind whose records carry createdAt and, once
// finished, updatedAt, as the jobs API's do; it records when it was polled.
type timedKind struct {
	clk   *clock.Virtual
	jobs  map[string]timedJob
	polls []time.Duration
}

func (k *timedKind) kind() Kind {
	return Kind{Finished: JobFinished, Label: JobLabel, State: JobState, Timing: JobTiming,
		Fetch: func(ctx context.Context, pending []glapi.Object) ([]glapi.Object, error) {
			now := k.clk.Now().Sub(testEpoch)
			k.polls = append(k.polls, now)
			out := make([]glapi.Object, len(pending))
			for i, p := range pending {
				j := k.jobs[p.ID()]
				obj := glapi.Object{"id": p.ID(), "jobTemplate": restartTemplate,
					"createdAt": testEpoch.Add(j.created).Format(time.RFC3339Nano), "state": j.state}
				if j.state == "" {
					obj["state"] = glapi.JobRunning
				}
				if now >= j.end {
					obj["state"], obj["resultCode"] = glapi.JobComplete, glapi.ResultSuccess
					obj["updatedAt"] = testEpoch.Add(j.end).Format(time.RFC3339Nano)
				}
				out[i] = obj
			}
			return out, nil
		}}
}

// secs is a list of offsets in seconds.
func secs(s ...float64) []time.Duration {
	out := make([]time.Duration, len(s))
	for i, v := range s {
		out[i] = time.Duration(v * float64(time.Second))
	}
	return out
}

func TestWaitForPollsAroundTheExpectedEnd(t *testing.T) {
	// The plain schedule of a 5s poll: 5s growing by half up to 20s.
	plain := secs(0, 5, 12.5, 23.75, 40.625, 60.625, 80.625, 100.625)
	tests := []struct {
		name     string
		observed []time.Duration // earlier durations of the template; nil: no Durations at all
		job      timedJob
		want     []time.Duration
	}{
		{"no Durations: the backoff alone", nil,
			timedJob{created: 0, end: 93 * time.Second}, plain},
		{"nothing observed yet: the backoff alone", []time.Duration{},
			timedJob{created: 0, end: 93 * time.Second}, plain},
		{"an expected end inside the interval: poll just after it (93s + 2%)", secs(93),
			timedJob{created: 0, end: 93 * time.Second}, secs(0, 5, 12.5, 23.75, 40.625, 60.625, 80.625, 94.86)},
		{"the median of what was observed", secs(93, 20, 93, 600, 93),
			timedJob{created: 0, end: 93 * time.Second}, secs(0, 5, 12.5, 23.75, 40.625, 60.625, 80.625, 94.86)},
		{"never sooner than 1s after the last poll", secs(5.2),
			timedJob{created: 0, end: 5200 * time.Millisecond}, secs(0, 5, 6)},
		{"later than expected: the backoff restarts from poll after the expected end", secs(30),
			timedJob{created: 0, end: 70 * time.Second}, secs(0, 5, 12.5, 23.75, 30.6, 35.6, 43.1, 54.35, 71.225)},
		{"created an hour in the future (skewed or time-scaled server): the backoff alone", secs(93),
			timedJob{created: time.Hour, end: 93 * time.Second}, plain},
		{"created a day ago, expected end long past: the backoff alone", secs(93),
			timedJob{created: -24 * time.Hour, end: 93 * time.Second}, plain},
		{"awaiting approval: its expected end means nothing", secs(30),
			timedJob{created: 0, end: 93 * time.Second, state: glapi.JobApprovalPending}, plain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clock.NewVirtual(testEpoch)
			k := &timedKind{clk: clk, jobs: map[string]timedJob{"j1": tt.job}}
			opts := Options{What: "w", Timeout: time.Hour, Poll: 5 * time.Second, Clock: clk}
			if tt.observed != nil {
				opts.Durations = NewDurations()
				for _, d := range tt.observed {
					opts.Durations.Observe(restartTemplate, d)
				}
			}
			got, err := For(context.Background(), k.kind(), ids("j1"), opts)
			if err != nil {
				t.Fatal(err)
			}
			if !JobFinished(got[0]) {
				t.Fatalf("job not finished: %v", got[0])
			}
			if diff := cmp.Diff(tt.want, k.polls); diff != "" {
				t.Errorf("poll times (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWaitForLearnsFromTheJobsItSeesFinish(t *testing.T) {
	clk := clock.NewVirtual(testEpoch)
	k := &timedKind{clk: clk, jobs: map[string]timedJob{
		"first":  {created: 0, end: 93 * time.Second},
		"second": {created: 200 * time.Second, end: 293 * time.Second},
	}}
	durations := NewDurations()
	opts := Options{What: "w", Timeout: time.Hour, Poll: 5 * time.Second, Clock: clk, Durations: durations}
	if _, err := For(context.Background(), k.kind(), ids("first"), opts); err != nil {
		t.Fatal(err)
	}
	if exp, n := durations.Expected(restartTemplate); exp != 93*time.Second || n != 1 {
		t.Fatalf("Expected after the first wait = %s, %d; want 93s, 1", exp, n)
	}
	clk.Advance(200*time.Second - clk.Now().Sub(testEpoch))
	k.polls = nil
	if _, err := For(context.Background(), k.kind(), ids("second"), opts); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(secs(200, 205, 212.5, 223.75, 240.625, 260.625, 280.625, 294.86), k.polls); diff != "" {
		t.Errorf("second wait's poll times (-want +got):\n%s", diff)
	}
}

func TestWaitForAdaptsWithinTheDeadline(t *testing.T) {
	clk := clock.NewVirtual(testEpoch)
	k := &timedKind{clk: clk, jobs: map[string]timedJob{"j1": {created: 0, end: time.Hour}}}
	durations := NewDurations()
	durations.Observe(restartTemplate, 42*time.Second)
	_, err := For(context.Background(), k.kind(), ids("j1"),
		Options{What: "w", Timeout: 45 * time.Second, Poll: 5 * time.Second, Clock: clk, Durations: durations})
	if _, ok := err.(*TimeoutError); !ok {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if diff := cmp.Diff(secs(0, 5, 12.5, 23.75, 40.625, 42.84, 45), k.polls); diff != "" {
		t.Errorf("poll times (-want +got):\n%s", diff)
	}
}

func TestDurationsExpected(t *testing.T) {
	window := make([]time.Duration, 0, 70)
	for range 6 {
		window = append(window, time.Hour)
	}
	for range 64 {
		window = append(window, 10*time.Second)
	}
	tests := []struct {
		name    string
		observe []time.Duration
		want    time.Duration
		wantN   int
	}{
		{"none", nil, 0, 0},
		{"one", secs(93), 93 * time.Second, 1},
		{"odd count: the middle one", secs(30, 93, 90), 90 * time.Second, 3},
		{"even count: between the middle two", secs(10, 20, 30, 1000), 25 * time.Second, 4},
		{"nonsense ignored", []time.Duration{0, -time.Second, 8 * 24 * time.Hour, 40 * time.Second}, 40 * time.Second, 1},
		{"only the latest 64 count", window, 10 * time.Second, 64},
	}
	for _, tt := range tests {
		d := NewDurations()
		for _, o := range tt.observe {
			d.Observe("t", o)
		}
		d.Observe("", time.Minute) // no template: ignored
		got, n := d.Expected("t")
		if got != tt.want || n != tt.wantN {
			t.Errorf("%s: Expected = %s, %d; want %s, %d", tt.name, got, n, tt.want, tt.wantN)
		}
	}
	var none *Durations
	none.Observe("t", time.Second)
	if got, n := none.Expected("t"); got != 0 || n != 0 {
		t.Errorf("nil Durations: Expected = %s, %d", got, n)
	}
}

func TestDurationsIsSafeForConcurrentWaits(t *testing.T) {
	d := NewDurations()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				d.Observe("t", time.Duration(w*200+i+1)*time.Millisecond)
				d.Expected("t")
			}
		}()
	}
	wg.Wait()
	if _, n := d.Expected("t"); n != durationWindow {
		t.Errorf("kept %d observations, want %d", n, durationWindow)
	}
}

func TestJobTiming(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		job  glapi.Object
		want Timing
	}{
		{"running: started at createdAt",
			glapi.Object{"jobTemplate": "t", "state": "RUNNING", "createdAt": "2025-03-01T03:00:00.000Z", "updatedAt": "2025-03-01T03:00:03.000Z"},
			Timing{Key: "t", Start: at("2025-03-01T03:00:00Z"), Running: true}},
		{"startedAt wins over createdAt",
			glapi.Object{"jobTemplate": "t", "state": "PENDING", "createdAt": "2025-03-01T03:00:00Z", "startedAt": "2025-03-01T03:10:00Z"},
			Timing{Key: "t", Start: at("2025-03-01T03:10:00Z"), Running: true}},
		{"finished: ended at updatedAt",
			glapi.Object{"jobTemplate": "t", "state": "COMPLETE", "createdAt": "2025-03-01T03:00:00Z", "updatedAt": "2025-03-01T03:01:33.000Z"},
			Timing{Key: "t", Start: at("2025-03-01T03:00:00Z"), End: at("2025-03-01T03:01:33Z")}},
		{"unparsable times: none",
			glapi.Object{"jobTemplate": "t", "state": "ERROR", "createdAt": "yesterday", "updatedAt": 12},
			Timing{Key: "t"}},
		{"awaiting approval: not running",
			glapi.Object{"jobTemplate": "t", "state": "APPROVAL_PENDING", "createdAt": "2025-03-01T03:00:00Z"},
			Timing{Key: "t", Start: at("2025-03-01T03:00:00Z"), Held: true}},
		{"stalled: not running, held",
			glapi.Object{"jobTemplate": "t", "state": "STALLED", "createdAt": "2025-03-01T03:00:00Z"},
			Timing{Key: "t", Start: at("2025-03-01T03:00:00Z"), Held: true}},
		{"gone with deleteOnComplete: its end is unknown",
			glapi.Object{"jobTemplate": "t", "state": "COMPLETE", "status": deletedOnCompleteStatus,
				"createdAt": "2025-03-01T03:00:00Z", "updatedAt": "2025-03-01T03:00:03Z"},
			Timing{Key: "t", Start: at("2025-03-01T03:00:00Z")}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, JobTiming(tt.job)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestWaitForPollsAfterEachJobsExpectedEnd(t *testing.T) {
	clk := clock.NewVirtual(testEpoch)
	k := &timedKind{clk: clk, jobs: map[string]timedJob{
		"a": {created: 0, end: 30 * time.Second},
		"b": {created: 10 * time.Second, end: 40 * time.Second},
	}}
	durations := NewDurations()
	durations.Observe(restartTemplate, 30*time.Second)
	if _, err := For(context.Background(), k.kind(), ids("a", "b"),
		Options{What: "w", Timeout: time.Hour, Poll: 5 * time.Second, Clock: clk, Durations: durations}); err != nil {
		t.Fatal(err)
	}
	// a is expected at 30.6s, b at 40.6s; the backoff alone would poll at
	// 40.625 and 60.625.
	if diff := cmp.Diff(secs(0, 5, 12.5, 23.75, 30.6, 40.6), k.polls); diff != "" {
		t.Errorf("poll times (-want +got):\n%s", diff)
	}
}

func TestWaitForRecordsOnlyDurationsOfJobsNotHeldUp(t *testing.T) {
	tests := []struct {
		before string // the job's state until it ends at 93s
		want   int    // observations recorded
	}{
		{glapi.JobPending, 1},
		{glapi.JobRunning, 1},
		{glapi.JobApprovalPending, 0}, // the wait for the approval is no restart's duration
		{glapi.JobStalled, 0},
	}
	for _, tt := range tests {
		clk := clock.NewVirtual(testEpoch)
		k := &timedKind{clk: clk, jobs: map[string]timedJob{"j1": {created: 0, end: 93 * time.Second, state: tt.before}}}
		durations := NewDurations()
		if _, err := For(context.Background(), k.kind(), ids("j1"),
			Options{What: "w", Timeout: time.Hour, Poll: 5 * time.Second, Clock: clk, Durations: durations}); err != nil {
			t.Fatal(err)
		}
		if _, n := durations.Expected(restartTemplate); n != tt.want {
			t.Errorf("a job %s until it ended: %d durations recorded, want %d", tt.before, n, tt.want)
		}
	}
}

func TestBackoffRestart(t *testing.T) {
	b := NewBackoff(5 * time.Second)
	var got []time.Duration
	for range 3 {
		got = append(got, b.Interval(time.Hour))
	}
	b.Restart()
	for range 3 {
		got = append(got, b.Interval(time.Hour))
	}
	if diff := cmp.Diff(secs(5, 7.5, 11.25, 5, 7.5, 11.25), got); diff != "" {
		t.Errorf("intervals around a restart (-want +got):\n%s", diff)
	}
}
