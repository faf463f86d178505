package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"glrun/exitcode"
	"glrun/glapi"
	"glrun/plan"
	glsession "glrun/session"
)

// needsApproval reports whether a run against these target flags changes a
// real GreenLake workspace (targetFlags.realGreenLake: not --sim, not
// --replay, and not a base URL on a loopback host, from whichever source).
func needsApproval(f *targetFlags, getenv func(string) string) bool {
	return f.realGreenLake(getenv)
}

// isTerminalInput reports whether r is a terminal someone can answer on.
func isTerminalInput(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// registerApprovalFlags adds run's --dry-run, --yes and --confirm.
func registerApprovalFlags(fs *pflag.FlagSet, f *runFlags) {
	fs.BoolVar(&f.dryRun, "dry-run", false, "send reads only and print the plan of the changes the runbook would make (-o json: the plan as JSON)")
	fs.BoolVar(&f.yes, "yes", false, "against a real GreenLake workspace, run the plan shown without asking (needed when standard input is not a terminal)")
	fs.BoolVar(&f.confirm, "confirm", false, "show the plan and ask before running even against --sim or a loopback --base-url (always on against GreenLake)")
}

// approvalRun is 'glrun run --dry-run', and 'glrun run' against a real
// workspace (or with --confirm).
func approvalRun(cmd *cobra.Command, s streams, f *runFlags, path string, params []string) error {
	if !f.dryRun {
		return approveAndRun(cmd, s, f, path, params)
	}
	p, err := makePlan(cmd, s, &f.sessionFlags, path, params)
	if err != nil {
		return err
	}
	if f.output == "json" {
		return writePlanJSON(s, p)
	}
	return renderPlan(s, p)
}

// checkCredentials fails as a run would when the target lacks credentials,
// before a confirmation is asked for.
func checkCredentials(cmd *cobra.Command, s streams, f *targetFlags, path string) error {
	if f.sim || f.replay != "" {
		return nil
	}
	tgt, err := f.resolve(cmd, s)
	if err != nil {
		return err
	}
	defer tgt.Close()
	if _, err := glapi.New(tgt.cfg); err != nil {
		if errors.Is(err, glapi.ErrNoCredentials) {
			return withCode(exitcode.Usage, fmt.Errorf("%w\n(or try the built-in simulator: glrun run --sim %s)", err, path))
		}
		return withCode(exitcode.Usage, err)
	}
	return nil
}

// approveAndRun is 'glrun run' against a real workspace: plan (dry run:
// reads only), then decide. A plan with no change needs no approval: the
// run goes ahead (as the apply of that empty plan, so it still cannot
// change anything), with or without a terminal. A plan with changes is
// shown, then confirmed (or --yes), then exactly that plan is applied, so
// that what was approved is what runs; without a terminal and without
// --yes, the plan is shown and nothing is changed.
func approveAndRun(cmd *cobra.Command, s streams, f *runFlags, path string, params []string) error {
	if err := glsession.Check(path); err != nil {
		return runtimeExit(err)
	}
	if err := checkCredentials(cmd, s, &f.target, path); err != nil {
		return err
	}
	planning := f.sessionFlags
	planning.target.record = "" // a cassette records the run, not its plan
	p, err := makePlan(cmd, s, &planning, path, params)
	if err != nil {
		return err
	}
	if len(p.Mutations) == 0 {
		fmt.Fprintf(s.err, "glrun: %s changes nothing (its plan has no change), so it runs without asking; a change it tries would be refused\n", p.Runbook.Path)
		return applyPlan(cmd, s, &f.sessionFlags, p)
	}
	if err := plan.Render(s.err, p, plan.RenderOptions{Color: terminal(s.err) != nil}); err != nil {
		return err
	}
	if !f.yes {
		if !isTerminalInput(s.in) {
			return usageErrorf("this run changes a real GreenLake workspace (%s, above), so glrun asks before sending a change, "+
				"but standard input is not a terminal: pass --yes to run without asking (the plan is still shown), "+
				"or save the plan for review with 'glrun plan %s ... --out PLAN.json' and run it with 'glrun apply PLAN.json'. No change was sent.", planSummary(p), path)
		}
		ok, err := confirm(s.in, s.err, fmt.Sprintf("Send these changes (%s) to %s?", planSummary(p), p.Target))
		if err != nil {
			return withCode(exitcode.Failed, fmt.Errorf("reading the confirmation: %w", err))
		}
		if !ok {
			return withCode(exitcode.Failed, fmt.Errorf("not confirmed: nothing was changed"))
		}
	}
	return applyPlan(cmd, s, &f.sessionFlags, p)
}

// confirm asks question on w and reads the answer from r: only "yes"
// confirms.
func confirm(r io.Reader, w io.Writer, question string) (bool, error) {
	fmt.Fprintf(w, "%s Only 'yes' is accepted: ", question)
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && line == "" {
		if err == io.EOF {
			return false, nil
		}
		return false, err
	}
	return strings.TrimSpace(line) == "yes", nil
}
