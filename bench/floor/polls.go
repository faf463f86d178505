package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// pollsResult is what polls prints.
type pollsResult struct {
	Requests     int `json:"requests"`
	Creates      int `json:"creates"`
	JobLists     int `json:"job_lists"`
	JobGets      int `json:"job_gets"`
	Polls        int `json:"polls"`
	MaxPerPoll   int `json:"max_lists_per_poll"`
	TokenFetches int `json:"token_fetches"`
}

// polls reads simulator request log lines and counts the requests, and
// the job list requests per poll: list requests less than gap of real time
// (the log's "time", the wall clock) apart belong to one poll.
func polls(args []string, in io.Reader) (any, error) {
	fs := flag.NewFlagSet("polls", flag.ContinueOnError)
	gap := fs.Duration("gap", 500*time.Millisecond, "real time between two polls, at least")
	_ = fs.Float64("timescale", 1, "ignored (the log has the wall clock; kept for old scripts)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	var res pollsResult
	var last time.Time
	per := 0
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e struct {
			Time   time.Time `json:"time"`
			Method string    `json:"method"`
			Path   string    `json:"path"`
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("request log: %w", err)
		}
		switch {
		case e.Path == "/as/token.oauth2":
			res.TokenFetches++
			continue
		case e.Method == "POST" && e.Path == "/compute-ops-mgmt/v1/jobs":
			res.Creates++
		case e.Method == "GET" && e.Path == "/compute-ops-mgmt/v1/jobs":
			res.JobLists++
			if res.Polls == 0 || e.Time.Sub(last) > *gap {
				res.Polls++
				per = 0
			}
			last = e.Time
			per++
			res.MaxPerPoll = max(res.MaxPerPoll, per)
		case e.Method == "GET" && strings.HasPrefix(e.Path, "/compute-ops-mgmt/v1/jobs/"):
			res.JobGets++
		}
		res.Requests++
	}
	return res, sc.Err()
}
