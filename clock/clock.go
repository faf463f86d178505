// Package clock is the one source of time for everything in glrun that waits:
// job polling, retry backoff, sleep() in runbooks and the simulator's job life
// cycles. Live runs use Real; tests and replays use Virtual, on which waiting
// takes no wall time.
package clock

import (
	"context"
	"sync"
	"time"
)

// Clock tells the time and waits.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits for d or until ctx is done, whichever comes first. It
	// returns ctx.Err() when the wait was cut short by ctx.
	Sleep(ctx context.Context, d time.Duration) error
}

// Real is the wall clock.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// Sleep waits on a timer, returning early with ctx.Err() when ctx is done.
func (Real) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Virtual is a clock whose time moves only when someone sleeps on it or
// calls Advance. Sleeping returns at once, having moved the time forward, so
// a run that waits thirty simulated minutes finishes in microseconds. It is
// safe for concurrent use.
type Virtual struct {
	mu  sync.Mutex
	now time.Time
}

// NewVirtual returns a virtual clock that starts at start.
func NewVirtual(start time.Time) *Virtual { return &Virtual{now: start} }

// Now returns the virtual time.
func (v *Virtual) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

// Sleep advances the virtual time by d and returns at once. A done ctx is
// reported as on the real clock, and the time does not move.
func (v *Virtual) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v.Advance(d)
	return nil
}

// Advance moves the virtual time forward by d (never backwards).
func (v *Virtual) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	v.mu.Lock()
	v.now = v.now.Add(d)
	v.mu.Unlock()
}

// Scaled is a wall clock on which time runs Factor times faster than real
// time from Origin on: one real second is Factor simulated seconds. The
// simulator uses it for --time-scale, so a firmware update that takes twenty
// simulated minutes completes in twenty real seconds at Factor 60.
type Scaled struct {
	Origin time.Time
	Factor float64
}

// NewScaled returns a clock running factor times faster than the wall clock,
// starting from the current wall time. A factor <= 0 counts as 1.
func NewScaled(factor float64) Scaled {
	if factor <= 0 {
		factor = 1
	}
	return Scaled{Origin: time.Now(), Factor: factor}
}

// Now returns Origin plus the real time elapsed since Origin, times Factor.
func (s Scaled) Now() time.Time {
	elapsed := time.Since(s.Origin)
	return s.Origin.Add(time.Duration(float64(elapsed) * s.Factor))
}

// Sleep waits d of scaled time, that is d/Factor of real time.
func (s Scaled) Sleep(ctx context.Context, d time.Duration) error {
	return Real{}.Sleep(ctx, time.Duration(float64(d)/s.Factor))
}
