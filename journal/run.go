package journal

import (
	"context"
	"errors"
	"fmt"
	"time"

	"glrun/clock"
	"glrun/glapi"
)

// Run is a journalled run in progress: it holds the run's lock until
// Finish.
type Run struct {
	store  Store
	meta   Meta
	unlock func() error
	w      *writer
	clock  clock.Clock
	warn   []string
}

// Start creates a new run of m and locks it. m.Params are given as typed
// (Start seals the secret ones, see SealParams); m.ID, when empty, is
// NewID of the clock's time; m.Started is the clock's time. clk is the
// run's clock, which stamps its records.
func Start(s Store, m Meta, clk clock.Clock) (*Run, error) {
	now := clk.Now()
	if m.ID == "" {
		m.ID = NewID(now)
	}
	m.Started = now.UTC()
	m.State = Running
	m.Params = SealParams(m.ID, m.Params)
	if m.Clock == "" {
		m.Clock = clockName(clk)
	}
	if m.Files == nil {
		m.Files = map[string]string{}
	}
	if err := s.Create(m); err != nil {
		return nil, err
	}
	unlock, err := s.Lock(m.ID)
	if err != nil {
		return nil, err
	}
	return &Run{store: s, meta: m, unlock: unlock, clock: clk,
		w: &writer{store: s, run: m.ID, clock: clk}}, nil
}

// ID returns the run's id.
func (r *Run) ID() string { return r.meta.ID }

// Meta returns the run's meta as of its start or resume.
func (r *Run) Meta() Meta { return r.meta }

// Warnings returns what resuming found worth telling (a torn last line set
// aside, failures at the end of the journal to be asked again).
func (r *Run) Warnings() []string { return append([]string(nil), r.warn...) }

// ScrubWith makes the run scrub, by value, the secrets s knows (pass the
// Scrubber given to the client's glapi.Config) from every record, on top
// of the redaction by field. Call it before the run's first request.
func (r *Run) ScrubWith(s *glapi.Scrubber) { r.w.scrub = s }

// Recorder returns the glapi.Mode that journals the run's calls and sends
// them through next (nil: glapi.Live).
func (r *Run) Recorder(next glapi.Mode) *Recorder {
	if next == nil {
		next = glapi.Live{}
	}
	return &Recorder{next: next, w: r.w}
}

// Finish writes how the run ended, from the runbook's error: nil is
// finished, a cancelled context or an exceeded deadline interrupted,
// anything else failed; then it releases the lock. The run must not be used
// after.
func (r *Run) Finish(runErr error) error {
	m := r.meta
	switch {
	case runErr == nil:
		m.State, m.Error = Finished, ""
	case errors.Is(runErr, context.Canceled) || errors.Is(runErr, context.DeadlineExceeded):
		m.State, m.Error = Interrupted, r.w.message(runErr)
	default:
		m.State, m.Error = Failed, r.w.message(runErr)
	}
	m.Ended = r.clock.Now().UTC()
	err := r.store.SetMeta(m)
	if uerr := r.unlock(); err == nil {
		err = uerr
	}
	if err != nil {
		return fmt.Errorf("journal: finishing run %s: %w", m.ID, err)
	}
	return nil
}

// FinishedError is a resume of a run that finished: there is nothing to
// do, and nothing was done.
type FinishedError struct {
	Run   string
	Ended time.Time
}

// Error says so.
func (e *FinishedError) Error() string {
	return fmt.Sprintf("run %s finished at %s; there is nothing to resume", e.Run, e.Ended.Format(time.RFC3339))
}

// Resume opens run id to run it again from the start. now is the Meta the
// run would have if started now (Command, Runbook, Files hashed again,
// Params as typed, Target resolved again); live is the clock of the live
// part. It refuses, without sending anything,
//
//   - a run in use by another process: ErrLocked;
//   - a finished run: *FinishedError;
//   - a run whose files, parameters or target changed: *ChangedError;
//   - a corrupt journal: *CorruptError (a torn last line is set aside with
//     a warning, see Run.Warnings).
//
// The returned Resumer is the run's glapi.Mode, sending through next (nil:
// glapi.Live) once live, and its Clock the run's clock.
func Resume(s Store, id string, now Meta, live clock.Clock, next glapi.Mode) (*Run, *Resumer, error) {
	unlock, err := s.Lock(id)
	if err != nil {
		return nil, nil, err
	}
	run, res, err := resume(s, id, now, live, next, unlock)
	if err != nil {
		_ = unlock()
		return nil, nil, err
	}
	return run, res, nil
}

func resume(s Store, id string, now Meta, live clock.Clock, next glapi.Mode, unlock func() error) (*Run, *Resumer, error) {
	m, err := s.Meta(id)
	if err != nil {
		return nil, nil, err
	}
	if m.State == Finished {
		return nil, nil, &FinishedError{Run: id, Ended: m.Ended}
	}
	now.Params = SealParams(id, now.Params)
	if err := Compare(m, now); err != nil {
		return nil, nil, err
	}
	j, err := s.Read(id)
	if err != nil {
		return nil, nil, err
	}
	var warn []string
	if j.Torn != nil {
		if err := s.DropTorn(id, j.Torn); err != nil {
			return nil, nil, err
		}
		warn = append(warn, fmt.Sprintf("journal of run %s: %s", id, j.Torn))
	}
	clk := &resumeClock{live: live, now: m.Started}
	w := &writer{store: s, run: id, clock: clk}
	if n := len(j.Records); n > 0 {
		w.seq = j.Records[n-1].Seq
	}
	run := &Run{store: s, meta: m, unlock: unlock, w: w, clock: clk}
	res, voids := newResumer(id, j.Records, clk, run.Recorder(next))
	for _, v := range voids {
		if _, err := w.append(Record{Kind: KindVoid, Of: v.Seq}); err != nil {
			return nil, nil, err
		}
		warn = append(warn, fmt.Sprintf("journal record %d, %s (%s): %s", v.Seq, v.what(), v.outcome(), v.why))
	}
	m.State, m.Error, m.Ended = Running, "", time.Time{}
	m.Resumes++
	if err := s.SetMeta(m); err != nil {
		return nil, nil, err
	}
	run.meta = m
	run.warn = warn
	return run, res, nil
}

// Latest returns the newest run that can be resumed: not finished and not
// in use. None is ErrNoRun.
func Latest(s Store) (Meta, error) {
	runs, err := s.List()
	if err != nil {
		return Meta{}, err
	}
	for _, m := range runs {
		if m.State == "" {
			continue // unreadable
		}
		switch Status(s, m) {
		case Finished, Running:
			continue
		}
		return m, nil
	}
	return Meta{}, fmt.Errorf("journal: no run to resume: %w", ErrNoRun)
}

// clockName says what kind of clock clk is, for Meta.Clock.
func clockName(clk clock.Clock) string {
	switch clk.(type) {
	case clock.Real:
		return "real"
	case *clock.Virtual:
		return "virtual"
	case clock.Scaled:
		return "scaled"
	}
	return fmt.Sprintf("%T", clk)
}
