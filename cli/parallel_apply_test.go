package cli

import (
	"testing"

	"glrun/exitcode"
)

// TestParallelChangesApplyWithoutDrift: the changes the workers of one
// parallel.map make reach the API in another order every run. A plan
// records them as one concurrent batch and its apply matches them by
// content, so planning and applying the runbook ten times in a row never
// drifts, and each apply sends exactly the planned changes.
func TestParallelChangesApplyWithoutDrift(t *testing.T) {
	t.Parallel()
	const rb = "testdata/plans/parallel_jobs.star"
	s := newTestSim(t)
	for run := range 10 {
		path, _ := makePlanFile(t, s, rb)
		p := readPlan(t, path)
		if len(p.Mutations) != 10 {
			t.Fatalf("run %d: %d planned changes, want 10", run, len(p.Mutations))
		}
		for _, m := range p.Mutations {
			if m.Batch != 1 {
				t.Fatalf("run %d: change #%d is in batch %d, want every change in batch 1", run, m.Seq, m.Batch)
			}
		}
		r := glrunSim(t, s, "apply", "--sim", path)
		if r.code != exitcode.OK {
			t.Fatalf("run %d: apply exit %d\n%s", run, r.code, r.stderr)
		}
		if got := len(r.mutations()); got != 10 {
			t.Fatalf("run %d: apply sent %d changes, want 10", run, got)
		}
	}
}
