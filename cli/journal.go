package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"glrun/config"
	"glrun/exitcode"
	"glrun/glapi"
	"glrun/journal"
	"glrun/plan"
	"glrun/runtime"
)

// journalFlags say where a live run journals its calls (see
// docs/journal.md) and how many old runs are kept. They are flags of
// 'glrun run' and 'glrun apply'; 'glrun resume' and 'glrun runs' take
// --state-dir only.
type journalFlags struct {
	stateDir string
	off      bool // --no-journal
	keepRuns int
	keepDays int
	// resume, when set, is the run 'glrun resume' continues instead of
	// starting a new one; runbookAs is the runbook's path as the run's
	// meta has it (the path loaded may be made absolute).
	resume, runbookAs string
}

// register adds the flags of a command that starts runs.
func (f *journalFlags) register(fs *pflag.FlagSet) {
	f.registerStateDir(fs)
	fs.BoolVar(&f.off, "no-journal", false, "do not journal this run's API calls: if it stops early it cannot be resumed with 'glrun resume'")
	fs.IntVar(&f.keepRuns, "keep-runs", 0, "keep at most this many runs in the state directory, pruning the oldest when a run starts (profile key keep_runs; default "+strconv.Itoa(journal.DefaultKeep)+")")
	fs.IntVar(&f.keepDays, "keep-runs-days", 0, "prune runs older than this many days when a run starts (profile key keep_runs_days; default "+strconv.Itoa(int(journal.DefaultMaxAge/(24*time.Hour)))+")")
}

// registerStateDir adds --state-dir only.
func (f *journalFlags) registerStateDir(fs *pflag.FlagSet) {
	fs.StringVar(&f.stateDir, "state-dir", "", "the directory of run journals (profile key state_dir; default $XDG_STATE_HOME/glrun/runs, or ~/.local/state/glrun/runs)")
}

// journalHelp is what run and apply say about the journal in --help.
const journalHelp = `A live run journals every API call it makes under the state directory
($XDG_STATE_HOME/glrun/runs; --state-dir or the profile's state_dir to
change it) and prints its id. If it stops early (a failure, a timeout,
Ctrl-C, a crash) 'glrun resume' picks it up where it stopped, each change sent
once; 'glrun runs' lists the runs. --sim, --replay, --dry-run and plans are
not journalled; --no-journal turns the journal off. See docs/journal.md.`

// stateDir returns the state directory in effect, and where it came from:
// --state-dir, else the profile's state_dir, else $XDG_STATE_HOME/glrun/runs
// (read from the command's environment), else ~/.local/state/glrun/runs.
func stateDir(f *sessionFlags, getenv func(string) string) (dir, source string, err error) {
	if f.journal.stateDir != "" {
		return f.journal.stateDir, "flag --state-dir", nil
	}
	if _, sel, err := f.target.loadProfile(getenv); err != nil {
		return "", "", err
	} else if sel.Profile.StateDir != "" {
		return sel.Profile.StateDir, "profile " + sel.Name, nil
	}
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "glrun", "runs"), "XDG_STATE_HOME", nil
	}
	d, err := journal.DefaultDir()
	if err != nil {
		return "", "", withCode(exitcode.Usage, err)
	}
	return d, "default", nil
}

// openStore opens the file store of the state directory in effect.
func openStore(f *sessionFlags, getenv func(string) string) (*journal.FileStore, error) {
	dir, _, err := stateDir(f, getenv)
	if err != nil {
		return nil, err
	}
	return journal.NewFileStore(dir), nil
}

// retention returns how long runs are kept and how many: the flags, else
// the profile's keep_runs_days and keep_runs, else the defaults.
func retention(cmd *cobra.Command, f *sessionFlags, getenv func(string) string) (maxAge time.Duration, keep int, err error) {
	maxAge, keep = journal.DefaultMaxAge, journal.DefaultKeep
	_, sel, err := f.target.loadProfile(getenv)
	if err != nil {
		return 0, 0, err
	}
	if v := sel.Profile.KeepRunsDays; v != nil {
		maxAge = time.Duration(*v) * 24 * time.Hour
	}
	if v := sel.Profile.KeepRuns; v != nil {
		keep = *v
	}
	if cmd.Flags().Changed("keep-runs-days") {
		if f.journal.keepDays < 1 {
			return 0, 0, usageErrorf("--keep-runs-days must be at least 1, got %d", f.journal.keepDays)
		}
		maxAge = time.Duration(f.journal.keepDays) * 24 * time.Hour
	}
	if cmd.Flags().Changed("keep-runs") {
		if f.journal.keepRuns < 1 {
			return 0, 0, usageErrorf("--keep-runs must be at least 1, got %d", f.journal.keepRuns)
		}
		keep = f.journal.keepRuns
	}
	return maxAge, keep, nil
}

