package plan_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"glrun/clock"
	"glrun/glapi"
	"glrun/plan"
)

// The changes of one parallel.map call (one glapi.Batch) are recorded as a
// batch; an apply matches them by content in any order, each planned
// change at most once, maps planned ids to the real ones, and still stops
// before an unplanned change.
func TestApplyMatchesConcurrentChangesByContent(t *testing.T) {
	restart := mustTemplate(t, "restart").ID
	create := func(ctx context.Context, c *glapi.Client, server string) (glapi.Object, error) {
		return c.Jobs.Create(ctx, glapi.JobCreate{JobTemplate: restart, ResourceID: server, ResourceType: glapi.ResourceServer})
	}
	// The plan: three restarts in one batch, then one on its own.
	dr := plan.NewDryRun(clock.NewVirtual(epoch))
	dc, s := newClient(t, dr)
	ids := make([]string, 5)
	for i, srv := range s.Servers()[:5] {
		ids[i] = srv.ID()
	}
	batch := glapi.WithBatch(context.Background(), &glapi.Batch{})
	for _, id := range ids[:3] {
		if _, err := create(batch, dc, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := create(context.Background(), dc, ids[3]); err != nil {
		t.Fatal(err)
	}
	p := &plan.Plan{Format: plan.FormatVersion, Mutations: dr.Mutations()}
	var batches []int
	for _, m := range p.Mutations {
		batches = append(batches, m.Batch)
	}
	if want := []int{1, 1, 1, 0}; !slices.Equal(batches, want) {
		t.Fatalf("batches %v, want %v", batches, want)
	}

	tests := []struct {
		name  string
		order []int // indexes into ids, sent in this order (the first three in a batch)
		drift int   // position in order of the change that must drift; -1: none
	}{
		{"any order", []int{2, 0, 1, 3}, -1},
		{"a planned change twice", []int{1, 1}, 1},
		{"an unplanned change in the batch", []int{0, 4}, 1},
		{"the lone change before the batch ended", []int{0, 3}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ap := plan.NewApply(p)
			ap.Arm()
			c, s := newClient(t, ap)
			real := map[string]string{} // server -> real job id
			ctx := glapi.WithBatch(context.Background(), &glapi.Batch{})
			for k, i := range tt.order {
				before := mutationsSent(s)
				j, err := create(ctx, c, ids[i])
				var drift *plan.DriftError
				if k == tt.drift {
					if !errors.As(err, &drift) {
						t.Fatalf("change %d: %v, want a drift", k, err)
					}
					if mutationsSent(s) != before {
						t.Errorf("the drifting change was sent")
					}
					return
				}
				if err != nil {
					t.Fatalf("change %d (server %d): %v", k, i, err)
				}
				real[ids[i]] = j.ID()
			}
			if err := ap.Finish(); err != nil {
				t.Fatalf("finish: %v", err)
			}
			got := ap.IDs()
			for n, m := range p.Mutations {
				body := m.Body.(map[string]any)
				if want := real[body["resourceId"].(string)]; got[m.Creates] != want {
					t.Errorf("change #%d: %s mapped to %q, want %q (the job of its own server)", n+1, m.Creates, got[m.Creates], want)
				}
			}
		})
	}
}

// A plan whose batch is split in two is refused: a batch is one call.
func TestParseRefusesASplitBatch(t *testing.T) {
	good := `{"format":2,"glrun":"dev","created":"2026-01-02T03:04:05Z",
	  "runbook":{"path":"rb.star","sha256":"` + strings.Repeat("a", 64) + `","files":[{"name":"rb.star","sha256":"` + strings.Repeat("a", 64) + `"}]},
	  "params":{},"target":{"kind":"simulator"},"mutations":[%s]}`
	mut := `{"seq":%d,"action":"create","method":"POST","path":"/x","description":"POST /x","collection":"/x","batch":%d}`
	var ms []string
	for i, b := range []int{1, 1, 0, 1} {
		ms = append(ms, strings.Replace(strings.Replace(mut, "%d", strconv.Itoa(i+1), 1), "%d", strconv.Itoa(b), 1))
	}
	_, err := plan.Parse([]byte(strings.Replace(good, "%s", strings.Join(ms, ","), 1)))
	if err == nil || !strings.Contains(err.Error(), "batch 1 are not contiguous") {
		t.Errorf("error %v, want the split batch named", err)
	}
}
