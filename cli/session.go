package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.starlark.net/starlark"

	"glrun/builtins"
	"glrun/exitcode"
	"glrun/glapi"
	"glrun/plan"
	"glrun/runtime"
	glsession "glrun/session"
)

// sessionFlags are the flags every command that runs a runbook shares
// (run, and later plan, apply, repl): where to send requests, how much to
// log and the sandbox's limits.
type sessionFlags struct {
	target   targetFlags
	log      logFlags
	maxSteps uint64
	timeout  time.Duration
	maxMem   byteSize
	// journal says where live runs journal their calls (registered by
	// run and apply only; see journal.go).
	journal journalFlags
	// evidence is the file --evidence (run and apply) writes the run's
	// changes and their audit entries to; "" for none (evidence.go).
	evidence string
}

func (f *sessionFlags) register(fs *pflag.FlagSet) {
	f.target.register(fs)
	f.log.register(fs)
	fs.Uint64Var(&f.maxSteps, "max-steps", runtime.DefaultMaxSteps, "stop the runbook after this many Starlark execution steps")
	fs.DurationVar(&f.timeout, "timeout", 0, "stop the run after this long (e.g. 45m; 0 means no limit); exits 4")
	f.maxMem = byteSize(runtime.DefaultMaxMemory)
	fs.Var(&f.maxMem, "max-memory", "fail the run (exit 1) when glrun's heap grows past this, e.g. 512MiB or 2GiB")
}

// session is one runbook loaded against one target: the resolved target,
// the client (whose mode decides what is sent), the builtins' environment
// and the loaded runbook, as package session opened them.
type session struct {
	target *target
	logger *slog.Logger
	client *glapi.Client
	env    *builtins.Env
	// predeclared are the builtins bound to env: what the runbook sees.
	predeclared starlark.StringDict
	tally       *tally
	report      *report // wraps tally: jobs and their states, elapsed times
	runbook     *runtime.Runbook
	// unroute sends Main's interrupt notices back to standard error.
	unroute func()
	// running ends the emergency summary (see emergency.begin).
	running func()
	// evidence records the run's changes for --evidence; nil without it.
	evidence *evidenceRecorder
}

// openSession checks the runbook (syntax, names, loads) before anything
// else, resolves the target, builds a client whose requests go through mode
// (nil: live), and loads the runbook. Nothing is sent to the API until the
// runbook's main is called, unless its top level calls a builtin.
func openSession(cmd *cobra.Command, s streams, f *sessionFlags, path string, mode glapi.Mode) (*session, error) {
	return openSessionWith(cmd, s, f, path, mode, nil)
}

