package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"glrun/exitcode"
	"glrun/glapi/sim"
	"glrun/plan"
)

// shareSim makes every session of one command that uses --sim talk to the
// same in-process simulator (a preflight and the apply after it), by
// starting it here unless the caller (a test) gave one.
func shareSim(s streams, f *sessionFlags) streams {
	if f.target.sim && s.sim == nil && f.target.simTimeScale > 0 {
		s.sim = sim.New(sim.Options{TimeScale: f.target.simTimeScale})
	}
	return s
}

// preflight re-runs p's runbook as a dry run against the target f names,
// just before an apply: its reads are sent, nothing else. It returns nil
// when the runbook still plans exactly the plan's changes, else an error
// (exit 3 for a *plan.PreflightError; a dry run that fails exits as a run
// would) and nothing has been sent. The dry
// run's own output (print, logs, progress) is not shown, and it is never
// recorded in a cassette: only the apply is.
func preflight(cmd *cobra.Command, s streams, f *sessionFlags, p *plan.Plan) error {
	quiet := s
	quiet.err = io.Discard
	pf := *f
	pf.target.record = ""
	clk := &clockRef{}
	dry := plan.NewDryRun(clk)
	ss, err := openSession(cmd, quiet, &pf, p.Runbook.Path, dry)
	if err != nil {
		return fmt.Errorf("preflight: %w", err)
	}
	defer ss.Close()
	clk.c = ss.target.clock
	if _, err := ss.runbook.Call(cmd.Context(), p.ParamArgs()); err != nil {
		fmt.Fprintln(s.err, "glrun: apply stopped in the preflight, nothing was sent: the dry run against the workspace as it is now failed")
		return runtimeExit(err)
	}
	if err := p.Preflight(dry.Mutations()); err != nil {
		return withCode(exitcode.Drift, err)
	}
	return nil
}
