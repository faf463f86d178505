// Package cli holds glrun's cobra commands, one file per verb. Flags live
// here and nowhere else; the exit codes are package exitcode's.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"glrun/exitcode"
	"glrun/glapi"
	"glrun/glapi/sim"
	"glrun/journal"
)

// exitError carries an exit code through cobra to Main. Its message, when
// not empty, has not been printed yet.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// withCode wraps err so that Main exits with code.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// usageErrorf is a usage error (exit 2).
func usageErrorf(format string, args ...any) error {
	return withCode(exitcode.Usage, fmt.Errorf(format, args...))
}

// streams are the standard streams a command reads and writes, and what
// tests may put in place of the outside world.
type streams struct {
	in       io.Reader
	out, err io.Writer
	// sim, when set, is the simulator --sim uses instead of starting a new
	// one (tests set it to inspect the simulator's state afterwards).
	sim *sim.Sim
	// getenv, when set, is the environment commands read (GREENLAKE_*,
	// GLRUN_PROFILE ...) instead of the process's, so tests need not change
	// the process environment and can run in parallel.
	getenv func(string) string
	// scrub learns the client secret and every token the command's client
	// receives; logs, errors, reports and results are written through it
	// (Execute makes one).
	scrub *glapi.Scrubber
	// afterPreflight, when set, is called once an apply's preflight has
	// passed, before anything is sent (tests change the fleet there to
	// exercise the per-change check behind the preflight).
	afterPreflight func()
	// notices, when set, is where Main writes its interrupt notices; a
	// session with live progress routes them to its display.
	notices *noticeWriter
	// realTarget, when set, makes 'glrun run' treat its target as a real
	// GreenLake workspace whatever its URL (tests set it to check the
	// approval of live runs against a simulator on loopback).
	realTarget bool
	// journal, when set, wraps the journal store of a live run and gives
	// the mode its calls go through below the journal: tests use it to
	// kill a run at a chosen request (see resume_test.go).
	journal func(journal.Store) (journal.Store, glapi.Mode)
}

// env returns the environment the commands read: s.getenv, or the
// process's.
func (s streams) env() func(string) string {
	if s.getenv != nil {
		return s.getenv
	}
	return os.Getenv
}

// interruptMessage is what the first Ctrl-C prints.
const interruptMessage = "glrun: interrupt: stopping (press Ctrl-C again to force)"

// Main runs glrun with args and returns the process exit code. The first
// interrupt cancels the run (which then reports and exits 130); a second one
// exits at once, with the run's summary so far (see emergency).
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	em := &emergency{w: stderr, exit: os.Exit}
	ctx, cancel := context.WithCancel(withEmergency(context.Background(), em))
	defer cancel()
	notices := newNoticeWriter(stderr)
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	go func() {
		n := 0
		for range sig {
			n++
			interruptNotice(notices, n, cancel, em.interrupted)
		}
	}()
	return Execute(ctx, args, streams{in: stdin, out: stdout, err: stderr, notices: notices})
}

// interruptNotice handles the nth interrupt: the first cancels the run and
// says so on w; a later one calls force, which exits at once with the run's
// summary so far (nil: exit 130 with a line saying so).
func interruptNotice(w io.Writer, n int, cancel context.CancelFunc, force func()) {
	if n == 1 {
		fmt.Fprintln(w, interruptMessage)
		cancel()
		return
	}
	if force != nil {
		force()
		return
	}
	fmt.Fprintln(w, "glrun: interrupted again: exiting now")
	os.Exit(exitcode.Interrupted)
}

// noticeWriter is where Main writes its interrupt notices: standard error,
// or, while a run shows live progress bars, the display, which writes them
// above the bars (a line written straight to the terminal would land
// inside the block of bars, and the next redraw would garble it).
type noticeWriter struct {
	mu     sync.Mutex
	stderr io.Writer
	to     io.Writer // nil: stderr
}

func newNoticeWriter(stderr io.Writer) *noticeWriter { return &noticeWriter{stderr: stderr} }

// Write writes a notice to the display while one is routed, else to
// standard error.
func (n *noticeWriter) Write(b []byte) (int, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.to != nil {
		return n.to.Write(b)
	}
	return n.stderr.Write(b)
}

// route sends the notices to w until the returned function is called. A
// nil noticeWriter (tests that do not set one) routes nothing.
func (n *noticeWriter) route(w io.Writer) (restore func()) {
	if n == nil {
		return func() {}
	}
	n.mu.Lock()
	n.to = w
	n.mu.Unlock()
	return func() {
		n.mu.Lock()
		n.to = nil
		n.mu.Unlock()
	}
}

