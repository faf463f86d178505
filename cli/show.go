package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"glrun/plan"
)

// showOptions is what 'glrun show' was asked to do, once its command line
// is parsed and checked.
type showOptions struct {
	output string // "text" or "json"
	asJSON bool   // --json, the deprecated spelling of -o json
	path   string // the plan file
}

// newShowCmd returns 'glrun show'. runF does the work once the command line
// is parsed and checked; nil means rendering the plan (tests pass their own).
func newShowCmd(s streams, runF func(*showOptions) error) *cobra.Command {
	if runF == nil {
		runF = func(o *showOptions) error { return showPlan(s, o) }
	}
	o := &showOptions{}
	cmd := &cobra.Command{
		Use:   "show [-o json] PLAN.json",
		Short: "Render a saved plan for review",
		Long: `Render a plan saved by 'glrun plan --out': where it comes from (runbook, file
hashes, git commit, parameters, target, time), then its changes grouped by kind
of resource, numbered in the order they will be sent and marked like Terraform:
+ create, ~ update, - delete. Coloured on a terminal unless NO_COLOR is set.
-o json prints the plan as JSON, for tools. Nothing is sent.

The text of every change (action, description) is derived from its request
again before it is shown: a plan edited so that its text says something other
than its requests is refused as tampered (exit 3), as 'glrun apply' refuses it.`,
		Example: `  glrun show restart.plan.json
  glrun show -o json restart.plan.json | jq '.mutations[].description'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.asJSON {
				fmt.Fprintln(s.err, "glrun: --json is deprecated; use -o json")
				if cmd.Flags().Changed("output") && o.output != "json" {
					return usageErrorf("--json and -o %s disagree; use -o json", o.output)
				}
				o.output = "json"
			}
			if err := checkOutput(o.output); err != nil {
				return err
			}
			o.path = args[0]
			return runF(o)
		},
	}
	registerOutput(cmd.Flags(), &o.output, "the plan")
	cmd.Flags().BoolVar(&o.asJSON, "json", false, "deprecated: use -o json")
	_ = cmd.Flags().MarkHidden("json")
	return cmd
}

// showPlan reads the plan file and prints it as o says.
func showPlan(s streams, o *showOptions) error {
	p, err := readPlanFile(o.path)
	if err != nil {
		return err
	}
	if o.output == "json" {
		return writePlanJSON(s, p)
	}
	if err := renderPlan(s, p); err != nil {
		return err
	}
	if len(p.Mutations) == 0 {
		return nil
	}
	_, err = fmt.Fprintln(s.out, preflightNote(p))
	return err
}

// preflightNote tells a reviewer what an apply checks before sending
// anything.
func preflightNote(p *plan.Plan) string {
	return "\nBefore sending anything, 'glrun apply' re-plans against the workspace as it is then, and goes on only on\n  " +
		p.PreflightPassed() + "\n(else it exits 3 and sends nothing)."
}
