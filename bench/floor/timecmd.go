package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"
)

// timeResult is what time prints.
type timeResult struct {
	Runs     int     `json:"runs"`
	MedianMS float64 `json:"median_ms"`
	MinMS    float64 `json:"min_ms"`
	MaxRSSKB int64   `json:"max_rss_kb"`
	// CPUMS is the median CPU time (user and system, the command's
	// children included: curl and jq of a bash script).
	CPUMS float64 `json:"cpu_ms"`
	Exit  int     `json:"exit"`
}

// timeCmd runs a command `runs` times (its output to standard error) and
// reports the median and minimum wall time, the median CPU time and the
// largest peak RSS.
func timeCmd(args []string) (any, error) {
	fs := flag.NewFlagSet("time", flag.ContinueOnError)
	runs := fs.Int("runs", 1, "how many times to run the command")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	cmdArgs := fs.Args()
	if len(cmdArgs) == 0 {
		return nil, fmt.Errorf("time: no command (usage: floor time [-runs N] -- CMD ARGS...)")
	}
	res := timeResult{Runs: *runs}
	var walls, cpus []float64
	for range *runs {
		cmd := exec.Command(cmdArgs[0], cmdArgs[1:]...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		start := time.Now()
		err := cmd.Run()
		walls = append(walls, float64(time.Since(start).Microseconds())/1000)
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			return nil, fmt.Errorf("running %s: %w", cmdArgs[0], err)
		}
		res.Exit = max(res.Exit, cmd.ProcessState.ExitCode())
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			res.MaxRSSKB = max(res.MaxRSSKB, ru.Maxrss)
		}
		cpus = append(cpus, float64((cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime()).Microseconds())/1000)
	}
	slices.Sort(walls)
	slices.Sort(cpus)
	res.MedianMS, res.MinMS, res.CPUMS = walls[len(walls)/2], walls[0], cpus[len(cpus)/2]
	return res, nil
}
