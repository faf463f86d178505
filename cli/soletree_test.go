package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestCommandsTableNamesEachCommand: every entry of commands builds the
// command it is named after, so soleCommand picks the right one.
func TestCommandsTableNamesEachCommand(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, c := range commands {
		if got := c.build(streams{}).Name(); got != c.name {
			t.Errorf("commands entry %q builds %q", c.name, got)
		}
		if seen[c.name] {
			t.Errorf("commands names %q twice", c.name)
		}
		seen[c.name] = true
	}
}

// TestSoleCommand: a command's name first builds that command alone;
// anything else builds them all.
func TestSoleCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"version"}, "version"},
		{[]string{"run", "--sim", "x.star"}, "run"},
		{[]string{"runs", "show", "ID"}, "runs"},
		{nil, ""},
		{[]string{"--log-format", "json", "version"}, ""}, // cobra finds the command after the flag
		{[]string{"vresion"}, ""},                         // suggestions need every name
		{[]string{"help", "version"}, ""},
		{[]string{"__complete", "ru"}, ""},
		{[]string{"completion", "bash"}, ""}, // the script covers every command
	}
	for _, tt := range tests {
		if got := soleCommand(tt.args); got != tt.want {
			t.Errorf("soleCommand(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}

// TestSoleCommandBehavesAsInTheWholeTree: the help, usage errors and
// output of every command and subcommand are the same whether the root
// holds it alone (what Execute builds) or with all the others.
func TestSoleCommandBehavesAsInTheWholeTree(t *testing.T) {
	t.Parallel()
	var lines [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			p := append(append([]string(nil), path...), sub.Name())
			lines = append(lines,
				append(append([]string(nil), p...), "--help"),
				append(append([]string(nil), p...), "--no-such-flag"))
			walk(sub, p)
		}
	}
	walk(newRootCmd(streams{}, ""), nil)
	lines = append(lines, []string{"version"}, []string{"version", "-o", "json"}, []string{"version", "extra"}, []string{"filter", "nope"})
	if len(lines) < 2*len(commands) {
		t.Fatalf("walked %d command lines, want at least %d", len(lines), 2*len(commands))
	}
	run := func(args []string, only string) string {
		var out, errb bytes.Buffer
		s := streams{in: strings.NewReader(""), out: &out, err: &errb}
		root := newRootCmd(s, only)
		root.SetArgs(args)
		root.SetIn(s.in)
		root.SetOut(s.out)
		root.SetErr(s.err)
		err := root.ExecuteContext(context.Background())
		return out.String() + "\n--- stderr\n" + errb.String() + "\n--- error\n" + errString(err)
	}
	for _, args := range lines {
		only := soleCommand(args)
		if args[0] == "completion" {
			continue // always built with every command
		}
		if only == "" {
			t.Errorf("soleCommand(%q) = \"\", want the command's name", args)
			continue
		}
		if alone, all := run(args, only), run(args, ""); alone != all {
			t.Errorf("glrun %s built alone:\n%s\nwith every command:\n%s", strings.Join(args, " "), alone, all)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
