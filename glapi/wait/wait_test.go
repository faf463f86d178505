package wait

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/wait/waittest"
)

var testEpoch = time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC)

// scriptedKind is a job Kind whose jobs move through states at fixed
// offsets from the start of the virtual clock, and which records when it
// was polled.
type scriptedKind struct {
	clk      *clock.Virtual
	script   map[string][]step // id -> states by time
	polls    []time.Duration   // offsets of every fetch
	onFetch  func(n int)       // called with the fetch number (1-based)
	perFetch []int             // number of items asked for at each fetch
}

// step is a job's state from an offset on.
type step = waittest.Step

func (s *scriptedKind) kind() Kind {
	return Kind{
		Finished: JobFinished, Label: JobLabel, State: JobState,
		Fetch: func(ctx context.Context, pending []glapi.Object) ([]glapi.Object, error) {
			s.polls = append(s.polls, s.clk.Now().Sub(testEpoch))
			s.perFetch = append(s.perFetch, len(pending))
			if s.onFetch != nil {
				s.onFetch(len(s.polls))
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			out := make([]glapi.Object, len(pending))
			for i, p := range pending {
				out[i] = waittest.Job(p.ID(), s.script[p.ID()], s.clk.Now().Sub(testEpoch))
			}
			return out, nil
		},
	}
}

func ids(ids ...string) []glapi.Object {
	out := make([]glapi.Object, len(ids))
	for i, id := range ids {
		out[i] = glapi.Object{"id": id}
	}
	return out
}

func TestWaitForPollsWithBackoffUntilFinished(t *testing.T) {
	clk := clock.NewVirtual(testEpoch)
	sk := &scriptedKind{clk: clk, script: map[string][]step{
		"j1": {{At: 0, State: "PENDING", Extra: nil}, {At: 10 * time.Second, State: "RUNNING", Extra: nil}, {At: 50 * time.Second, State: "COMPLETE", Extra: glapi.Object{"resultCode": "SUCCESS"}}},
	}}
	got, err := For(context.Background(), sk.kind(), ids("j1"), Options{What: "compute.jobs.wait", Timeout: time.Hour, Poll: 5 * time.Second, Clock: clk})
	if err != nil {
		t.Fatalf("waitFor: %v", err)
	}
	if got[0].String("state") != "COMPLETE" {
		t.Errorf("final state = %q, want COMPLETE", got[0].String("state"))
	}
	// 5s, then x1.5 per poll, capped at 4x poll = 20s.
	want := []time.Duration{0, 5 * time.Second, 12500 * time.Millisecond, 23750 * time.Millisecond, 40625 * time.Millisecond, 60625 * time.Millisecond}
	if diff := cmp.Diff(want, sk.polls); diff != "" {
		t.Errorf("poll times (-want +got):\n%s", diff)
	}
}

func TestWaitForTimeoutNamesPendingAndNeverPollsPastDeadline(t *testing.T) {
	clk := clock.NewVirtual(testEpoch)
	sk := &scriptedKind{clk: clk, script: map[string][]step{
		"done-1":    {{At: 0, State: "RUNNING", Extra: nil}, {At: 20 * time.Second, State: "COMPLETE", Extra: nil}},
		"stuck-2":   {{At: 0, State: "APPROVAL_PENDING", Extra: nil}},
		"stalled-3": {{At: 0, State: "RUNNING", Extra: nil}, {At: 30 * time.Second, State: "STALLED", Extra: nil}},
	}}
	_, err := For(context.Background(), sk.kind(), ids("done-1", "stuck-2", "stalled-3"),
		Options{What: "compute.jobs.wait_all", Timeout: 2 * time.Minute, Poll: 10 * time.Second, Clock: clk})
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *TimeoutError", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is(err, context.DeadlineExceeded) = false")
	}
	if te.Timeout != 2*time.Minute || te.What != "compute.jobs.wait_all" {
		t.Errorf("timeout error = %+v", te)
	}
	if len(te.Pending) != 2 {
		t.Fatalf("Pending = %q, want the 2 unfinished jobs", te.Pending)
	}
	msg := err.Error()
	for _, want := range []string{"stuck-2", "APPROVAL_PENDING (awaiting approval in GreenLake)", "stalled-3", "STALLED", "Server Restart", "P06760-B21+2M212504P8", "2m0s"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not mention %q", msg, want)
		}
	}
	if strings.Contains(msg, "done-1") {
		t.Errorf("message %q names a finished job", msg)
	}
	if last := sk.polls[len(sk.polls)-1]; last != 2*time.Minute {
		t.Errorf("last poll at %s, want exactly at the 2m deadline", last)
	}
	if elapsed := clk.Now().Sub(testEpoch); elapsed != 2*time.Minute {
		t.Errorf("wait took %s of clock time, want 2m", elapsed)
	}
	// Only unfinished jobs are polled once done-1 completed.
	if n := sk.perFetch[len(sk.perFetch)-1]; n != 2 {
		t.Errorf("last poll asked for %d jobs, want 2", n)
	}
}

