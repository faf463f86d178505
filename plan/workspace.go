package plan

import "fmt"

// WorkspaceError refuses an apply whose credentials act in another
// workspace than the plan was made in: hosts alone do not say which
// workspace a change lands in (every workspace of a region shares them).
type WorkspaceError struct {
	// Planned is the workspace the plan was made in ("" when the plan
	// names none); Now the one the credentials act in ("" when the token
	// names none).
	Planned, Now string
}

// Error says which workspaces differ and what to do.
func (e *WorkspaceError) Error() string {
	planned, now := e.Planned, e.Now
	if planned == "" {
		planned = "(not recorded)"
	}
	if now == "" {
		now = "(the access token names none)"
	}
	return fmt.Sprintf("apply refused, nothing was sent: the plan is for another workspace: it was made in workspace %s, and these credentials act in workspace %s.\n"+
		"A plan applies only in the workspace it was reviewed for: make a new plan there ('glrun plan') and have it reviewed", planned, now)
}

// CheckWorkspace compares the workspace the credentials act in now (the
// hpe_workspace_id of their access token, "" when it names none) with the
// plan's. A difference is a *WorkspaceError; so is a plan that records no
// workspace applied where the token names one, and the reverse. When
// neither names a workspace (a target whose tokens are not GreenLake's),
// it returns a warning to show instead.
func (p *Plan) CheckWorkspace(now string) (warning string, err error) {
	switch {
	case p.Target.Workspace == now && now != "":
		return "", nil
	case p.Target.Workspace == "" && now == "":
		return "neither the plan nor this target's access token names a workspace, so the plan is applied without checking that it is the workspace it was made in", nil
	}
	return "", &WorkspaceError{Planned: p.Target.Workspace, Now: now}
}