// Execute runs the command line args with the given streams and returns
// the exit code. Tests call it directly.
func Execute(ctx context.Context, args []string, s streams) int {
	if s.scrub == nil {
		s.scrub = glapi.NewScrubber()
	}
	root := newRootCmd(s, soleCommand(args))
	root.SetArgs(args)
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitcode.OK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(s.err, "glrun: "+plainWords(s.scrub.String(ee.err.Error())))
		}
		return ee.code
	}
	// Errors cobra itself raises (unknown flag, wrong argument count) are usage errors.
	fmt.Fprintln(s.err, "glrun: "+s.scrub.String(err.Error()))
	fmt.Fprintln(s.err, "Run 'glrun --help' for usage.")
	return exitcode.Usage
}

// plainWords replaces Go's words for a context's end that reached a
// message other than a runbook's (the runtime already says "the run's
// --timeout of 3s ran out" or "interrupted" there): "context canceled" is
// an interrupt, "context deadline exceeded" a deadline that passed.
func plainWords(msg string) string {
	msg = strings.ReplaceAll(msg, "context canceled", "interrupted")
	return strings.ReplaceAll(msg, "context deadline exceeded", "a deadline passed")
}

// newRootCmd builds the glrun command with the subcommand named only, or
// with every subcommand when only is "". Building all of them (a few
// hundred flags) is a noticeable part of the start of a quick command such
// as glrun version, and a command runs the same without its siblings.
func newRootCmd(s streams, only string) *cobra.Command {
	root := &cobra.Command{
		Use:   "glrun",
		Short: "Run GreenLake runbooks: sandboxed Starlark scripts with waits, plans and replay",
		Long: `glrun runs runbooks: small Starlark programs, kept in git, that drive HPE
GreenLake (Compute Ops Management, identity, workspaces) step by step.

Try it against the built-in simulator, no account needed:

  glrun run --sim runbooks/power_cycle.star group=prod-web
  glrun describe runbooks/power_cycle.star

Exit codes: 0 success, 1 the runbook failed, 2 usage/syntax/validation error
(nothing was sent), 3 apply stopped on drift, 4 timeout, 130 interrupted.

A live run that stops early can be picked up where it stopped: 'glrun runs'
lists the runs, 'glrun resume' resumes one.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// glrun has its own completion command: cobra must not add its default
	// one (with a subcommand and flags per shell) to a root that holds
	// another command alone.
	root.CompletionOptions.DisableDefaultCmd = true
	for _, c := range commands {
		if only == "" || c.name == only {
			root.AddCommand(c.build(s))
		}
	}
	addCompletions(root)
	registerLogFormat(root)
	return root
}

// subcommand is one of glrun's commands: its name (the first word of its
// Use) and the function that builds it with its flags and subcommands.
type subcommand struct {
	name  string
	build func(streams) *cobra.Command
}

// commands are glrun's commands, those that run and plan runbooks first,
// then the toolbox that helps write and maintain them (cobra lists them
// sorted by name).
var commands = []subcommand{
	{"run", func(s streams) *cobra.Command { return newRunCmd(s, nil) }},
	{"describe", func(s streams) *cobra.Command { return newDescribeCmd(s, nil) }},
	{"check", newCheckCmd},
	{"sim", newSimCmd},
	{"filter", newFilterCmd},
	{"version", newVersionCmd},
	{"plan", func(s streams) *cobra.Command { return newPlanCmd(s, nil) }},
	{"apply", newApplyCmd},
	{"approve", newApproveCmd},
	{"show", func(s streams) *cobra.Command { return newShowCmd(s, nil) }},
	{"test", newTestCmd},
	{"resume", newResumeCmd},
	{"runs", newRunsCmd},
	// The toolbox.
	{"docs", newDocsCmd},
	{"fmt", newFmtCmd},
	{"lint", newLintCmd},
	{"completion", newCompletionCmd},
	{"config", newConfigCmd},
	{"repl", newReplCmd},
	{"new", newNewCmd},
}

// soleCommand returns the command args run when it can be built alone:
// the name of a command, first. It returns "" (build them all) for
// anything else: a flag first (cobra finds the command after it), a
// mistyped name (cobra suggests the close ones), help, cobra's completion
// requests, and completion, which writes the script of every command.
func soleCommand(args []string) string {
	if len(args) == 0 || args[0] == "completion" {
		return ""
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.name
		}
	}
	return ""
}
