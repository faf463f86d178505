package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"go.starlark.net/starlark"

	"glrun/builtins"
)

// runFlags are the flags of 'glrun run'.
type runFlags struct {
	sessionFlags
	output string // "text" or "json": how the run report is printed
	// dryRun plans instead of running; yes and confirm steer the approval
	// of a live run (see confirm.go).
	dryRun, yes, confirm bool
}

// runOptions is what 'glrun run' was asked to do, once its command line is
// parsed and checked.
type runOptions struct {
	runFlags
	path   string   // the runbook
	params []string // NAME=VALUE, as given
}

// newRunCmd returns 'glrun run'. runF does the work once the command line
// is parsed and checked; nil means running the runbook (tests pass their
// own, to check the parsing without running anything).
func newRunCmd(s streams, runF func(*cobra.Command, *runOptions) error) *cobra.Command {
	if runF == nil {
		runF = func(cmd *cobra.Command, o *runOptions) error {
			return runRunbook(cmd, s, &o.runFlags, o.path, o.params)
		}
	}
	o := &runOptions{}
	f := &o.runFlags
	cmd := &cobra.Command{
		Use:   "run [flags] FILE [NAME=VALUE ...]",
		Short: "Run a runbook",
		Long: `Run the runbook FILE: call its main() with the parameters given as NAME=VALUE.
Each VALUE is converted by the type of the parameter's default (int, float, bool,
string, a comma list for a list, KEY=VALUE,... for a dict); a parameter whose
default is a type (emails = list) is required and of that type. 'glrun describe
FILE' lists the parameters with their types.

Without --sim, glrun talks to GreenLake with the API client credentials in
GREENLAKE_CLIENT_ID and GREENLAKE_CLIENT_SECRET (create them in the GreenLake
workspace under Manage Workspace > API).

` + journalHelp,
		Example: `  glrun run --sim runbooks/power_cycle.star group=prod-web batch=4
  glrun run --region eu-central runbooks/failed_jobs.star days=3
  glrun run --base-url http://127.0.0.1:8080 runbooks/onboard_user.star email=ana@example.com

  # keep the change record: the changes, and the audit entries and COM activities they caused
  glrun run --evidence CHG-1234.json runbooks/onboard_server.star serial=CZ2401ONB1 part=P52534-B21 group=lab

  # record a run (secrets redacted), then replay it offline in milliseconds
  glrun run --record testdata/cassettes/pc.yaml runbooks/power_cycle.star group=prod-db
  glrun run --replay testdata/cassettes/pc.yaml runbooks/power_cycle.star group=prod-db

  # a live run that stopped early (its id was printed when it started)
  glrun runs
  glrun resume 20261203-140855-3f9a2c`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(f.output); err != nil {
				return err
			}
			if f.evidence != "" && f.dryRun {
				return usageErrorf("--evidence and --dry-run do not go together: a dry run changes nothing, so there is no evidence to collect")
			}
			o.path, o.params = args[0], args[1:]
			return runF(cmd, o)
		},
	}
	fs := cmd.Flags()
	fs.SetInterspersed(false) // everything after FILE is a parameter
	f.register(fs)
	registerCassetteFlags(fs, &f.target)
	registerOutput(fs, &f.output, "the run report (status, exit code, result, changes, jobs, elapsed times)")
	registerApprovalFlags(fs, f)
	f.journal.register(fs)
	registerEvidenceFlag(fs, &f.sessionFlags)
	return cmd
}

// runRunbook checks the runbook and its parameters, connects to the target
// and runs main, reporting what was sent on every exit path.
func runRunbook(cmd *cobra.Command, s streams, f *runFlags, path string, params []string) (err error) {
	if err := checkParamSyntax(params); err != nil {
		return finishRun(s, f.output, nil, path, nil, err)
	}
	if f.dryRun || f.confirm || s.realTarget || needsApproval(&f.target, s.env()) {
		return approvalRun(cmd, s, f, path, params)
	}
	jr := newJournalling(cmd, s, &f.sessionFlags, "run", path, params)
	defer func() { err = jr.finish(err) }()
	ss, err := openSessionWith(cmd, s, &f.sessionFlags, path, nil, jr.hook)
	if err != nil {
		return finishRun(s, f.output, nil, path, nil, err)
	}
	defer ss.Close()
	rb := ss.runbook
	// An emergency exit prints the whole run report (-o json included).
	ss.ran()
	ss.running = emergencyOf(cmd.Context()).begin(func(code int, msg string) {
		_ = finishRun(s, f.output, ss, rb.Name(), nil, withCode(code, errors.New(msg)))
	})
	defer func() { finishEvidence(cmd.Context(), s, &f.sessionFlags, ss, rb.Name(), params, err) }()
	ss.logger.Info("running", "runbook", rb.Name(), "target", ss.target.describe())
	result, err := rb.Call(cmd.Context(), params)
	ss.ran()
	if rerr := ss.target.finishRecording(); rerr != nil && err == nil {
		err = rerr // the run worked but its cassette could not be written
	}
	if err != nil {
		return finishRun(s, f.output, ss, rb.Name(), nil, runtimeExit(err))
	}
	return finishRun(s, f.output, ss, rb.Name(), result, nil)
}

// checkParamSyntax refuses arguments that are not NAME=VALUE.
func checkParamSyntax(params []string) error {
	for _, p := range params {
		name, _, ok := strings.Cut(p, "=")
		if !ok || name == "" {
			return usageErrorf("parameter %q: want NAME=VALUE (see 'glrun describe FILE' for the parameters)", p)
		}
	}
	return nil
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
