package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"go.starlark.net/starlark"

	"glrun/builtins"
	"glrun/glapi"
	"glrun/runtime"
)

// runFlags are the flags of 'glrun run'.
type runFlags struct {
	target   targetFlags
	log      logFlags
	maxSteps uint64
	timeout  time.Duration
}

func newRunCmd(s streams) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run [flags] FILE [NAME=VALUE ...]",
		Short: "Run a runbook",
		Long: `Run the runbook FILE: call its main() with the parameters given as NAME=VALUE.
Each VALUE is converted by the type of the parameter's default (int, float, bool,
string, or a comma list for a list). 'glrun describe FILE' lists the parameters.

Without --sim, glrun talks to GreenLake with the API client credentials in
GREENLAKE_CLIENT_ID and GREENLAKE_CLIENT_SECRET (create them in the GreenLake
workspace under Manage Workspace > API).`,
		Example: `  glrun run --sim runbooks/power_cycle.star group=prod-web batch=4
  glrun run --region eu-central runbooks/failed_jobs.star days=3
  glrun run --base-url http://127.0.0.1:8080 runbooks/onboard_user.star email=ana@example.com`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRunbook(cmd, s, &f, args[0], args[1:])
		},
	}
	fs := cmd.Flags()
	fs.SetInterspersed(false) // everything after FILE is a parameter
	f.target.register(fs)
	f.log.register(fs)
	fs.Uint64Var(&f.maxSteps, "max-steps", runtime.DefaultMaxSteps, "stop the runbook after this many Starlark execution steps")
	fs.DurationVar(&f.timeout, "timeout", 0, "stop the run after this long (e.g. 45m; 0 means no limit); exits 4")
	return cmd
}

// runRunbook checks the runbook and its parameters, connects to the target
// and runs main, reporting what was sent.
func runRunbook(cmd *cobra.Command, s streams, f *runFlags, path string, params []string) error {
	ctx := cmd.Context()
	if err := checkParamSyntax(params); err != nil {
		return err
	}
	if err := runtime.Check(path, builtins.Names()); err != nil {
		return runtimeExit(err)
	}
	tgt, err := f.target.resolve(cmd, s)
	if err != nil {
		return err
	}
	defer tgt.Close()

	logger := f.log.logger(s.err)
	tl := newTally(nil)
	cfg := tgt.cfg
	cfg.Mode = tl
	cfg.Clock = tgt.clock
	cfg.Logger = logger
	client, err := glapi.New(cfg)
	if err != nil {
		if errors.Is(err, glapi.ErrNoCredentials) {
			return withCode(ExitUsage, fmt.Errorf("%w\n(or try the built-in simulator: glrun run --sim %s)", err, path))
		}
		return withCode(ExitUsage, err)
	}
	env := &builtins.Env{Client: client, Clock: tgt.clock, Log: logger, Progress: terminal(s.err)}
	opts := runtime.Options{
		Predeclared: builtins.Predeclared(env),
		MaxSteps:    f.maxSteps,
		Timeout:     f.timeout,
		Print: func(_ *starlark.Thread, msg string) {
			fmt.Fprintln(s.err, msg)
		},
		Classify: classifyBuiltinError,
	}
	rb, err := runtime.Load(ctx, path, opts)
	if err != nil {
		return runtimeExit(err)
	}
	// Parameters are checked before anything is sent: Describe and the
	// conversion happen inside CallParams before main runs.
	logger.Info("running", "runbook", rb.Name(), "target", tgt.describe())
	start := time.Now()
	result, err := rb.Call(ctx, params)
	elapsed := time.Since(start).Round(time.Millisecond)
	if err != nil {
		fmt.Fprintf(s.err, "glrun: %s failed after %s: %s\n", rb.Name(), elapsed, tl.summary())
		return runtimeExit(err)
	}
	if err := printResult(s.out, result); err != nil {
		return err
	}
	fmt.Fprintf(s.err, "glrun: %s done in %s: %s\n", rb.Name(), elapsed, tl.summary())
	return nil
}

// checkParamSyntax refuses arguments that are not NAME=VALUE.
func checkParamSyntax(params []string) error {
	for _, p := range params {
		name, _, ok := cutParam(p)
		if !ok || name == "" {
			return usageErrorf("parameter %q: want NAME=VALUE (see 'glrun describe FILE' for the parameters)", p)
		}
	}
	return nil
}

func cutParam(p string) (name, value string, ok bool) {
	for i := 0; i < len(p); i++ {
		if p[i] == '=' {
			return p[:i], p[i+1:], true
		}
	}
	return "", "", false
}

// classifyBuiltinError maps the builtins' and the client's own error types
// to exit codes.
func classifyBuiltinError(err error) (int, bool) {
	var wt *builtins.WaitTimeoutError
	if errors.As(err, &wt) {
		return ExitTimeout, true
	}
	var ae *builtins.ArgError
	if errors.As(err, &ae) {
		return ExitUsage, true
	}
	var fe *glapi.FilterError
	if errors.As(err, &fe) {
		return ExitUsage, true
	}
	return 0, false
}

// runtimeExit turns a runtime error into the exit code it carries.
func runtimeExit(err error) error {
	var re *runtime.Error
	if errors.As(err, &re) {
		return withCode(re.ExitCode(), err)
	}
	return withCode(ExitFailed, err)
}

// printResult writes main's return value: nothing for None, a string as
// is, anything else as indented JSON.
func printResult(w io.Writer, v starlark.Value) error {
	switch v := v.(type) {
	case nil, starlark.NoneType:
		return nil
	case starlark.String:
		_, err := fmt.Fprintln(w, string(v))
		return err
	}
	goval, err := builtins.FromStarlark(v)
	if err != nil {
		_, err = fmt.Fprintln(w, v.String())
		return err
	}
	b, err := json.MarshalIndent(goval, "", "  ")
	if err != nil {
		return fmt.Errorf("printing the runbook's result: %w", err)
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}
