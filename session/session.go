// Package session opens what every command that runs Starlark needs, in
// one place: a GreenLake client, the clock and log the builtins use, the
// predeclared builtins bound to them and, given a path, the loaded runbook.
// 'glrun run', 'plan', 'apply', 'describe' and 'repl' (package cli), 'glrun
// test' (package runtest) and the builtins' documentation test all open
// their sessions here, so a runbook sees the same world everywhere.
//
// The client's mode (live, dry run, replay ...) and where it sends its
// requests are the caller's choice, through Config.API; see
// docs/architecture.md, "Sessions".
package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"glrun/builtins"
	"glrun/clock"
	"glrun/exitcode"
	"glrun/glapi"
	"glrun/glapi/wait"
	"glrun/plan"
	"glrun/progress"
	"glrun/refcheck"
	"glrun/runtime"
)

// Config is what a session is made of. The zero value of every field but
// API has a sensible meaning.
type Config struct {
	// API configures the client every builtin sends its requests through,
	// as given: set its Clock and Logger too when they should be the
	// session's (glapi's defaults are the wall clock and no log).
	API glapi.Config

	// Clock is the one source of time for waits, sleeps and the client's
	// retries. Nil means the wall clock.
	Clock clock.Clock

	// Log receives the runbook's log.* calls and the waits' state changes.
	// Nil discards them.
	Log *slog.Logger

	// Progress, when not nil, is the terminal display on which waits draw
	// their live bars (see builtins.Env).
	Progress *progress.Display

	// Mode is how the run treats GreenLake, as runbook_mode() reports it:
	// builtins.ModeLive (the default when empty), builtins.ModePlan for a
	// dry run or plan, builtins.ModeTest under glrun test.
	Mode string

	// Extra are names a runbook sees besides the builtins (the test
	// modules of 'glrun test'). They win over a builtin of the same name.
	Extra starlark.StringDict

	// MaxSteps, MaxMemory and Timeout are the sandbox's limits; see
	// runtime.Options. Zero means the runtime's defaults (no timeout).
	MaxSteps  uint64
	MaxMemory uint64
	Timeout   time.Duration

	// Print receives the output of print(). Nil prints to standard error.
	Print func(thread *starlark.Thread, msg string)

	// Classify maps a failed run's error to an exit code before the
	// runtime's defaults; Classify (this package's) is the usual choice.
	Classify func(err error) (exitCode int, ok bool)

	// Abort is runtime.Options.Abort: how a run that is over its memory
	// limit and cannot be stopped ends the process. Nil: it is only
	// cancelled.
	Abort func(err *runtime.Error)
}

// Session is one opened world: a client, the builtins bound to it and, when
// opened with a path, the loaded runbook.
type Session struct {
	// Client reaches GreenLake (or the simulator, or a cassette): every
	// request the builtins send goes through it.
	Client *glapi.Client
	// Env is what the builtins were bound to.
	Env *builtins.Env
	// Predeclared are the names a runbook sees: every builtin and
	// Config.Extra.
	Predeclared starlark.StringDict
	// Runbook is the loaded runbook; nil for a session made by New.
	Runbook *runtime.Runbook

	options runtime.Options
}

// New builds the client and binds the builtins to it. It sends nothing. An
// error from glapi.New is wrapped, so errors.Is(err, glapi.ErrNoCredentials)
// still holds.
func New(cfg Config) (*Session, error) {
	clk := cfg.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	logger := cfg.Log
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	client, err := glapi.New(cfg.API)
	if err != nil {
		return nil, fmt.Errorf("opening a session: %w", err)
	}
	env := &builtins.Env{Client: client, Clock: clk, Durations: wait.NewDurations(), Log: logger, Progress: cfg.Progress, Mode: cfg.Mode}
	pre := builtins.Predeclared(env)
	for name, v := range cfg.Extra {
		pre[name] = v
	}
	s := &Session{Client: client, Env: env, Predeclared: pre}
	s.options = runtime.Options{
		Predeclared: pre,
		MaxSteps:    cfg.MaxSteps,
		MaxMemory:   cfg.MaxMemory,
		Timeout:     cfg.Timeout,
		Print:       cfg.Print,
		Classify:    cfg.Classify,
		Abort:       cfg.Abort,
	}
	return s, nil
}

// Open is New followed by Load: the session with the runbook at path
// loaded (its top level run). The runbook is not checked first: callers
// that want 'glrun check's errors before anything else call Check.
func Open(ctx context.Context, cfg Config, path string) (*Session, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if s.Runbook, err = s.Load(ctx, path); err != nil {
		return nil, err
	}
	return s, nil
}

// Load loads the runbook at path with the session's builtins and limits.
// Errors are *runtime.Error.
func (s *Session) Load(ctx context.Context, path string) (*runtime.Runbook, error) {
	return runtime.Load(ctx, path, s.options)
}

// Check checks the runbook at path and the files it loads without running
// anything: syntax, undefined names (the builtins and extra are defined),
// loads, misspelt members of the builtin modules and literal job template
// aliases that do not exist (package refcheck), each with a did-you-mean.
// Errors are *runtime.Error.
func Check(path string, extra ...string) error {
	return runtime.CheckWith(path, append(builtins.Names(), extra...), checkReferences)
}

// checkReferences is the runtime.Inspect of Check: refcheck's problems.
func checkReferences(f *syntax.File) []string {
	problems := refcheck.File(f)
	msgs := make([]string, len(problems))
	for i, p := range problems {
		msgs[i] = p.String()
	}
	return msgs
}

// Classify maps the builtins', the client's and the planner's own error
// types to exit codes: an apply's drift from its plan is 3, a wait that
// timed out 4, a builtin's argument error or a malformed filter 2. Other
// errors are left to the runtime (ok false).
func Classify(err error) (exitCode int, ok bool) {
	var drift *plan.DriftError
	if errors.As(err, &drift) {
		return exitcode.Drift, true
	}
	var wt *wait.TimeoutError
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
