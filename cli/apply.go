package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"glrun/builtins"
	"glrun/exitcode"
	"glrun/plan"
	"glrun/runtime"
)

func newApplyCmd(s streams) *cobra.Command {
	var f sessionFlags
	cmd := &cobra.Command{
		Use:   "apply [flags] PLAN.json [NAME=VALUE ...]",
		Short: "Run exactly the change a saved plan describes, and nothing else",
		Long: `Re-run the plan's runbook live, with the plan's parameters, and compare every
change (POST, PUT, PATCH, DELETE) with the plan's next one BEFORE sending it.
Ids the plan made up (plan-job-0001 ...) are matched to the real ones as the
API returns them.

The runbook is found relative to the plan file (or to the top of the git
checkout), so a plan applies from any directory of the same checkout.

Refused at once, with nothing sent (exit 3), when any file of the runbook
changed since the plan was made (sha256), when parameters are given and differ
from the plan's, or when the target (--sim, --base-url, --region,
--tenant-acid, GREENLAKE_* variables) differs from the plan's: a plan made
with --sim applies only with --sim, and one made against GreenLake only
without it.

The first change that differs from the plan, or that the plan does not contain,
is not sent: the run stops with a diff of planned vs actual (exit 3). A run
that ends with planned changes unsent lists them (exit 3).
See docs/approval.md.

` + journalHelp,
		Example: `  glrun plan runbooks/power_cycle.star group=prod-web --out restart.plan.json
  glrun show restart.plan.json        # review, e.g. in a pull request
  glrun apply restart.plan.json       # exactly the reviewed change

  glrun apply --sim restart.plan.json # a plan made with --sim applies with --sim`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := readPlanFile(args[0])
			if err != nil {
				return err
			}
			if f.target.replay == "" {
				if err := p.CheckSim(f.target.sim); err != nil {
					return withCode(exitcode.Drift, err)
				}
			}
			// From the plan file or the checkout's top, whatever the
			// working directory; CheckFiles then proves it is the same code.
			if found := p.Locate(cmd.Context(), args[0]); found != p.Runbook.Path {
				fmt.Fprintf(s.err, "glrun: the plan's runbook %s is %s from here\n", p.Runbook.Path, found)
				p.Runbook.Path = found
			}
			if len(args) > 1 {
				given, err := paramMap(args[1:])
				if err != nil {
					return err
				}
				if err := p.CheckParams(given); err != nil {
					return withCode(exitcode.Drift, err)
				}
			}
			return applyPlan(cmd, s, &f, p)
		},
	}
	f.register(cmd.Flags())
	f.journal.register(cmd.Flags())
	registerEvidenceFlag(cmd.Flags(), &f)
	return cmd
}

// applyPlan re-runs p's runbook live with the apply mode: refused before
// anything is sent when the runbook's files or the target differ from the
// plan; stopped before any change the plan does not contain.
func applyPlan(cmd *cobra.Command, s streams, f *sessionFlags, p *plan.Plan) (err error) {
	s = shareSim(s, f) // the preflight and the apply see the same simulator
	files, err := runtime.ListFiles(p.Runbook.Path, runtime.Options{}, isBuiltinName)
	if err != nil {
		return withCode(exitcode.Drift, fmt.Errorf("apply refused, nothing was sent: the plan's runbook %s cannot be loaded any more: %w", p.Runbook.Path, err))
	}
	if err := p.CheckFiles(planFiles(files)); err != nil {
		return withCode(exitcode.Drift, err)
	}
	mode := plan.NewApply(p)
	jr, err := newApplyJournalling(cmd, s, f, p)
	if err != nil {
		return err
	}
	defer func() { err = jr.finish(err) }()
	ss, err := openSessionWith(cmd, s, f, p.Runbook.Path, mode, jr.hook)
	if err != nil {
		return err
	}
	defer ss.Close()
	if err := p.CheckTarget(targetOf(ss)); err != nil {
		return withCode(exitcode.Drift, err)
	}
	if err := checkPlanWorkspace(cmd, ss, p); err != nil {
		return err
	}
	if err := p.CheckFiles(planFiles(ss.runbook.Files())); err != nil {
		return withCode(exitcode.Drift, err)
	}
	if err := preflight(cmd, s, f, p); err != nil {
		return err
	}
	fmt.Fprintln(s.err, "glrun: "+p.PreflightPassed())
	if s.afterPreflight != nil {
		s.afterPreflight()
	}
	mode.Arm()
	defer func() { finishEvidence(cmd.Context(), s, f, ss, ss.runbook.Name(), p.ParamArgs(), err) }()
	rb := ss.runbook
	ss.logger.Info("applying plan", "runbook", rb.Name(), "changes", len(p.Mutations), "target", ss.target.describe())
	start := time.Now()
	result, err := rb.Call(cmd.Context(), p.ParamArgs())
	if rerr := ss.target.finishRecording(); rerr != nil && err == nil {
		err = rerr // the run worked but its cassette could not be written
	}
	elapsed := time.Since(start).Round(time.Millisecond)
	finish := mode.Finish()
	sent := fmt.Sprintf("%d of %d planned changes sent, after the preflight passed; %s", mode.Sent(), len(p.Mutations), ss.tally.summary())
	var drift *plan.DriftError
	switch {
	case errors.As(finish, &drift):
		fmt.Fprintf(s.err, "glrun: apply of %s stopped after %s: %s\n", rb.Name(), elapsed, sent)
		ss.printJobs(s.err, exitcode.Drift)
		if err != nil && errors.As(err, &drift) {
			return runtimeExit(err)
		}
		return withCode(exitcode.Drift, drift)
	case err != nil:
		err = runtimeExit(err)
		fmt.Fprintf(s.err, "glrun: %s %s after %s: %s\n", rb.Name(), statusVerb(statusOf(exitCodeOf(err))), elapsed, sent)
		ss.printJobs(s.err, exitCodeOf(err))
		if finish != nil {
			fmt.Fprintln(s.err, "glrun: "+finish.Error())
		}
		return err
	case finish != nil:
		fmt.Fprintf(s.err, "glrun: apply of %s incomplete after %s: %s\n", rb.Name(), elapsed, sent)
		ss.printJobs(s.err, exitcode.Drift)
		return withCode(exitcode.Drift, finish)
	}
	if err := printResult(s.scrubbed(s.out), result); err != nil {
		return err
	}
	fmt.Fprintf(s.err, "glrun: applied the plan of %s in %s: %s\n", rb.Name(), elapsed, sent)
	return nil
}

// isBuiltinName reports whether name is predeclared for runbooks.
func isBuiltinName(name string) bool {
	for _, n := range builtins.Names() {
		if n == name {
			return true
		}
	}
	return false
}

// planSummary is "3 to create, 0 to update, 1 to delete".
func planSummary(p *plan.Plan) string {
	c, u, d := p.Counts()
	parts := []string{fmt.Sprintf("%d to create", c), fmt.Sprintf("%d to update", u), fmt.Sprintf("%d to delete", d)}
	return strings.Join(parts, ", ")
}
