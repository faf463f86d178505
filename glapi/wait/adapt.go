package wait

import (
	"time"

	"glrun/glapi"
)

// How a wait polls around expected ends (see adapter).
const (
	// MinAdaptiveSleep is the shortest sleep between two polls of a wait
	// that adapting to an expected end may choose: however many jobs are
	// about to end, one wait polls at most once a second because of them.
	// (The backoff itself never polls more often than its first interval.)
	MinAdaptiveSleep = time.Second
	// minEndMargin is the least time after an expected end that a wait
	// polls, for timestamps rounded to the millisecond and a server that
	// records the end a little after the fact.
	minEndMargin = 500 * time.Millisecond
	// endMarginDivisor makes the margin after an expected end 2% of the
	// expected duration (when that is more than minEndMargin). The margin
	// is small because the jobs that run longer than expected are caught by
	// the backoff restarting from the first interval once the expected end
	// has passed; a larger margin only delays noticing the jobs on time.
	endMarginDivisor = 50
	// maxClockSkew is how far in the client's future a job's start may
	// lie and still be used: beyond that the server's clock is skewed or
	// runs at another speed (a time-scaled simulator), and the wait ignores
	// the job's timing rather than trust it.
	maxClockSkew = time.Minute
)

// deletedOnCompleteStatus is the status of a job record made up for a
// job created with deleteOnComplete that is gone (see getJob); its
// updatedAt is when it was last seen, not when it ended.
const deletedOnCompleteStatus = "deleted on completion (deleteOnComplete)"

// Timing is what an item's record says about how long it runs, read from
// the server's own timestamps.
type Timing struct {
	// Key groups the items that take about as long: a job's template id.
	// "" means the record says nothing usable.
	Key string
	// Start is when the item started; zero when the record does not say.
	Start time.Time
	// End is when a finished item ended; zero while it runs, or when the
	// record does not say.
	End time.Time
	// Running is whether the item is on its way to finish by itself, so
	// that its expected end means something: false for a job held for an
	// approval or stalled.
	Running bool
	// Held is whether the item is held up (a job awaiting approval, or
	// stalled): when it finishes next, the time it was held is part of its
	// duration, which then says nothing of its template's.
	Held bool
}

// JobTiming reads a job's timing: its template, its start (startedAt when
// the record has it, else createdAt) and, once finished, its end
// (updatedAt, the time of its last change). A job is running while
// PENDING or RUNNING.
func JobTiming(job glapi.Object) Timing {
	t := Timing{Key: job.String("jobTemplate")}
	var ok bool
	if t.Start, ok = parseTime(job.String("startedAt")); !ok {
		t.Start, _ = parseTime(job.String("createdAt"))
	}
	st := job.String("state")
	t.Running = st == glapi.JobPending || st == glapi.JobRunning
	t.Held = st == glapi.JobApprovalPending || st == glapi.JobStalled
	if JobFinished(job) && job.String("status") != deletedOnCompleteStatus {
		t.End, _ = parseTime(job.String("updatedAt"))
	}
	return t
}

// parseTime parses an RFC 3339 timestamp.
func parseTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// adapter is one wait's use of the run's Durations: it records how long
// the items that finish took, and finds when the next expected end of a
// running item falls, so the wait polls just after it rather than a whole
// backoff interval later; once an expected end has passed with its item
// still pending, the backoff restarts from the first interval.
//
// Expected ends are on the client's clock: an item's start plus its key's
// expected duration, taking the server's and the client's clocks to agree.
// An item whose start lies more than maxClockSkew in the future, or whose
// expected end had already passed when the wait first looked, is not used,
// so a skewed or time-scaled server leaves the wait on its plain backoff.
type adapter struct {
	durations *Durations
	timing    func(glapi.Object) Timing
	// ahead holds the ids of items whose expected end was still ahead at a
	// poll: when it has passed and they are still pending, the backoff
	// restarts (once per item).
	ahead map[string]bool
}

// newAdapter returns the adapter of a wait, or nil when it cannot adapt
// (no Durations, or a Kind without Timing).
func newAdapter(kind Kind, opts Options) *adapter {
	if opts.Durations == nil || kind.Timing == nil {
		return nil
	}
	return &adapter{durations: opts.Durations, timing: kind.Timing, ahead: map[string]bool{}}
}

// observe records the durations of the items of fresh that are finished:
// the wait fetches only pending items, so those have just finished. before
// are their versions of the previous poll (or as given to the wait): one
// that was held up then is not recorded.
func (a *adapter) observe(kind Kind, before, fresh []glapi.Object) {
	if a == nil {
		return
	}
	for i, obj := range fresh {
		if !kind.Finished(obj) || (i < len(before) && a.timing(before[i]).Held) {
			continue
		}
		t := a.timing(obj)
		if t.Start.IsZero() || t.End.IsZero() {
			continue
		}
		a.durations.Observe(t.Key, t.End.Sub(t.Start))
	}
}

// plan looks at the pending items at now. restart is whether an expected
// end seen ahead before has passed with its item still pending; due, when
// ok, is the time from now until just after the nearest expected end
// still ahead (its margin included).
func (a *adapter) plan(pending []glapi.Object, now time.Time) (restart bool, due time.Duration, ok bool) {
	if a == nil {
		return false, 0, false
	}
	expected := map[string]time.Duration{}
	for _, obj := range pending {
		t := a.timing(obj)
		if !t.Running || t.Key == "" || t.Start.IsZero() {
			continue
		}
		exp, seen := expected[t.Key]
		if !seen {
			exp, _ = a.durations.Expected(t.Key)
			expected[t.Key] = exp
		}
		age := now.Sub(t.Start)
		if exp <= 0 || age < -maxClockSkew {
			continue
		}
		left := exp + max(exp/endMarginDivisor, minEndMargin) - age
		id := obj.ID()
		if left <= 0 {
			if a.ahead[id] {
				restart = true
				delete(a.ahead, id)
			}
			continue
		}
		a.ahead[id] = true
		if !ok || left < due {
			due, ok = left, true
		}
	}
	return restart, due, ok
}

// sleep returns the wait before the next poll: the backoff's interval, or
// less when an expected end comes first, but never less than
// MinAdaptiveSleep (unless the backoff's own interval is).
func (a *adapter) sleep(back *Backoff, pending []glapi.Object, now time.Time, remaining time.Duration) time.Duration {
	restart, due, ok := a.plan(pending, now)
	if restart {
		back.Restart()
	}
	d := back.Interval(remaining)
	if ok && due < d {
		d = min(d, max(due, MinAdaptiveSleep))
	}
	return d
}
