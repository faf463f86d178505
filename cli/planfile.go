package cli

import (
	"errors"

	"glrun/exitcode"
	"glrun/plan"
)

// readPlanFile reads and checks a plan for show and apply. A plan whose
// text does not match its requests (edited after it was made) is refused
// like a drift (exit 3); any other unreadable plan is a usage error.
func readPlanFile(path string) (*plan.Plan, error) {
	p, err := plan.ReadFile(path)
	var tampered *plan.TamperedError
	switch {
	case errors.As(err, &tampered):
		return nil, withCode(exitcode.Drift, err)
	case err != nil:
		return nil, usageErrorf("%v", err)
	}
	return p, nil
}
