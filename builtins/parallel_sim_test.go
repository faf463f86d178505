package builtins

import (
	"context"
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// parallel.map fanning out API calls: run with -race, every result is the
// one of its item, in input order, and every job was created exactly once.
func TestParallelMapCreatesJobsConcurrently(t *testing.T) {
	f := newSimFixture(t, nil)
	f.sim.AddServers(40)
	before := len(f.sim.Jobs())
	thread := &starlark.Thread{Name: "parallel-test"}
	SetContext(thread, context.Background())
	globals, err := starlark.ExecFileOptions(&syntax.FileOptions{}, thread, "parallel_test.star", `
g = compute.groups.list(filter = "name eq 'lab'")[0]
ids = [d.deviceId for d in g.devices][12:]
jobs = parallel.map(lambda id: compute.jobs.create("restart", id), ids, workers = 8)
done = compute.jobs.wait_all(jobs, poll = "5s")
result = [(id, j.resource.id, d.id == j.id, d.state) for id, j, d in zip(ids, jobs, done)]`,
		starlark.StringDict{"compute": computeModule(f.env), "parallel": parallelModule()})
	if err != nil {
		t.Fatal(err)
	}
	rows := globals["result"].(*starlark.List)
	if rows.Len() != 40 {
		t.Fatalf("%d results, want 40", rows.Len())
	}
	for i := range rows.Len() {
		r := rows.Index(i).(starlark.Tuple)
		if r[0] != r[1] || r[2] != starlark.True || r[3] != starlark.String("COMPLETE") {
			t.Errorf("result %d = %s, want the job of its own server, COMPLETE", i, r)
		}
	}
	if got := len(f.sim.Jobs()) - before; got != 40 {
		t.Errorf("%d jobs created, want 40", got)
	}
}
