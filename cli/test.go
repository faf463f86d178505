package cli

import (
	"io"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"glrun/exitcode"
	"glrun/runtest"
	glsession "glrun/session"
)

func newTestCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "test [-run REGEX] [-v] [PATH ...]",
		Short: "Run the runbooks' *_test.star tests against a fresh simulator each",
		Long: `Find the *_test.star files under each PATH (default: the current directory)
and run every test_* function in them, each with a fresh in-process simulator
on a virtual clock: waits take no time and nothing leaves the process.

A test file sees every builtin plus:
  runbook.run(path, **params)   run a runbook (path relative to the test file);
                                returns .status ("ok", "failed", "timeout", "usage"),
                                .exit_code, .value, .error, .jobs, .mutations,
                                .logs, .requests
  sim.server(id_or_name)  sim.set_power(id, "OFF")  sim.fail_next_job(template=)
  sim.add_user(email, status=)  sim.user(email)  sim.group(name)  sim.jobs()
  sim.group_servers(name)  sim.credentials()  sim.requests()  sim.advance("5m") ...
  assert.eq(got, want)  assert.ne  assert.true  assert.false  assert.contains
  assert.fails(fn, match)        failures name file:line; a test reports all
  replay(cassette)               later runs answer from a recorded cassette

Prints one ok/FAIL line per test with its time, then "N passed, M failed".
Exits 1 when any test fails, 2 when there is no test to run.`,
		Example: `  glrun test runbooks/
  glrun test -run 'test_.*error' -v runbooks/power_cycle_test.star

  # runbooks/power_cycle_test.star
  def test_skips_servers_that_are_off():
      sim.set_power("prod-web-02", "OFF")
      r = runbook.run("power_cycle.star", group = "prod-web")
      assert.eq(r.status, "ok")
      assert.contains(r.value["skipped_not_on"], "prod-web-02")`,
		DisableFlagParsing: true, // -run and -v, spelled like go test's
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTests(cmd, s, args)
		},
	}
	return cmd
}

// runTests parses the go-test-like flags and runs the tests.
func runTests(cmd *cobra.Command, s streams, args []string) error {
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	fs.SetOutput(s.err)
	var (
		run     string
		verbose bool
		help    bool
		output  string
	)
	fs.StringVar(&run, "run", "", "run only the test functions whose name matches this regular expression")
	fs.BoolVarP(&verbose, "v", "v", false, "show each test as it starts, its print() output and its runbooks' logs")
	fs.BoolVarP(&help, "help", "h", false, "help for test")
	registerOutput(fs, &output, `the results ({"passed", "failed", "tests": [{"file", "name", "passed", "failures", "elapsed_ms"}]})`)
	if err := fs.Parse(goTestArgs(args)); err != nil {
		return usageErrorf("%v (see 'glrun test --help')", err)
	}
	if help {
		return cmd.Help()
	}
	if err := checkOutput(output); err != nil {
		return err
	}
	opts := runtest.Options{Out: s.out, Verbose: verbose, Classify: glsession.Classify}
	if output == "json" {
		opts.Out, opts.Verbose = io.Discard, false
	}
	if run != "" {
		re, err := regexp.Compile(run)
		if err != nil {
			return usageErrorf("-run %q: not a regular expression: %v", run, err)
		}
		opts.Run = re
	}
	sum, err := runtest.Run(cmd.Context(), fs.Args(), opts)
	if err != nil {
		return withCode(exitcode.Usage, err)
	}
	if output == "json" {
		if err := writeJSON(s.out, testResultsJSON(sum)); err != nil {
			return err
		}
	}
	if sum.Failed > 0 {
		return withCode(exitcode.Failed, nil)
	}
	if sum.Passed == 0 {
		return usageErrorf("no test matches -run %q", run)
	}
	return nil
}

// goTestArgs turns go test's single-dash long flags (-run X, -run=X, -v)
// into the double-dash form pflag reads.
func goTestArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.HasPrefix(a, "-run") && (a == "-run" || strings.HasPrefix(a, "-run=")) {
			a = "-" + a
		}
		if a == "-help" {
			a = "--help"
		}
		out[i] = a
	}
	return out
}
