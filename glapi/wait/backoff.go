package wait

import "time"

// Defaults of the runbook builtins' timeout= and poll=, shown in their
// documentation and error messages.
const (
	// DefaultTimeout is how long a wait lasts when timeout= is not given.
	DefaultTimeout = 30 * time.Minute
	// DefaultPoll is the first polling interval when poll= is not given.
	DefaultPoll = 5 * time.Second
	// maxPollCap bounds the polling interval's growth, unless the first
	// interval itself is longer.
	maxPollCap = 60 * time.Second
)

// Backoff yields polling intervals: it starts at poll and grows by half at
// every step up to a cap of four times poll, at most a minute (but never
// below poll itself).
type Backoff struct {
	first, next, cap time.Duration
}

// NewBackoff returns a Backoff starting at poll.
func NewBackoff(poll time.Duration) *Backoff {
	limit := min(4*poll, maxPollCap)
	return &Backoff{first: poll, next: poll, cap: max(limit, poll)}
}

// Restart makes the next interval the first one again, from which it grows
// as before.
func (b *Backoff) Restart() { b.next = b.first }

// Interval returns the next interval to wait, never past remaining.
func (b *Backoff) Interval(remaining time.Duration) time.Duration {
	d := min(b.next, remaining)
	b.next = min(b.next+b.next/2, b.cap)
	return d
}