func TestWaitForStopsAtOnceOnCancel(t *testing.T) {
	clk := clock.NewVirtual(testEpoch)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sk := &scriptedKind{clk: clk, script: map[string][]step{"j1": {{At: 0, State: "RUNNING", Extra: nil}}}}
	sk.onFetch = func(n int) {
		if n == 3 {
			cancel()
		}
	}
	_, err := For(ctx, sk.kind(), ids("j1"), Options{What: "compute.jobs.wait", Timeout: time.Hour, Poll: 5 * time.Second, Clock: clk})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	var te *TimeoutError
	if errors.As(err, &te) {
		t.Errorf("a cancel is not a timeout: %v", err)
	}
	if !strings.Contains(err.Error(), "j1") {
		t.Errorf("error %q does not name the pending job", err)
	}
	if len(sk.polls) != 3 {
		t.Errorf("polled %d times, want 3 (no poll after cancel)", len(sk.polls))
	}
}

func TestWaitForAlreadyFinishedSendsNothing(t *testing.T) {
	clk := clock.NewVirtual(testEpoch)
	sk := &scriptedKind{clk: clk}
	done := glapi.Object{"id": "j1", "state": "COMPLETE"}
	got, err := For(context.Background(), sk.kind(), []glapi.Object{done}, Options{What: "w", Timeout: time.Minute, Poll: time.Second, Clock: clk})
	if err != nil || got[0].String("state") != "COMPLETE" {
		t.Fatalf("got %v, %v", got, err)
	}
	if len(sk.polls) != 0 {
		t.Errorf("polled %d times for a finished job", len(sk.polls))
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		poll      time.Duration
		remaining time.Duration
		want      []time.Duration
	}{
		{5 * time.Second, time.Hour, []time.Duration{5e9, 7.5e9, 11.25e9, 16.875e9, 20e9, 20e9}},
		{30 * time.Second, time.Hour, []time.Duration{30e9, 45e9, 60e9, 60e9}},
		{2 * time.Minute, time.Hour, []time.Duration{120e9, 120e9}},
		{10 * time.Second, 3 * time.Second, []time.Duration{3e9, 3e9}},
	}
	for _, tt := range tests {
		b := NewBackoff(tt.poll)
		var got []time.Duration
		for range tt.want {
			got = append(got, b.Interval(tt.remaining))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("poll %s (-want +got):\n%s", tt.poll, diff)
		}
	}
}

func TestBatchIDs(t *testing.T) {
	uuid := "2500759c-b7dd-4c68-ab7e-6b644bcf4b9c" // 36 chars, 40 with quoting
	many := make([]string, 400)
	for i := range many {
		many[i] = uuid
	}
	tests := []struct {
		name   string
		ids    []string
		maxLen int
		sizes  []int
	}{
		{"none", nil, 100, nil},
		{"one batch", []string{"a", "b", "c"}, 100, []int{3}},
		{"uuids split by length", many, maxIDFilterLen, []int{150, 150, 100}},
		{"an id longer than the limit still goes alone", []string{strings.Repeat("x", 50), "y"}, 10, []int{1, 1}},
	}
	for _, tt := range tests {
		var sizes []int
		for _, b := range batchIDs(tt.ids, tt.maxLen) {
			sizes = append(sizes, len(b))
		}
		if diff := cmp.Diff(tt.sizes, sizes); diff != "" {
			t.Errorf("%s: batch sizes (-want +got):\n%s", tt.name, diff)
		}
	}
}
