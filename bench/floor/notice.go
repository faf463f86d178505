package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"glrun/glapi"
)

// noticeResult is what notice prints: how long after a job finished in the
// simulator a client first asked about it (wall milliseconds).
type noticeResult struct {
	Jobs     int     `json:"jobs"`
	MedianMS float64 `json:"median_ms"`
	P95MS    float64 `json:"p95_ms"`
	MaxMS    float64 `json:"max_ms"`
}

// notice reads the simulator's request log lines of one run on in, lists
// the jobs that run created (those created since its first job creation)
// from the simulator and, for each finished one, measures the lag between
// its end (its updatedAt, on the simulator's clock) and the first job read
// (a job list or a job GET) at or after it: the time the client needed to
// notice, at best. The lag is on the simulator's clock divided by
// timescale: wall time.
func notice(args []string, in io.Reader) (any, error) {
	fs := flag.NewFlagSet("notice", flag.ContinueOnError)
	scale := fs.Float64("timescale", 1, "the simulator's --time-scale")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	var reads []time.Time // simulated times of job reads
	var first time.Time   // simulated time of the first job creation
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e struct {
			SimTime time.Time `json:"sim_time"`
			Method  string    `json:"method"`
			Path    string    `json:"path"`
			Status  int       `json:"status"`
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("request log: %w", err)
		}
		switch {
		case e.Method == "POST" && e.Path == "/compute-ops-mgmt/v1/jobs":
			if first.IsZero() {
				first = e.SimTime
			}
		case e.Method == "GET" && e.Status == 200 && strings.HasPrefix(e.Path, "/compute-ops-mgmt/v1/jobs"):
			reads = append(reads, e.SimTime)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if first.IsZero() {
		return nil, fmt.Errorf("notice: the log has no job creation")
	}
	slices.SortFunc(reads, func(a, b time.Time) int { return a.Compare(b) })
	cfg := glapi.Config{}
	cfg.ApplyEnv(os.Getenv)
	cfg.RateLimits.Off = true
	c, err := glapi.New(cfg)
	if err != nil {
		return nil, err
	}
	since := first.Add(-time.Second).UTC().Format(time.RFC3339Nano)
	var lags []float64
	err = c.Jobs.ListFunc(context.Background(), glapi.ListOptions{Filter: "createdAt ge " + since}, func(j glapi.Object) error {
		if !glapi.JobFinished(j.String("state")) {
			return nil
		}
		end, err := time.Parse(time.RFC3339Nano, j.String("updatedAt"))
		if err != nil {
			return fmt.Errorf("job %s: updatedAt: %w", j.ID(), err)
		}
		i, _ := slices.BinarySearchFunc(reads, end, func(a, b time.Time) int { return a.Compare(b) })
		if i == len(reads) {
			return nil // never read after it ended
		}
		lags = append(lags, float64(reads[i].Sub(end))/float64(time.Millisecond) / *scale)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(lags) == 0 {
		return noticeResult{}, nil
	}
	slices.Sort(lags)
	at := func(q float64) float64 { return lags[min(len(lags)-1, int(q*float64(len(lags))))] }
	return noticeResult{Jobs: len(lags), MedianMS: at(0.5), P95MS: at(0.95), MaxMS: lags[len(lags)-1]}, nil
}
