package plan_test

import (
	"errors"
	"strings"
	"testing"

	"glrun/plan"
)

// CheckWorkspace applies a plan only in the workspace it was made in; a
// plan or a token that names none is refused when the other names one,
// and only when neither does is the plan applied, with a warning.
func TestCheckWorkspace(t *testing.T) {
	tests := []struct {
		name, planned, now string
		refused, warned    bool
	}{
		{"same workspace", "ws-a", "ws-a", false, false},
		{"another workspace", "ws-a", "ws-b", true, false},
		{"plan names none", "", "ws-b", true, false},
		{"token names none", "ws-a", "", true, false},
		{"neither names one", "", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &plan.Plan{Target: plan.Target{Kind: plan.KindBaseURL, Workspace: tt.planned}}
			warning, err := p.CheckWorkspace(tt.now)
			var we *plan.WorkspaceError
			if got := errors.As(err, &we); got != tt.refused {
				t.Fatalf("refused = %v (%v), want %v", got, err, tt.refused)
			}
			if tt.refused && !strings.Contains(err.Error(), "nothing was sent") {
				t.Errorf("the refusal does not say nothing was sent: %v", err)
			}
			if got := warning != ""; got != tt.warned {
				t.Errorf("warning %q, want one: %v", warning, tt.warned)
			}
		})
	}
}

// CheckText refuses a change whose pending ids were edited, as it refuses
// edited actions and descriptions.
func TestCheckTextCoversPendingIDs(t *testing.T) {
	m := plan.Mutation{Seq: 1, Action: plan.ActionUpdate, Method: "PATCH", Path: "/compute-ops-mgmt/v1/jobs/plan-job-0001",
		Body: map[string]any{"state": "CANCELLED"}, Description: "set job plan-job-0001 to CANCELLED",
		Collection: "/compute-ops-mgmt/v1/jobs", Pending: []string{"plan-job-0001"}}
	p := &plan.Plan{Mutations: []plan.Mutation{m}}
	if err := p.CheckText(); err != nil {
		t.Fatalf("an intact change: %v", err)
	}
	p.Mutations[0].Pending = nil
	var te *plan.TamperedError
	if err := p.CheckText(); !errors.As(err, &te) || te.Field != "pending" {
		t.Errorf("edited pending ids: %v, want a TamperedError on pending", err)
	}
}
