package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"glrun/exitcode"
	"glrun/glapi"
	"glrun/plan"
	"glrun/runtime"
)

// replFlags are the flags of 'glrun repl'.
type replFlags struct {
	sessionFlags
	// live sends changes to a GreenLake target; without it they are planned
	// only (as 'glrun plan' does).
	live bool
}

func newReplCmd(s streams) *cobra.Command {
	var f replFlags
	cmd := &cobra.Command{
		Use:   "repl [flags] [FILE]",
		Short: "An interactive Starlark session with every builtin loaded",
		Long: `Start an interactive Starlark session with every builtin a runbook sees
(compute, identity, workspaces, odata, log, parallel, json, time ...), against
the same targets as 'glrun run'. With FILE, the runbook's top-level names
(its helpers and main) are loaded too.

Type a statement or an expression; the value of an expression is printed, and
also kept in _ (a long list of records one record per line, other long values
as indented JSON). A block (def, if, for ...) ends with a blank line. An error
is printed and the session goes on.

On a terminal the line can be edited (arrow keys, Home/End, Ctrl-A/E/K/U/W);
Up/Down and Ctrl-R search the history, kept between sessions in
$XDG_STATE_HOME/glrun/repl_history (~/.local/state/glrun/repl_history); Tab
completes builtin and global names and the attributes of modules and records
the session holds (compute.ser<Tab>, server.hard<Tab>), and indents at the
start of a line. Ctrl-C abandons the line being typed; while a statement runs
it stops the statement and ends the session. Ctrl-D on an empty line ends the
session.

Against GreenLake itself (not --sim, a loopback --base-url or --replay),
changes are planned, not sent, unless --live is given: reads show real data,
compute.jobs.create answers with a planned job.

Standard input need not be a terminal: 'glrun repl --sim < script.star' runs
the lines one by one and prints each expression's value (no prompts).`,
		Example: `  glrun repl --sim
  >>> servers = compute.servers.list(filter = "powerState eq 'ON'")
  >>> len(servers)
  12
  >>> [s.name for s in servers][:2]
  ["prod-web-01", "prod-web-02"]
  >>> def names(group):
  ...     return [s.name for s in compute.servers.list(filter = odata.filter("contains(name, {})", group))]
  ...
  >>> names("prod-db")

  # try a runbook's helpers
  glrun repl --sim runbooks/power_cycle.star

  # scripted, without a terminal
  echo 'len(identity.users.list())' | glrun repl --sim`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRepl(cmd, s, &f, args)
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().BoolVar(&f.live, "live", false, "against GreenLake itself: send changes (by default they are planned, not sent)")
	return cmd
}

// runRepl opens a session on FILE (or on an empty runbook) and reads,
// evaluates and prints until the end of input.
func runRepl(cmd *cobra.Command, s streams, f *replFlags, args []string) error {
	path := ""
	if len(args) == 1 {
		path = args[0]
	} else {
		dir, err := os.MkdirTemp("", "glrun-repl-")
		if err != nil {
			return fmt.Errorf("repl: making an empty runbook: %w", err)
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "repl.star")
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			return fmt.Errorf("repl: making an empty runbook: %w", err)
		}
	}
	var mode glapi.Mode
	dry := !f.live && needsApproval(&f.target, s.env())
	clk := &clockRef{}
	if dry {
		mode = plan.NewDryRun(clk)
	}
	ss, err := openSession(cmd, s, &f.sessionFlags, path, mode)
	if err != nil {
		return err
	}
	defer ss.Close()
	clk.c = ss.target.clock
	interactive := isTerminalInput(s.in)
	if interactive {
		fmt.Fprintf(s.err, "glrun repl: %s", ss.target.describe())
		if dry {
			fmt.Fprint(s.err, " (changes are planned, not sent; --live sends them)")
		}
		fmt.Fprintln(s.err, "\nEvery builtin is loaded. Tab completes names; a block ends with a blank line; Ctrl-C drops the line, Ctrl-D ends the session.")
	}
	r := &repl{
		ctx:         cmd.Context(),
		ss:          ss,
		out:         s.out,
		errw:        s.err,
		interactive: interactive,
		globals:     starlark.StringDict{},
	}
	// The size-checked operations and universal functions, as a runbook
	// gets them: a statement typed here is bounded like a runbook's.
	for name, v := range runtime.SizeGuards() {
		r.globals[name] = v
	}
	for name, v := range ss.predeclared {
		r.globals[name] = v
	}
	for name, v := range ss.runbook.Globals() {
		r.globals[name] = v
	}
	r.width = 100
	if interactive {
		in := s.in.(*os.File) // isTerminalInput checked it
		term, err := newTerminalLines(in, s.out, s.err, replHistoryFile(s.env()), r.complete)
		if err != nil {
			return withCode(exitcode.Failed, fmt.Errorf("repl: %w", err))
		}
		defer term.close()
		r.lines = term
		if w := term.width(); w > 0 {
			r.width = w
		}
	} else {
		r.lines = &plainLines{in: bufio.NewReader(s.in)}
	}
	return r.loop()
}

