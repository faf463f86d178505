package builtins

import "time"

// Wait defaults, shown in the builtins' documentation and error messages.
const (
	// DefaultWaitTimeout is how long a wait lasts when timeout= is not given.
	DefaultWaitTimeout = 30 * time.Minute
	// DefaultWaitPoll is the first polling interval when poll= is not given.
	DefaultWaitPoll = 5 * time.Second
	// maxPollCap bounds the polling interval's growth, unless poll= itself
	// is longer.
	maxPollCap = 60 * time.Second
)

// backoff yields polling intervals: it starts at poll and grows by half at
// every step up to a cap of four times poll, at most a minute (but never
// below poll itself).
type backoff struct {
	next, cap time.Duration
}

func newBackoff(poll time.Duration) *backoff {
	limit := min(4*poll, maxPollCap)
	return &backoff{next: poll, cap: max(limit, poll)}
}

// interval returns the next interval to wait, never past remaining.
func (b *backoff) interval(remaining time.Duration) time.Duration {
	d := min(b.next, remaining)
	b.next = min(b.next+b.next/2, b.cap)
	return d
}
