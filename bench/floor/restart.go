package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"
	"time"

	"glrun/glapi"
)

// restartResult is what restart prints.
type restartResult struct {
	WallMS   float64 `json:"wall_ms"`
	Jobs     int     `json:"jobs"`
	Complete int     `json:"complete"`
	Polls    int     `json:"polls"`
}

// restart does what bench/restart.star does, with glapi alone: find the
// group, create a restart job per server on `workers` goroutines, then
// poll every job with one list request per poll until all are finished.
func restart(args []string) (any, error) {
	fs := flag.NewFlagSet("restart", flag.ContinueOnError)
	group := fs.String("group", "lab", "the group whose servers to restart")
	workers := fs.Int("workers", 16, "concurrent job creations")
	poll := fs.Duration("poll", time.Second, "polling interval")
	noLimit := fs.Bool("no-rate-limit", false, "turn glapi's client-side rate limiter off")
	count := fs.Int("count", 0, "restart only the group's first count servers (0: all)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	start := time.Now()
	cfg := glapi.Config{}
	cfg.ApplyEnv(os.Getenv)
	cfg.RateLimits.Off = *noLimit
	c, err := glapi.New(cfg)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	groups, err := c.Groups.List(ctx, glapi.ListOptions{Filter: fmt.Sprintf("name eq '%s'", *group)})
	if err != nil || len(groups) == 0 {
		return nil, fmt.Errorf("finding group %s: %v", *group, err)
	}
	var ids []string
	devs, _ := groups[0]["devices"].([]any)
	for _, d := range devs {
		if m, ok := d.(map[string]any); ok {
			ids = append(ids, m["deviceId"].(string))
		}
	}
	if *count > 0 && *count < len(ids) {
		ids = ids[:*count]
	}
	tmpl, err := glapi.LookupTemplate("restart")
	if err != nil {
		return nil, err
	}
	jobs := make([]glapi.Object, len(ids))
	errs := make([]error, len(ids))
	next := make(chan int)
	var wg sync.WaitGroup
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				jobs[i], errs[i] = c.Jobs.Create(ctx, glapi.JobCreate{JobTemplate: tmpl.ID, ResourceID: ids[i], ResourceType: glapi.ResourceServer})
			}
		}()
	}
	for i := range ids {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("creating the job of %s: %w", ids[i], err)
		}
	}
	since := jobs[0].String("createdAt")
	for _, j := range jobs {
		since = min(since, j.String("createdAt"))
	}
	state := map[string]string{}
	res := restartResult{Jobs: len(jobs)}
	for {
		res.Polls++
		err := c.Jobs.ListFunc(ctx, glapi.ListOptions{Filter: "createdAt ge " + since}, func(j glapi.Object) error {
			state[j.ID()] = j.String("state")
			return nil
		})
		if err != nil {
			return nil, err
		}
		done, complete := 0, 0
		for _, j := range jobs {
			switch state[j.ID()] {
			case glapi.JobComplete:
				done++
				complete++
			case glapi.JobError:
				done++
			}
		}
		if done == len(jobs) {
			res.Complete = complete
			break
		}
		time.Sleep(*poll)
	}
	res.WallMS = float64(time.Since(start).Microseconds()) / 1000
	return res, nil
}
