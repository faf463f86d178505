// Command floor is the Go side of bench/run.sh: the floor that glrun is
// measured against (the same work done by a Go program calling glapi
// directly), and the small measuring tools the script needs without
// installing anything.
//
//	floor restart [-group lab] [-count N] [-workers 16] [-poll 1s] [-no-rate-limit]
//	                                      restart a group (or its first N servers), wait for all
//	floor calls [-n 10000]                builtin call cost, Starlark vs Go
//	floor time [-runs N] -- CMD ARGS...   median wall and CPU time, peak RSS
//	floor polls [-gap 0.5s] < LOG         list requests per poll in a request log
//	floor notice [-timescale 600] < LOG   time from a job's end to the first read after it
//
// Each prints one JSON object on standard output. restart and notice read
// GREENLAKE_BASE_URL, GREENLAKE_CLIENT_ID and GREENLAKE_CLIENT_SECRET.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: floor restart|calls|time|polls|notice [flags] (see the package documentation)")
		os.Exit(2)
	}
	var (
		out any
		err error
	)
	switch os.Args[1] {
	case "restart":
		out, err = restart(os.Args[2:])
	case "calls":
		out, err = calls(os.Args[2:])
	case "time":
		out, err = timeCmd(os.Args[2:])
	case "polls":
		out, err = polls(os.Args[2:], os.Stdin)
	case "notice":
		out, err = notice(os.Args[2:], os.Stdin)
	default:
		err = fmt.Errorf("unknown command %q (want restart, calls, time, polls or notice)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}