// openSessionWith is openSession with a hook called once the target is
// resolved, before the client is built: it returns the mode to use in
// place of mode (and may set the target's clock and scrubber). A live run's
// journal is such a hook (journalling.hook).
func openSessionWith(cmd *cobra.Command, s streams, f *sessionFlags, path string, mode glapi.Mode, hook func(*target, glapi.Mode) (glapi.Mode, error)) (*session, error) {
	if err := glsession.Check(path); err != nil {
		return nil, runtimeExit(err)
	}
	format, err := logFormat(cmd)
	if err != nil {
		return nil, err
	}
	tgt, err := f.target.resolve(cmd, s)
	if err != nil {
		return nil, err
	}
	if err := tgt.startRecording(f.target.record); err != nil {
		tgt.Close()
		return nil, err
	}
	if hook != nil {
		if mode, err = hook(tgt, mode); err != nil {
			tgt.Close()
			return nil, err
		}
	}
	logw, display := progressOutput(s.err, format)
	ss := &session{target: tgt, logger: slog.New(scrubHandler{next: f.log.logger(logw, format).Handler(), scrub: s.scrub}), tally: newTally(mode), unroute: func() {}}
	if display != nil {
		ss.unroute = s.notices.route(display) // a Ctrl-C notice goes above the bars
	}
	ss.report = newReport(ss.tally, tgt.clock)
	api := tgt.cfg
	api.Mode = ss.report
	if _, planning := mode.(*plan.DryRun); f.evidence != "" && !planning {
		ss.evidence = newEvidenceRecorder(ss.report, tgt.clock)
		api.Mode = ss.evidence
	}
	api.Clock = tgt.clock
	api.Logger = ss.logger
	api.Scrubber = s.scrub
	if api.RateLimits, err = f.target.rateLimits(cmd, s.env()); err != nil {
		ss.Close()
		return nil, err
	}
	runMode := builtins.ModeLive
	if _, planning := mode.(*plan.DryRun); planning {
		runMode = builtins.ModePlan
	}
	opened, err := glsession.New(glsession.Config{
		API:       api,
		Mode:      runMode,
		Clock:     tgt.clock,
		Log:       ss.logger,
		Progress:  display,
		MaxSteps:  f.maxSteps,
		MaxMemory: uint64(f.maxMem),
		Timeout:   f.timeout,
		Print: func(_ *starlark.Thread, msg string) {
			fmt.Fprintln(logw, s.scrub.String(msg))
		},
		Classify: ss.classify,
		Abort:    abortRun(cmd.Context()),
	})
	if err != nil {
		ss.Close()
		if errors.Is(err, glapi.ErrNoCredentials) {
			return nil, withCode(exitcode.Usage, fmt.Errorf("%w\n(or try the built-in simulator: glrun run --sim %s)", errors.Unwrap(err), path))
		}
		return nil, withCode(exitcode.Usage, errors.Unwrap(err))
	}
	ss.client, ss.env, ss.predeclared = opened.Client, opened.Env, opened.Predeclared
	ss.running = emergencyOf(cmd.Context()).begin(ss.summary(s, path))
	ss.runbook, err = opened.Load(cmd.Context(), path)
	if err != nil {
		ss.Close()
		return nil, runtimeExit(err)
	}
	return ss, nil
}

// classify is session.Classify, except that once the run has sent a change
// (accepted, or of unknown outcome) a usage or validation error is no
// longer "nothing was sent" (exit 2): the run failed part way (exit 1) and
// its report lists what it sent and what is still running.
func (ss *session) classify(err error) (int, bool) {
	code, ok := glsession.Classify(err)
	if ok && code == exitcode.Usage && ss.tally.sentChanges() {
		return exitcode.Failed, true
	}
	return code, ok
}

// summary returns what an emergency exit prints while the session runs:
// the human summary of the run report so far (requests, changes, jobs in
// flight) on standard error.
func (ss *session) summary(s streams, path string) func(code int, msg string) {
	return func(code int, _ string) {
		rr := ss.report.snapshot()
		rr.Runbook = filepath.Base(path)
		if ss.runbook != nil {
			rr.Runbook = ss.runbook.Name()
		}
		rr.ExitCode, rr.Status = code, statusOf(code)
		rr.human(s.err)
	}
}

// abortRun returns the runtime's Abort for a run of this command: an
// emergency exit (1) with the run's summary, or nil when the command runs
// without an emergency exit (in tests).
func abortRun(ctx context.Context) func(*runtime.Error) {
	em := emergencyOf(ctx)
	if em == nil {
		return nil
	}
	return func(err *runtime.Error) { em.exitNow(exitcode.Failed, err.Error()) }
}

// ran ends the emergency summary once the runbook returned: the command
// reports by itself from here on.
func (ss *session) ran() {
	if ss.running != nil {
		ss.running()
		ss.running = nil
	}
}

// Close stops what the session started (the in-process simulator), ends
// its emergency summary (from here on the command reports by itself) and
// sends Main's notices back to standard error.
func (ss *session) Close() {
	ss.ran()
	ss.unroute()
	ss.target.Close()
}

// runtimeExit turns a runtime error into the exit code it carries.
func runtimeExit(err error) error {
	var re *runtime.Error
	if errors.As(err, &re) {
		return withCode(re.ExitCode(), err)
	}
	return withCode(exitcode.Failed, err)
}
