package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"glrun/plan"
)

func newShowCmd(s streams) *cobra.Command {
	var asJSON bool
	var output string
	cmd := &cobra.Command{
		Use:   "show [-o json] PLAN.json",
		Short: "Render a saved plan for review",
		Long: `Render a plan saved by 'glrun plan --out': where it comes from (runbook, file
hashes, git commit, parameters, target, time), then its changes grouped by kind
of resource, numbered in the order they will be sent and marked like Terraform:
+ create, ~ update, - delete. Coloured on a terminal unless NO_COLOR is set.
-o json prints the plan as JSON, for tools. Nothing is sent.`,
		Example: `  glrun show restart.plan.json
  glrun show -o json restart.plan.json | jq '.mutations[].description'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON {
				fmt.Fprintln(s.err, "glrun: --json is deprecated; use -o json")
				output = "json"
			}
			if err := checkOutput(output); err != nil {
				return err
			}
			p, err := plan.ReadFile(args[0])
			if err != nil {
				return usageErrorf("%v", err)
			}
			if output == "json" {
				return writePlanJSON(s, p)
			}
			return renderPlan(s, p)
		},
	}
	registerOutput(cmd.Flags(), &output, "the plan")
	cmd.Flags().BoolVar(&asJSON, "json", false, "deprecated: use -o json")
	_ = cmd.Flags().MarkHidden("json")
	return cmd
}