// repl is one interactive session: the globals its statements share and
// where it reads and writes.
type repl struct {
	ctx         context.Context
	ss          *session
	lines       lineSource
	out, errw   io.Writer
	interactive bool
	globals     starlark.StringDict
	chunk       int // statements read so far, for thread names
	width       int // columns a value may take on one line before it is printed on several
}

// lineSource reads the session's input one line at a time: a line editor
// on a terminal, plain lines otherwise.
type lineSource interface {
	// readLine shows prompt (on a terminal) and returns the next line
	// with its newline; io.EOF at the end of input (Ctrl-D), errLineCancelled
	// when the line was abandoned (Ctrl-C).
	readLine(prompt string) (string, error)
}

// errLineCancelled is a line abandoned with Ctrl-C: the statement being
// typed is dropped and the session goes on.
var errLineCancelled = errors.New("line cancelled")

// plainLines reads lines from a reader that is not a terminal: no prompt,
// no editing.
type plainLines struct{ in *bufio.Reader }

func (p *plainLines) readLine(string) (string, error) { return p.in.ReadString('\n') }

// loop reads and runs one statement at a time until the end of input or
// until the session's context is cancelled (Ctrl-C).
func (r *repl) loop() error {
	for {
		if err := r.ctx.Err(); err != nil {
			return withCode(exitcode.Interrupted, errors.New("repl: interrupted"))
		}
		eof, err := r.step()
		if err != nil {
			return err
		}
		if eof {
			if r.interactive {
				fmt.Fprintln(r.out)
			}
			return nil
		}
	}
}

// step reads one compound statement, runs it and prints the value of an
// expression. Starlark errors are printed, not returned: only a failure to
// read input ends the session with an error.
func (r *repl) step() (eof bool, err error) {
	var readErr error
	prompt := ">>> "
	lines, endedBlock, cancelled := 0, false, false
	readline := func() ([]byte, error) {
		line, err := r.lines.readLine(prompt)
		prompt = "... "
		if errors.Is(err, errLineCancelled) {
			cancelled = true
			return nil, err
		}
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			if !errors.Is(err, io.EOF) {
				readErr = err
				return nil, err
			}
			if lines > 0 && !endedBlock {
				// The input ended inside a block: end the block as a
				// blank line would, and run it.
				endedBlock = true
				return []byte("\n"), nil
			}
			eof = true
			return nil, err
		}
		lines++
		if !strings.HasSuffix(line, "\n") {
			line += "\n"
		}
		return []byte(line), nil
	}
	opts := &syntax.FileOptions{Set: true, While: true, TopLevelControl: true, GlobalReassign: true, LoadBindsGlobally: true}
	f, perr := opts.ParseCompoundStmt("<repl>", readline)
	if readErr != nil {
		return false, withCode(exitcode.Failed, fmt.Errorf("repl: reading standard input: %w", readErr))
	}
	if cancelled {
		return false, nil // Ctrl-C: the statement typed so far is dropped
	}
	if perr != nil {
		if eof {
			return true, nil
		}
		r.printError(perr)
		return false, nil
	}
	runtime.GuardSizes(f)
	r.chunk++
	thread := r.ss.runbook.NewThread(r.ctx, fmt.Sprintf("repl#%d", r.chunk))
	thread.Print = func(_ *starlark.Thread, msg string) { fmt.Fprintln(r.out, msg) }
	if expr := soleExpr(f); expr != nil {
		v, err := starlark.EvalExprOptions(f.Options, thread, expr, r.globals)
		if err != nil {
			r.printError(err)
			return false, nil
		}
		r.globals["_"] = v
		if v != starlark.None {
			fmt.Fprintln(r.out, formatValue(v, r.width))
		}
		return false, nil
	}
	if err := starlark.ExecREPLChunk(f, thread, r.globals); err != nil {
		r.printError(err)
	}
	return false, nil
}

// soleExpr returns the expression when f is a single expression statement.
func soleExpr(f *syntax.File) syntax.Expr {
	if len(f.Stmts) == 1 {
		if st, ok := f.Stmts[0].(*syntax.ExprStmt); ok {
			return st.X
		}
	}
	return nil
}

// printError prints a Starlark error with its backtrace, and the session
// goes on.
func (r *repl) printError(err error) {
	var ee *starlark.EvalError
	if errors.As(err, &ee) {
		fmt.Fprintln(r.errw, ee.Backtrace())
		return
	}
	fmt.Fprintln(r.errw, err)
}