// journalling is the journal of one live run or apply: openSessionWith
// calls its hook once the target is resolved, which starts the run (or
// resumes it, for 'glrun resume') and puts the journal's mode under the
// command's; finish writes how the run ended.
type journalling struct {
	cmd     *cobra.Command
	s       streams
	f       *sessionFlags
	command string // "run" or "apply"
	path    string // the runbook, as loaded
	params  map[string]string
	plan    []byte // apply: the plan, kept in the run's directory

	run *journal.Run
}

// planFile is the name of an apply's plan in its run's directory: 'glrun
// resume' applies that copy.
const planFile = "plan.json"

// newJournalling prepares the journal of a run of path with params (NAME=VALUE).
func newJournalling(cmd *cobra.Command, s streams, f *sessionFlags, command, path string, params []string) *journalling {
	m := map[string]string{}
	for _, p := range params {
		if k, v, ok := strings.Cut(p, "="); ok {
			m[k] = v
		}
	}
	return &journalling{cmd: cmd, s: s, f: f, command: command, path: path, params: m}
}

// hook starts (or resumes) the run once the session's target is resolved
// and returns the mode the session uses: the command's mode above the
// journal. A run against --sim or a cassette, or with --no-journal, is not
// journalled: mode is returned as is.
func (j *journalling) hook(tgt *target, mode glapi.Mode) (glapi.Mode, error) {
	if j.f.journal.resume != "" && (tgt.sim != nil || tgt.cassette.player != nil) {
		return nil, usageErrorf("a run resumes against the target it started with, not --sim or --replay")
	}
	if j.f.journal.off || tgt.sim != nil || tgt.cassette.player != nil {
		return mode, nil
	}
	probe, err := glapi.New(tgt.cfg)
	if err != nil {
		return mode, nil // no credentials: the session says so, and nothing is sent
	}
	meta, err := j.meta(tgt, probe.BaseURLs())
	if err != nil {
		return nil, err
	}
	fs, err := openStore(j.f, j.s.env())
	if err != nil {
		return nil, err
	}
	var store journal.Store = fs
	var wire glapi.Mode // below the journal: live
	if j.s.journal != nil {
		store, wire = j.s.journal(fs)
	}
	scrub := glapi.NewScrubber()
	tgt.cfg.Scrubber = scrub
	if id := j.f.journal.resume; id != "" {
		run, res, err := journal.Resume(store, id, meta, tgt.clock, wire)
		if err != nil {
			return nil, resumeError(id, err)
		}
		run.ScrubWith(scrub)
		j.run = run
		tgt.clock = res.Clock()
		for _, w := range run.Warnings() {
			fmt.Fprintln(j.s.err, "glrun: warning: "+w)
		}
		fmt.Fprintf(j.s.err, "glrun: resuming run %s: the calls its journal holds are answered from it, then the run goes live\n", id)
		if mode != nil {
			return journal.Chain(mode, res), nil
		}
		return res, nil
	}
	maxAge, keep, err := retention(j.cmd, j.f, j.s.env())
	if err != nil {
		return nil, err
	}
	run, err := journal.Start(store, meta, tgt.clock)
	if err != nil {
		return nil, fmt.Errorf("starting the run's journal (--no-journal to run without one): %w", err)
	}
	// Pruned once the new run holds its lock: it counts among those kept.
	if _, err := journal.Prune(store, time.Now(), maxAge, keep); err != nil {
		fmt.Fprintln(j.s.err, "glrun: warning: pruning old runs: "+err.Error())
	}
	if j.plan != nil {
		if err := os.WriteFile(filepath.Join(fs.Dir(), run.ID(), planFile), j.plan, 0o600); err != nil {
			_ = run.Finish(err)
			return nil, fmt.Errorf("keeping the plan in the run's journal: %w", err)
		}
	}
	run.ScrubWith(scrub)
	j.run = run
	fmt.Fprintf(j.s.err, "glrun: run %s (resume with 'glrun resume %s')\n", run.ID(), run.ID())
	if mode != nil {
		return journal.Chain(mode, run.Recorder(wire)), nil
	}
	return run.Recorder(wire), nil
}

// meta is the journal's Meta of this run against tgt.
func (j *journalling) meta(tgt *target, ep glapi.Endpoints) (journal.Meta, error) {
	files, err := runtime.ListFiles(j.path, runtime.Options{}, isBuiltinName)
	if err != nil {
		return journal.Meta{}, runtimeExit(err)
	}
	m := journal.Meta{
		Command: j.command,
		Runbook: j.path,
		Files:   map[string]string{},
		Params:  j.params,
		Target:  journal.Target{Compute: ep.Compute, Global: ep.Global, Workspace: tgt.cfg.TenantACID},
	}
	if j.f.journal.runbookAs != "" {
		m.Runbook = j.f.journal.runbookAs
	}
	for _, f := range files {
		m.Files[f.Name] = f.SHA256
	}
	if j.plan != nil {
		m.Files[planFile] = journalHash(j.plan)
	}
	if _, sel, err := j.f.target.loadProfile(j.s.env()); err == nil {
		m.Target.Profile = sel.Name
	}
	if wd, err := os.Getwd(); err == nil {
		m.Dir = wd
	}
	return m, nil
}

