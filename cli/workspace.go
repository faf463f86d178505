package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"glrun/exitcode"
	"glrun/plan"
)

// planWorkspace returns the workspace the session's credentials act in, for
// the plan to record; "" when the token names none or cannot be had (the
// run reports that failure itself).
func planWorkspace(cmd *cobra.Command, ss *session) string {
	ws, err := ss.client.Workspace(cmd.Context())
	if err != nil {
		ss.logger.Warn("the plan does not record its workspace: no access token", "error", err)
		return ""
	}
	return ws
}

// checkPlanWorkspace refuses, before anything is sent (exit 3), to apply p
// with credentials acting in another workspace than the plan was made in.
func checkPlanWorkspace(cmd *cobra.Command, ss *session, p *plan.Plan) error {
	ws, err := ss.client.Workspace(cmd.Context())
	if err != nil {
		return withCode(exitcode.Failed, fmt.Errorf("apply: getting an access token to check the workspace (nothing was sent): %w", err))
	}
	warning, err := p.CheckWorkspace(ws)
	if err != nil {
		return withCode(exitcode.Drift, err)
	}
	if warning != "" {
		ss.logger.Warn(warning)
	}
	return nil
}
