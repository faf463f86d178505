package runtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"go.starlark.net/starlark"

	"glrun/runtime"
	"glrun/session"
)

// Options configures Run.
type Options struct {
	// Out receives one ok/FAIL line per test, the failures, and the
	// summary line.
	Out io.Writer
	// Run, when set, runs only the tests whose function name it matches
	// (like go test -run).
	Run *regexp.Regexp
	// Verbose also shows each test as it starts, its print() output and
	// the log lines of the runbooks it ran, passing or not.
	Verbose bool
	// MaxSteps caps each Starlark thread (0: runtime.DefaultMaxSteps).
	MaxSteps uint64
	// Timeout bounds each test in wall time (0: one minute). Waits take
	// none: the clock is virtual.
	Timeout time.Duration
	// Classify maps builtin errors to exit codes for runbook.run results
	// (the cli's classification); nil leaves them to the runtime.
	Classify func(error) (int, bool)
	// Start is where each test's virtual clock starts (zero: DefaultStart).
	Start time.Time
	// Root confines the paths a test gives runbook.run and replay(), as a
	// runbook's root confines load(): none may lie outside it. Empty: the
	// repository holding the test file (the nearest directory above it
	// with a .git), or the test file's directory outside a repository.
	Root string
}

func (o *Options) start() time.Time {
	if o.Start.IsZero() {
		return DefaultStart
	}
	return o.Start
}

func (o *Options) timeout() time.Duration {
	if o.Timeout <= 0 {
		return time.Minute
	}
	return o.Timeout
}

// Result is the outcome of one test function.
type Result struct {
	// File is the test file, as found.
	File string
	// Name is the test function's name.
	Name string
	// Failures are the failed assertions ("file:line: assert.eq: got ..,
	// want .."), or the error that stopped the test.
	Failures []string
	// Elapsed is the wall time the test took.
	Elapsed time.Duration
}

// Passed reports whether the test passed.
func (r Result) Passed() bool { return len(r.Failures) == 0 }

// Summary is what Run found.
type Summary struct {
	Results        []Result
	Passed, Failed int
}

// Run runs the test_* functions of the test files found under paths (see
// Find), each with a fresh simulator on a virtual clock, writing one line
// per test and a last "N passed, M failed" line to opts.Out. The error is
// for paths that hold no tests; failing tests are in the Summary.
func Run(ctx context.Context, paths []string, opts Options) (Summary, error) {
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	files, err := Find(paths)
	if err != nil {
		return Summary{}, err
	}
	var sum Summary
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		names, loadErr := testNames(ctx, &opts, f)
		if loadErr != nil {
			sum.add(opts.Out, &opts, Result{File: f, Name: "(load)", Failures: []string{errorText(loadErr)}})
			continue
		}
		for _, name := range names {
			if opts.Run != nil && !opts.Run.MatchString(name) {
				continue
			}
			if opts.Verbose {
				fmt.Fprintf(opts.Out, "=== RUN  %s: %s\n", f, name)
			}
			sum.add(opts.Out, &opts, runOne(ctx, &opts, f, name))
		}
	}
	fmt.Fprintf(opts.Out, "%d passed, %d failed\n", sum.Passed, sum.Failed)
	return sum, nil
}

// add counts and prints a result.
func (s *Summary) add(out io.Writer, _ *Options, r Result) {
	s.Results = append(s.Results, r)
	word := "ok  "
	if r.Passed() {
		s.Passed++
	} else {
		s.Failed++
		word = "FAIL"
	}
	fmt.Fprintf(out, "%s %s: %s (%.3fs)\n", word, r.File, r.Name, r.Elapsed.Seconds())
	for _, f := range r.Failures {
		fmt.Fprintln(out, "    "+strings.ReplaceAll(f, "\n", "\n    "))
	}
}

// testNames loads a test file once and returns its test_* functions in the
// order they are defined.
func testNames(ctx context.Context, opts *Options, file string) ([]string, error) {
	tc := newCase(opts, file)
	rb, err := tc.load(ctx)
	if err != nil {
		return nil, err
	}
	type named struct {
		name string
		pos  int
	}
	var fns []named
	for name, v := range rb.Globals() {
		fn, ok := v.(*starlark.Function)
		if !ok || !strings.HasPrefix(name, "test_") {
			continue
		}
		if fn.NumParams() > 0 {
			return nil, fmt.Errorf("%s: %s: a test function takes no parameters", fn.Position(), name)
		}
		fns = append(fns, named{name, int(fn.Position().Line)})
	}
	sort.Slice(fns, func(i, j int) bool { return fns[i].pos < fns[j].pos })
	out := make([]string, len(fns))
	for i, f := range fns {
		out[i] = f.name
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no test_* functions", file)
	}
	return out, nil
}

// load loads the test file with every builtin, bound to this test's
// simulator, and the test modules.
func (tc *testCase) load(ctx context.Context) (*runtime.Runbook, error) {
	cfg := tc.sessionConfig(&capturing{next: caseTransport{tc: tc}}, discardLogger(),
		func(_ *starlark.Thread, msg string) { tc.output.add("    " + msg) })
	cfg.Extra = tc.testModules()
	opened, err := session.Open(ctx, cfg, tc.file)
	if err != nil {
		return nil, err
	}
	return opened.Runbook, nil
}

// runOne runs one test function in a fresh world.
func runOne(ctx context.Context, opts *Options, file, name string) Result {
	start := time.Now()
	tc := newCase(opts, file)
	r := Result{File: file, Name: name}
	rb, err := tc.load(ctx)
	if err == nil {
		fn, _ := rb.Globals()[name].(starlark.Callable)
		_, err = rb.Exec(ctx, name, fn, nil, nil)
	}
	r.Failures = append(r.Failures, tc.failures...)
	if err != nil {
		r.Failures = append(r.Failures, tc.inDir(errorText(err)))
	}
	r.Elapsed = time.Since(start)
	if opts.Verbose || !r.Passed() {
		for _, l := range tc.output.list() {
			fmt.Fprintln(opts.Out, l)
		}
	}
	return r
}

// inDir puts the test file's directory before a message that starts with
// a position relative to it ("x_test.star:3:5: ..."), so it names the file
// as the user gave it.
func (tc *testCase) inDir(msg string) string {
	if tc.dir == "." || tc.dir == "" {
		return msg
	}
	if i := strings.Index(msg, ".star:"); i > 0 && !strings.ContainsAny(msg[:i], " /") {
		return filepath.Join(tc.dir, msg[:i]) + msg[i:]
	}
	return msg
}

// errorText is an error as a test failure: the message with its position
// and the Starlark backtrace.
func errorText(err error) string {
	var re *runtime.Error
	if errors.As(err, &re) && re.Backtrace != "" {
		return re.Msg + "\n" + strings.TrimRight(re.Backtrace, "\n")
	}
	return err.Error()
}