// journalHash is the hex SHA-256 of b.
func journalHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// finish writes how the run ended (runErr nil: finished) and, when it
// stopped early on a failure, a timeout or an interrupt, says how to
// resume it. It returns runErr.
func (j *journalling) finish(runErr error) error {
	if j == nil || j.run == nil {
		return runErr
	}
	id := j.run.ID()
	// The run's state says interrupted for Ctrl-C and timeouts, whatever
	// error carried them.
	state := runErr
	switch exitCodeOf(runErr) {
	case exitcode.Interrupted:
		if !errors.Is(runErr, context.Canceled) {
			state = fmt.Errorf("%w (%w)", runErr, context.Canceled)
		}
	case exitcode.Timeout:
		if !errors.Is(runErr, context.DeadlineExceeded) {
			state = fmt.Errorf("%w (%w)", runErr, context.DeadlineExceeded)
		}
	}
	if err := j.run.Finish(state); err != nil {
		fmt.Fprintln(j.s.err, "glrun: warning: "+err.Error())
	}
	j.run = nil
	switch exitCodeOf(runErr) {
	case exitcode.Failed, exitcode.Timeout, exitcode.Interrupted:
		fmt.Fprintf(j.s.err, "glrun: run %s stopped early; to pick it up where it stopped: glrun resume %s\n", id, id)
	}
	return runErr
}

// resumeError gives the refusals of journal.Resume their exit codes: a run
// that changed since it started 3, a run in use, a corrupt journal (or a
// journal that cannot be replayed) 1, no such run 2.
func resumeError(id string, err error) error {
	var changed *journal.ChangedError
	var corrupt *journal.CorruptError
	var finished *journal.FinishedError
	switch {
	case errors.As(err, &changed):
		return withCode(exitcode.Drift, err)
	case errors.Is(err, journal.ErrLocked):
		return withCode(exitcode.Failed, fmt.Errorf("cannot resume run %s: another glrun resume of this run is running (or the run itself is); nothing was sent", id))
	case errors.Is(err, journal.ErrNoRun):
		return withCode(exitcode.Usage, fmt.Errorf("no run %s (see 'glrun runs'): %w", id, err))
	case errors.As(err, &finished):
		return withCode(exitcode.OK, err)
	case errors.As(err, &corrupt):
		return withCode(exitcode.Failed, fmt.Errorf("cannot resume run %s: %w", id, err))
	}
	return withCode(exitcode.Failed, err)
}

// newApplyJournalling prepares the journal of an apply of p; the plan is
// kept in the run's directory, so that 'glrun resume' applies the same
// plan (also when it was never saved, as with 'glrun run' against
// GreenLake, which applies the plan it showed).
func newApplyJournalling(cmd *cobra.Command, s streams, f *sessionFlags, p *plan.Plan) (*journalling, error) {
	b, err := p.Marshal()
	if err != nil {
		return nil, err
	}
	params := make(map[string]string, len(p.Params))
	for k, v := range p.Params {
		params[k] = v
	}
	return &journalling{cmd: cmd, s: s, f: f, command: "apply", path: p.Runbook.Path, params: params, plan: b}, nil
}

// journalSettings are the journal's settings for 'glrun config': the state
// directory, and how many runs (and days) are kept.
func journalSettings(sel config.Selection, profileSrc string, getenv func(string) string) []setting {
	dir := setting{Name: "state dir"}
	switch {
	case sel.Profile.StateDir != "":
		dir.Value, dir.Source = sel.Profile.StateDir, profileSrc
	case getenv("XDG_STATE_HOME") != "" && filepath.IsAbs(getenv("XDG_STATE_HOME")):
		dir.Value, dir.Source = filepath.Join(getenv("XDG_STATE_HOME"), "glrun", "runs"), "env XDG_STATE_HOME"
	default:
		dir.Value, dir.Source = "~/.local/state/glrun/runs", "default (--state-dir to change)"
	}
	keep := setting{Name: "keep runs", Value: strconv.Itoa(journal.DefaultKeep), Source: "default (--keep-runs to change)"}
	if v := sel.Profile.KeepRuns; v != nil {
		keep.Value, keep.Source = strconv.Itoa(*v), profileSrc
	}
	days := setting{Name: "keep runs days", Value: strconv.Itoa(int(journal.DefaultMaxAge / (24 * time.Hour))), Source: "default (--keep-runs-days to change)"}
	if v := sel.Profile.KeepRunsDays; v != nil {
		days.Value, days.Source = strconv.Itoa(*v), profileSrc
	}
	return []setting{dir, keep, days}
}
