package main

import (
	"flag"
	"fmt"
	"time"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"glrun/builtins"
	"glrun/glapi/odata"
)

// callsResult is what calls prints: nanoseconds per call.
type callsResult struct {
	N          int     `json:"n"`
	StarlarkNS float64 `json:"starlark_ns_per_call"`
	GoNS       float64 `json:"go_ns_per_call"`
	OverNS     float64 `json:"overhead_ns_per_call"`
}

// calls times n calls of a cheap builtin, odata.eq("name", "web-01"), from
// a Starlark loop in glrun's interpreter and the same n calls of the Go
// function behind it (odata.Eq) from a Go loop.
func calls(args []string) (any, error) {
	fs := flag.NewFlagSet("calls", flag.ContinueOnError)
	n := fs.Int("n", 10000, "calls")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	pre := builtins.Predeclared(&builtins.Env{})
	src := fmt.Sprintf("def loop():\n    for i in range(%d):\n        odata.eq(\"name\", \"web-01\")\nloop()\n", *n)
	best := func(f func() error) (time.Duration, error) {
		var min time.Duration
		for range 5 {
			start := time.Now()
			if err := f(); err != nil {
				return 0, err
			}
			if d := time.Since(start); min == 0 || d < min {
				min = d
			}
		}
		return min, nil
	}
	sl, err := best(func() error {
		_, err := starlark.ExecFileOptions(&syntax.FileOptions{}, &starlark.Thread{Name: "calls"}, "calls.star", src, pre)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("starlark loop: %w", err)
	}
	gl, err := best(func() error {
		for range *n {
			if _, err := odata.Eq("name", "web-01"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	r := callsResult{N: *n, StarlarkNS: float64(sl.Nanoseconds()) / float64(*n), GoNS: float64(gl.Nanoseconds()) / float64(*n)}
	r.OverNS = r.StarlarkNS - r.GoNS
	return r, nil
}
