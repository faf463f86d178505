package cli

import (
	"errors"
	"fmt"
	"log/slog"
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
	// evidence records the run's changes for --evidence; nil without it.
	evidence *evidenceRecorder
}

// openSession checks the runbook (syntax, names, loads) before anything
// else, resolves the target, builds a client whose requests go through mode
// (nil: live), and loads the runbook. Nothing is sent to the API until the
// runbook's main is called, unless its top level calls a builtin.
func openSession(cmd *cobra.Command, s streams, f *sessionFlags, path string, mode glapi.Mode) (*session, error) {
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
	logw, display := progressOutput(s.err, format)
	ss := &session{target: tgt, logger: f.log.logger(logw, format), tally: newTally(mode)}
	ss.report = newReport(ss.tally, tgt.clock)
	api := tgt.cfg
	api.Mode = ss.report
	if _, planning := mode.(*plan.DryRun); f.evidence != "" && !planning {
		ss.evidence = newEvidenceRecorder(ss.report, tgt.clock)
		api.Mode = ss.evidence
	}
	api.Clock = tgt.clock
	api.Logger = ss.logger
	if api.RateLimits, err = f.target.rateLimits(cmd, s.env()); err != nil {
		tgt.Close()
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
			fmt.Fprintln(logw, msg)
		},
		Classify: glsession.Classify,
	})
	if err != nil {
		tgt.Close()
		if errors.Is(err, glapi.ErrNoCredentials) {
			return nil, withCode(exitcode.Usage, fmt.Errorf("%w\n(or try the built-in simulator: glrun run --sim %s)", errors.Unwrap(err), path))
		}
		return nil, withCode(exitcode.Usage, errors.Unwrap(err))
	}
	ss.client, ss.env, ss.predeclared = opened.Client, opened.Env, opened.Predeclared
	ss.runbook, err = opened.Load(cmd.Context(), path)
	if err != nil {
		tgt.Close()
		return nil, runtimeExit(err)
	}
	return ss, nil
}

// Close stops what the session started (the in-process simulator).
func (ss *session) Close() { ss.target.Close() }

// runtimeExit turns a runtime error into the exit code it carries.
func runtimeExit(err error) error {
	var re *runtime.Error
	if errors.As(err, &re) {
		return withCode(re.ExitCode(), err)
	}
	return withCode(exitcode.Failed, err)
}
