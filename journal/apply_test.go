package journal

import (
	"context"
	"fmt"
	"testing"

	"glrun/glapi"
	"glrun/plan"
)

// applyRunbook restarts two servers and invites a user, without waiting
// (a plan's job answers are synthesized).
func applyRunbook(ctx context.Context, c *glapi.Client) error {
	servers, err := c.Servers.List(ctx, glapi.ListOptions{PageSize: 2, Limit: 2})
	if err != nil {
		return err
	}
	tpl, _ := glapi.LookupTemplate("restart")
	for _, s := range servers {
		if _, err := c.Jobs.CreateChecked(ctx, glapi.JobCreate{JobTemplate: tpl.ID, ResourceID: s.ID(), ResourceType: "compute-ops-mgmt/server"}); err != nil {
			return err
		}
	}
	_, err = c.Users.InviteChecked(ctx, invitee, false)
	return err
}

// TestResumeAnApply crashes an apply around each of its changes and
// resumes it with the apply's plan check above the journal (Chain): the
// changes the resume answers from the journal count as applied, the rest
// are checked against the plan and sent, each once.
func TestResumeAnApply(t *testing.T) {
	w0 := newWorld(t)
	dry := plan.NewDryRun(w0.clk)
	if err := applyRunbook(context.Background(), w0.client(t, dry, w0.clk)); err != nil {
		t.Fatal(err)
	}
	p := &plan.Plan{Mutations: dry.Mutations()}
	if len(p.Mutations) != 3 {
		t.Fatalf("planned %d changes, want 3", len(p.Mutations))
	}
	for at := 2; at <= 4; at++ { // the first job creation, the second, the invitation
		for _, after := range []bool{false, true} {
			t.Run(fmt.Sprintf("request %d after=%v", at, after), func(t *testing.T) {
				w := newWorld(t)
				st := NewFileStore(t.TempDir())
				m := w.meta()
				m.Command = "apply"
				run, err := Start(st, m, w.clk)
				if err != nil {
					t.Fatal(err)
				}
				apply := plan.NewApply(p)
				apply.Arm()
				c := w.client(t, Chain(apply, run.Recorder(&crasher{at: at, after: after})), w.clk)
				func() {
					defer func() {
						if _, ok := recover().(crash); !ok {
							t.Fatal("the apply did not crash")
						}
					}()
					_ = applyRunbook(context.Background(), c)
				}()
				_ = run.unlock()

				run, res, err := Resume(st, run.ID(), m, w.clk, nil)
				if err != nil {
					t.Fatal(err)
				}
				apply = plan.NewApply(p)
				apply.Arm()
				err = applyRunbook(context.Background(), w.client(t, Chain(apply, res), res.Clock()))
				if err == nil {
					err = apply.Finish()
				}
				_ = run.Finish(err)
				if err != nil {
					t.Fatalf("resumed apply: %v", err)
				}
				got := changesSent(w.sim)
				if got["POST /compute-ops-mgmt/v1/jobs"] != 2 || got["POST /identity/v1/users"] != 1 || len(got) != 2 {
					t.Errorf("changes received %v, want each planned change once", got)
				}
			})
		}
	}
}
