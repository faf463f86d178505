package wait_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
	"glrun/glapi/wait"
)

// handlerTransport serves a client's requests with a handler in the same
// process: no sockets, so a benchmark measures the wait, not loopback.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil { // a server's request always has a body
		r = r.Clone(r.Context())
		r.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// rollingRestart is what one run of BenchmarkTimeToNotice saw.
type rollingRestart struct {
	lags  []time.Duration // per job: its end to the poll that first saw it finished
	polls int             // fetches, over every batch
	gaps  []time.Duration // between two polls of a wait
	took  time.Duration   // simulated time of the whole restart
}

// runRollingRestart restarts batches of perBatch servers on a fresh
// simulator whose job durations vary by spread (sim.Options.
// JobDurationSpread), one batch after the other, each waited for as
// compute.jobs.wait_all waits (batched, approval-aware) with a 5s first
// poll; durations nil is a wait that does not adapt.
func runRollingRestart(tb testing.TB, batches, perBatch int, spread float64, durations *wait.Durations) rollingRestart {
	tb.Helper()
	ctx := context.Background()
	clk := clock.NewVirtual(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	s := sim.New(sim.Options{Clock: clk, Seed: 1, JobDurationSpread: spread})
	c, err := glapi.New(glapi.Config{BaseURL: "http://sim.invalid", ClientID: sim.DemoClientID,
		ClientSecret: glapi.NewSecret(sim.DemoClientSecret), Clock: clk, Transport: handlerTransport{s}})
	if err != nil {
		tb.Fatal(err)
	}
	restart, err := glapi.LookupTemplate("restart")
	if err != nil {
		tb.Fatal(err)
	}
	servers := s.AddServers(batches * perBatch)
	var out rollingRestart
	start := clk.Now()
	for b := range batches {
		jobs := make([]glapi.Object, 0, perBatch)
		for _, id := range servers[b*perBatch : (b+1)*perBatch] {
			job, err := c.Jobs.CreateChecked(ctx, glapi.JobCreate{JobTemplate: restart.ID, ResourceID: id, ResourceType: restart.ResourceType})
			if err != nil {
				tb.Fatal(err)
			}
			jobs = append(jobs, job)
		}
		kind := wait.JobsWithApprovals(c.Jobs, c.ApprovalRequests, true)
		fetch := kind.Fetch
		var lastPoll time.Time
		kind.Fetch = func(ctx context.Context, pending []glapi.Object) ([]glapi.Object, error) {
			fresh, err := fetch(ctx, pending)
			out.polls++
			now := clk.Now()
			if !lastPoll.IsZero() {
				out.gaps = append(out.gaps, now.Sub(lastPoll))
			}
			lastPoll = now
			for _, j := range fresh {
				if wait.JobFinished(j) {
					end, err := time.Parse(time.RFC3339Nano, j.String("updatedAt"))
					if err != nil {
						return nil, fmt.Errorf("job %s: updatedAt: %w", j.ID(), err)
					}
					out.lags = append(out.lags, now.Sub(end))
				}
			}
			return fresh, err
		}
		done, err := wait.For(ctx, kind, jobs, wait.Options{What: "compute.jobs.wait_all", Timeout: wait.DefaultTimeout,
			Poll: wait.DefaultPoll, Clock: clk, Durations: durations})
		if err != nil {
			tb.Fatal(err)
		}
		for _, j := range done {
			if err := wait.JobFailure(j); err != nil {
				tb.Fatal(err)
			}
		}
	}
	out.took = clk.Now().Sub(start)
	return out
}

// percentile is the nearest-rank p-th percentile of sorted.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}

func TestRollingRestartIsNoticedSoonerWithinOnePollASecond(t *testing.T) {
	const batches, perBatch = 4, 5
	median := func(r rollingRestart) time.Duration {
		lags := slices.Sorted(slices.Values(r.lags))
		return percentile(lags, 50)
	}
	for _, spread := range []float64{0, 0.2} {
		off := runRollingRestart(t, batches, perBatch, spread, nil)
		on := runRollingRestart(t, batches, perBatch, spread, wait.NewDurations())
		if median(on) >= median(off) {
			t.Errorf("spread %.0f%%: median lag %s adapting, %s not: want less", spread*100, median(on), median(off))
		}
		if shortest := slices.Min(on.gaps); shortest < wait.MinAdaptiveSleep {
			t.Errorf("spread %.0f%%: two polls of a wait %s apart, want at least %s", spread*100, shortest, wait.MinAdaptiveSleep)
		}
	}
}

// BenchmarkTimeToNotice measures how soon a wait notices that a job has
// finished, on the simulator and a virtual clock (an iteration takes tens
// of milliseconds of wall time): a rolling restart of 10 batches of 20
// servers, one batch after the other, each batch waited for as wait_all
// waits, with the default 5s first poll; adapt=off is the plain backoff,
// adapt=on shares one Durations over the batches as a run does.
//
// It reports, in simulated seconds, the median and 95th percentile (nearest
// rank) of the lag from each job's end (its updatedAt) to the poll that
// first saw it finished; the polls per batch; and the simulated time of
// the whole restart.
//
// spread=0 is the simulator as it is: every restart takes exactly 93s (3s
// pending, 90s running) and a batch's jobs are created at one instant, so
// from the second batch on the expected end is exact and every job ends
// just before the poll aimed at it: the best case. spread=20% varies each
// job's running time uniformly by up to 20% either way (72s to 108s), so
// that about half the jobs end after the expected end and are noticed by
// the backoff restarted from the first poll. In both, the first batch,
// with nothing observed yet, polls exactly as adapt=off does, so its jobs
// (10% of them) weigh on the 95th percentile.
func BenchmarkTimeToNotice(b *testing.B) {
	const batches, perBatch = 10, 20
	for _, spread := range []float64{0, 0.2} {
		for _, adapt := range []bool{false, true} {
			name := fmt.Sprintf("spread=%.0f%%/adapt=off", spread*100)
			if adapt {
				name = fmt.Sprintf("spread=%.0f%%/adapt=on", spread*100)
			}
			b.Run(name, func(b *testing.B) { benchRollingRestart(b, batches, perBatch, spread, adapt) })
		}
	}
}

// benchRollingRestart runs one case of BenchmarkTimeToNotice and reports
// its metrics.
func benchRollingRestart(b *testing.B, batches, perBatch int, spread float64, adapt bool) {
	var last rollingRestart
	for b.Loop() {
		var durations *wait.Durations
		if adapt {
			durations = wait.NewDurations()
		}
		last = runRollingRestart(b, batches, perBatch, spread, durations)
	}
	lags := slices.Clone(last.lags)
	slices.Sort(lags)
	if len(lags) != batches*perBatch {
		b.Fatalf("%d jobs seen finished, want %d", len(lags), batches*perBatch)
	}
	b.ReportMetric(percentile(lags, 50).Seconds(), "lag-p50-s")
	b.ReportMetric(percentile(lags, 95).Seconds(), "lag-p95-s")
	b.ReportMetric(float64(last.polls)/float64(batches), "polls/batch")
	b.ReportMetric(last.took.Seconds(), "sim-s")
}
