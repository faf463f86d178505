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
// and the loaded runbook.
type session struct {
	target  *target
	logger  *slog.Logger
	client  *glapi.Client
	env     *builtins.Env
	tally   *tally
	report  *report // wraps tally: jobs and their states, elapsed times
	runbook *runtime.Runbook
}

// openSession checks the runbook (syntax, names, loads) before anything
// else, resolves the target, builds a client whose requests go through mode
// (nil: live), and loads the runbook. Nothing is sent to the API until the
// runbook's main is called, unless its top level calls a builtin.
func openSession(cmd *cobra.Command, s streams, f *sessionFlags, path string, mode glapi.Mode) (*session, error) {
	if err := runtime.Check(path, builtins.Names()); err != nil {
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
	cfg := tgt.cfg
	cfg.Mode = ss.report
	cfg.Clock = tgt.clock
	cfg.Logger = ss.logger
	if cfg.RateLimits, err = f.target.rate.limits(); err != nil {
		tgt.Close()
		return nil, err
	}
	ss.client, err = glapi.New(cfg)
	if err != nil {
		tgt.Close()
		if errors.Is(err, glapi.ErrNoCredentials) {
			return nil, withCode(exitcode.Usage, fmt.Errorf("%w\n(or try the built-in simulator: glrun run --sim %s)", err, path))
		}
		return nil, withCode(exitcode.Usage, err)
	}
	ss.env = &builtins.Env{Client: ss.client, Clock: tgt.clock, Log: ss.logger, Progress: display}
	opts := runtime.Options{
		Predeclared: builtins.Predeclared(ss.env),
		MaxSteps:    f.maxSteps,
		MaxMemory:   uint64(f.maxMem),
		Timeout:     f.timeout,
		Print: func(_ *starlark.Thread, msg string) {
			fmt.Fprintln(logw, msg)
		},
		Classify: classifyBuiltinError,
	}
	ss.runbook, err = runtime.Load(cmd.Context(), path, opts)
	if err != nil {
		tgt.Close()
		return nil, runtimeExit(err)
	}
	return ss, nil
}

// Close stops what the session started (the in-process simulator).
func (ss *session) Close() { ss.target.Close() }

// classifyBuiltinError maps the builtins' and the client's own error types
// to exit codes.
func classifyBuiltinError(err error) (int, bool) {
	var drift *plan.DriftError
	if errors.As(err, &drift) {
		return exitcode.Drift, true
	}
	var wt *builtins.WaitTimeoutError
	if errors.As(err, &wt) {
		return exitcode.Timeout, true
	}
	var ae *builtins.ArgError
	if errors.As(err, &ae) {
		return exitcode.Usage, true
	}
	var fe *glapi.FilterError
	if errors.As(err, &fe) {
		return exitcode.Usage, true
	}
	return 0, false
}

// runtimeExit turns a runtime error into the exit code it carries.
func runtimeExit(err error) error {
	var re *runtime.Error
	if errors.As(err, &re) {
		return withCode(re.ExitCode(), err)
	}
	return withCode(exitcode.Failed, err)
}
