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

// Main runs glrun with args and returns the process exit code. The first
// interrupt cancels the run (which then reports and exits 130); a second one
// exits at once.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	go func() {
		n := 0
		for range sig {
			n++
			if n == 1 {
				fmt.Fprintln(stderr, "glrun: interrupt: stopping (press Ctrl-C again to force)")
				cancel()
				continue
			}
			fmt.Fprintln(stderr, "glrun: interrupted again: exiting now")
			os.Exit(exitcode.Interrupted)
		}
	}()
	return Execute(ctx, args, streams{in: stdin, out: stdout, err: stderr})
}

// Execute runs the command line args with the given streams and returns
// the exit code. Tests call it directly.
func Execute(ctx context.Context, args []string, s streams) int {
	root := newRootCmd(s)
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
			fmt.Fprintln(s.err, "glrun: "+ee.err.Error())
		}
		return ee.code
	}
	// Errors cobra itself raises (unknown flag, wrong argument count) are usage errors.
	fmt.Fprintln(s.err, "glrun: "+err.Error())
	fmt.Fprintln(s.err, "Run 'glrun --help' for usage.")
	return exitcode.Usage
}

func newRootCmd(s streams) *cobra.Command {
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
	root.CompletionOptions.HiddenDefaultCmd = true
	root.AddCommand(
		newRunCmd(s, nil),
		newDescribeCmd(s, nil),
		newCheckCmd(s),
		newSimCmd(s),
		newFilterCmd(s),
		newVersionCmd(s),
		newPlanCmd(s, nil),
		newApplyCmd(s),
		newShowCmd(s, nil),
		newTestCmd(s),
		newResumeCmd(s),
		newRunsCmd(s),
	)
	addToolboxCommands(root, s)
	registerLogFormat(root)
	return root
}
