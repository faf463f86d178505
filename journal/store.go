package journal

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Store keeps runs: their Meta, their journals and their locks. FileStore
// is the default; docs/journal.md says how a team would put one on a
// shared database. Implementations must be safe for concurrent use.
type Store interface {
	// Create makes a new run for m (m.ID set, see NewID). It fails if the
	// run exists.
	Create(m Meta) error
	// Meta returns the run's Meta; a missing run is ErrNoRun.
	Meta(id string) (Meta, error)
	// SetMeta replaces the Meta of the existing run m.ID (to change its
	// state).
	SetMeta(m Meta) error
	// Append adds r at the end of the run's journal. When it returns nil,
	// r is durable: it survives a crash of the process and of the machine.
	Append(id string, r Record) error
	// Read returns the run's journal. A damaged last line is returned as
	// Journal.Torn; damage elsewhere is a *CorruptError.
	Read(id string) (Journal, error)
	// DropTorn removes the torn last line t of the run's journal (as Read
	// reported it), so that appends follow a whole line.
	DropTorn(id string, t *TornTail) error
	// List returns every run's Meta, newest first.
	List() ([]Meta, error)
	// Lock takes the run's exclusive lock, which one process at a time
	// holds while running or resuming it; a held lock is ErrLocked. The
	// lock ends with the returned function, or with the process.
	Lock(id string) (unlock func() error, err error)
	// Remove deletes the run.
	Remove(id string) error
}

// GroupStore is a Store whose appends can be made durable in groups: a run
// writing many records at once (changes sent in parallel) waits for one
// flush to the disk for all of them instead of one each. The Recorder uses
// it when the store offers it; FileStore does.
type GroupStore interface {
	Store
	// Write adds r at the end of the run's journal, as Append does, but r
	// is durable only once a later Sync returns.
	Write(id string, r Record) error
	// Sync makes every record written to the run's journal so far durable.
	Sync(id string) error
}

// Meta describes a run: what ran, against what, since when, and how it
// ended. It holds no secret.
type Meta struct {
	// ID is the run's id (see NewID).
	ID string `json:"id"`
	// Command is the verb that started the run: "run" or "apply".
	Command string `json:"command"`
	// Runbook is the path of the runbook's main file, as given.
	Runbook string `json:"runbook"`
	// Files holds the SHA-256 (hex) of every file of the runbook (its main
	// file and the files it loads, and for apply the plan), by path.
	Files map[string]string `json:"files"`
	// Params are the runbook's parameters, name=value. Parameters whose name
	// says they hold a secret are kept as a salted hash (see SealParams).
	Params map[string]string `json:"params"`
	// Target is what the run talks to.
	Target Target `json:"target"`
	// Started is when the run started, on its clock; Clock is that clock
	// ("real", or "virtual" for tests).
	Started time.Time `json:"started"`
	Clock   string    `json:"clock,omitempty"`
	// State is the run's state as last written: running, finished, failed
	// or interrupted (Status tells a crashed run from a running one).
	State State `json:"state"`
	// Ended is when the run last stopped (zero while running).
	Ended time.Time `json:"ended,omitzero"`
	// Error is why the run failed or was interrupted.
	Error string `json:"error,omitempty"`
	// Resumes counts the times the run was resumed.
	Resumes int `json:"resumes,omitempty"`
	// Dir is the working directory the run was started from: relative
	// paths (Runbook) are relative to it, and 'glrun resume' without an id
	// picks the latest run started from the current directory. Compare
	// does not compare it.
	Dir string `json:"dir,omitempty"`
}

// Target is what a run talks to; no credential is part of it.
type Target struct {
	// Profile is the configuration profile, if one was used.
	Profile string `json:"profile,omitempty"`
	// Compute and Global are the base URLs of the APIs.
	Compute string `json:"compute"`
	Global  string `json:"global"`
	// Workspace is the workspace (tenant) id, when known.
	Workspace string `json:"workspace,omitempty"`
}

// State is where a run stands.
type State string

// The states of a run.
const (
	// Running: a process holds the run's lock and is running it.
	Running State = "running"
	// Finished: the runbook returned; resuming does nothing.
	Finished State = "finished"
	// Failed: the runbook stopped with an error.
	Failed State = "failed"
	// Interrupted: the run was cancelled (Ctrl-C, a deadline).
	Interrupted State = "interrupted"
	// Crashed: the meta says running but no process holds the lock; the
	// process died without saying how the run ended.
	Crashed State = "crashed"
)

// Errors of a Store.
var (
	// ErrNoRun is a run id no run has.
	ErrNoRun = errors.New("no such run")
	// ErrLocked is a run another process is running or resuming.
	ErrLocked = errors.New("the run is in use by another glrun process (running or being resumed)")
)

// NewID returns a new run id: the UTC start time to the second and six
// random hex digits, such as "20261203-140855-3f9a2c". Ids sort by start
// time.
func NewID(start time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return start.UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}

// DefaultDir is the default directory of the file store:
// $XDG_STATE_HOME/glrun/runs, or ~/.local/state/glrun/runs when
// XDG_STATE_HOME is not set (or not absolute, as the XDG rules say).
func DefaultDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "glrun", "runs"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("journal: no state directory: set XDG_STATE_HOME or HOME, or pass --state-dir: %w", err)
	}
	return filepath.Join(home, ".local", "state", "glrun", "runs"), nil
}

// newerFirst orders runs newest first: by start time, which ids give to
// the second only, then by id.
func newerFirst(a, b Meta) bool {
	if !a.Started.Equal(b.Started) && !a.Started.IsZero() && !b.Started.IsZero() {
		return a.Started.After(b.Started)
	}
	return a.ID > b.ID
}

// Status returns the run's state as people should see it: a run whose
// meta says running but whose lock nobody holds has crashed.
func Status(s Store, m Meta) State {
	if m.State != Running {
		return m.State
	}
	unlock, err := s.Lock(m.ID)
	if err != nil {
		return Running
	}
	_ = unlock()
	return Crashed
}

// How long runs are kept by default, and how many at most: the cli prunes
// with these unless the profile says otherwise.
const (
	DefaultMaxAge = 30 * 24 * time.Hour
	DefaultKeep   = 100
)

// Prune removes the runs that are not in use and either started more than
// maxAge before now (maxAge > 0) or are not among the keep newest (keep >
// 0). It returns the ids removed.
func Prune(s Store, now time.Time, maxAge time.Duration, keep int) ([]string, error) {
	runs, err := s.List()
	if err != nil {
		return nil, err
	}
	sort.SliceStable(runs, func(i, j int) bool { return newerFirst(runs[i], runs[j]) })
	var removed []string
	for i, m := range runs {
		old := maxAge > 0 && now.Sub(m.Started) > maxAge
		extra := keep > 0 && i >= keep
		if !old && !extra {
			continue
		}
		unlock, err := s.Lock(m.ID)
		if err != nil {
			continue // in use: kept
		}
		err = s.Remove(m.ID)
		_ = unlock()
		if err != nil {
			return removed, fmt.Errorf("journal: pruning run %s: %w", m.ID, err)
		}
		removed = append(removed, m.ID)
	}
	return removed, nil
}
