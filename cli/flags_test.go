package cli

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"glrun/exitcode"
	"glrun/runtime"
)

// errNotRun is what a test's run function returns when it must not be
// called.
var errNotRun = errors.New("the command ran although its command line is wrong")

// parseOnly runs the command line args through a root command holding only
// cmd (and the root's persistent flags). cmd's run function is the test's
// own, so nothing runs: these tests check the parsing alone. It returns the
// error and what was written to standard error.
func parseOnly(t *testing.T, newCmd func(s streams) *cobra.Command, args ...string) (string, error) {
	t.Helper()
	var errb bytes.Buffer
	s := streams{in: strings.NewReader(""), out: &bytes.Buffer{}, err: &errb}
	root := &cobra.Command{Use: "glrun", SilenceUsage: true, SilenceErrors: true}
	registerLogFormat(root)
	root.AddCommand(newCmd(s))
	root.SetArgs(args)
	root.SetOut(&bytes.Buffer{})
	root.SetErr(&errb)
	err := root.Execute()
	return errb.String(), err
}

// codeOf is the exit code err would give (cobra's own errors are usage
// errors).
func codeOf(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if err != nil {
		return exitcode.Usage
	}
	return exitcode.OK
}

func TestRunFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, o *runOptions)
	}{
		{"defaults", []string{"run", "rb.star"}, func(t *testing.T, o *runOptions) {
			if o.output != "text" || o.maxSteps != runtime.DefaultMaxSteps || uint64(o.maxMem) != runtime.DefaultMaxMemory || o.timeout != 0 || o.target.sim || o.dryRun {
				t.Errorf("defaults: %+v", o.runFlags)
			}
		}},
		{"flags before FILE", []string{"run", "--sim", "-o", "json", "--timeout", "5m", "--max-steps", "10", "--dry-run", "rb.star", "a=1", "b=2"}, func(t *testing.T, o *runOptions) {
			if !o.target.sim || o.output != "json" || o.timeout != 5*time.Minute || o.maxSteps != 10 || !o.dryRun {
				t.Errorf("flags: %+v", o.runFlags)
			}
			if o.path != "rb.star" || strings.Join(o.params, " ") != "a=1 b=2" {
				t.Errorf("path %q params %q, want rb.star [a=1 b=2]", o.path, o.params)
			}
		}},
		{"everything after FILE is a parameter", []string{"run", "rb.star", "-o", "json"}, func(t *testing.T, o *runOptions) {
			if o.output != "text" || strings.Join(o.params, " ") != "-o json" {
				t.Errorf("output %q params %q, want text and [-o json]", o.output, o.params)
			}
		}},
		{"cassettes and approval", []string{"run", "--replay", "c.yaml", "--yes", "--confirm", "rb.star"}, func(t *testing.T, o *runOptions) {
			if o.target.replay != "c.yaml" || !o.yes || !o.confirm {
				t.Errorf("flags: %+v", o.runFlags)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got *runOptions
			_, err := parseOnly(t, func(s streams) *cobra.Command {
				return newRunCmd(s, func(_ *cobra.Command, o *runOptions) error { got = o; return nil })
			}, tc.args...)
			if err != nil || got == nil {
				t.Fatalf("%v: err %v, ran %v", tc.args, err, got != nil)
			}
			tc.check(t, got)
		})
	}
}

func TestPlanFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args        []string
		output, out string
		warning     string
	}{
		{[]string{"plan", "rb.star", "x=1"}, "text", "", ""},
		{[]string{"plan", "rb.star", "x=1", "--out", "p.json"}, "text", "p.json", ""},
		{[]string{"plan", "-o", "json", "rb.star"}, "json", "", ""},
		{[]string{"plan", "-o", "json", "--out", "p.json", "rb.star"}, "json", "p.json", ""},
		{[]string{"plan", "--out", "-", "rb.star"}, "text", "-", ""},
		{[]string{"plan", "rb.star", "-o", "p.json"}, "text", "p.json", "-o FILE is deprecated; use --out FILE"},
		{[]string{"plan", "rb.star", "--output", "plans/p.json"}, "text", "plans/p.json", "-o FILE is deprecated; use --out FILE"},
		{[]string{"plan", "rb.star", "-o", "-"}, "text", "-", "-o - is deprecated; use -o json"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var got *planOptions
			stderr, err := parseOnly(t, func(s streams) *cobra.Command {
				return newPlanCmd(s, func(_ *cobra.Command, o *planOptions) error { got = o; return nil })
			}, tc.args...)
			if err != nil || got == nil {
				t.Fatalf("err %v, ran %v", err, got != nil)
			}
			if got.output != tc.output || got.out != tc.out || got.path != "rb.star" {
				t.Errorf("output %q out %q path %q, want %q %q rb.star", got.output, got.out, got.path, tc.output, tc.out)
			}
			if tc.warning != "" && !strings.Contains(stderr, tc.warning) {
				t.Errorf("stderr %q lacks %q", stderr, tc.warning)
			}
			if tc.warning == "" && stderr != "" {
				t.Errorf("unexpected stderr %q", stderr)
			}
		})
	}
}

// TestBadFlagsRunNothing: command lines that are wrong fail with exit 2
// before the command's work starts.
func TestBadFlagsRunNothing(t *testing.T) {
	t.Parallel()
	notRun := map[string]func(s streams) *cobra.Command{
		"run": func(s streams) *cobra.Command {
			return newRunCmd(s, func(*cobra.Command, *runOptions) error { return errNotRun })
		},
		"plan": func(s streams) *cobra.Command {
			return newPlanCmd(s, func(*cobra.Command, *planOptions) error { return errNotRun })
		},
		"show": func(s streams) *cobra.Command {
			return newShowCmd(s, func(*showOptions) error { return errNotRun })
		},
		"describe": func(s streams) *cobra.Command {
			return newDescribeCmd(s, func(*cobra.Command, *describeOptions) error { return errNotRun })
		},
	}
	for _, args := range [][]string{
		{"run", "-o", "yaml", "rb.star"},
		{"run"},
		{"run", "--timeout", "soon", "rb.star"},
		{"plan", "-o", "a.json", "--out", "b.json", "rb.star"},
		{"plan"},
		{"show", "-o", "yaml", "p.json"},
		{"show", "--json", "-o", "yaml", "p.json"},
		{"show", "a.json", "b.json"},
		{"describe", "-o", "yaml", "rb.star"},
		{"describe"},
	} {
		_, err := parseOnly(t, notRun[args[0]], args...)
		if errors.Is(err, errNotRun) || codeOf(err) != exitcode.Usage {
			t.Errorf("%v: %v (exit %d), want a usage error before running", args, err, codeOf(err))
		}
	}
}

func TestShowFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args    []string
		output  string
		warning string
	}{
		{[]string{"show", "p.json"}, "text", ""},
		{[]string{"show", "-o", "json", "p.json"}, "json", ""},
		{[]string{"show", "--json", "p.json"}, "json", "--json is deprecated; use -o json"},
	} {
		var got *showOptions
		stderr, err := parseOnly(t, func(s streams) *cobra.Command {
			return newShowCmd(s, func(o *showOptions) error { got = o; return nil })
		}, tc.args...)
		if err != nil || got == nil {
			t.Fatalf("%v: err %v, ran %v", tc.args, err, got != nil)
		}
		if got.output != tc.output || got.path != "p.json" {
			t.Errorf("%v: output %q path %q, want %q p.json", tc.args, got.output, got.path, tc.output)
		}
		if (tc.warning == "") != (stderr == "") || !strings.Contains(stderr, tc.warning) {
			t.Errorf("%v: stderr %q, want %q", tc.args, stderr, tc.warning)
		}
	}
}

func TestDescribeFlags(t *testing.T) {
	t.Parallel()
	var got *describeOptions
	_, err := parseOnly(t, func(s streams) *cobra.Command {
		return newDescribeCmd(s, func(_ *cobra.Command, o *describeOptions) error { got = o; return nil })
	}, "describe", "--output", "json", "rb.star")
	if err != nil || got == nil {
		t.Fatalf("err %v, ran %v", err, got != nil)
	}
	if got.output != "json" || got.path != "rb.star" {
		t.Errorf("output %q path %q, want json rb.star", got.output, got.path)
	}
}
