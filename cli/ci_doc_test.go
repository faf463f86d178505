package cli

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// glrunInvocation finds "glrun CMD ..." in docs and workflow files.
var glrunInvocation = regexp.MustCompile("(?:^|[\\s`(\"])glrun ([^`\\n|>;#&)]*)")

// testCmdFlags are the flags of 'glrun test', parsed by hand (go test style).
var testCmdFlags = map[string]bool{"-run": true, "-v": true, "-o": true, "--output": true, "-h": true, "--help": true}

// TestCIRecipeUsesRealCommandsAndFlags: every glrun command line of the
// docs (the CI recipe, docs/examples/, the approval workflow, the guide,
// the error list) and of the README uses only flags its command has, -o
// only as text or json (never a deprecated spelling such as plan's -o FILE),
// and the recipe runs plan, show, apply, test, lint and fmt, so the docs do
// not rot as the CLI changes.
func TestCIRecipeUsesRealCommandsAndFlags(t *testing.T) {
	t.Parallel()
	files := []string{"../docs/ci.md", "../docs/examples/glrun-change.yml", "../docs/approval.md", "../docs/guide.md", "../docs/errors.md", "../README.md"}
	root := newRootCmd(streams{}, "")
	seen := map[string]bool{}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range glrunInvocation.FindAllStringSubmatch(string(b), -1) {
			args := strings.Fields(m[1])
			if len(args) == 0 {
				continue
			}
			cmd, rest, err := root.Find(args)
			if err != nil || cmd == root {
				continue // prose ("glrun in CI", "glrun never prints it")
			}
			seen[cmd.Name()] = true
			for i, a := range rest {
				if !strings.HasPrefix(a, "-") || a == "-" {
					continue
				}
				name, value, hasValue := strings.Cut(a, "=")
				if !hasFlag(cmd, name) {
					t.Errorf("%s: %q: 'glrun %s' has no flag %s", file, "glrun "+m[1], cmd.Name(), name)
				}
				if name == "-o" || name == "--output" {
					if !hasValue && i+1 < len(rest) {
						value = rest[i+1]
					}
					if value != "text" && value != "json" {
						t.Errorf("%s: %q: -o %s: want -o text or -o json", file, "glrun "+m[1], value)
					}
				}
			}
		}
	}
	for _, want := range []string{"plan", "show", "apply", "test", "lint", "fmt"} {
		if !seen[want] {
			t.Errorf("the CI recipe never runs 'glrun %s'", want)
		}
	}
}

// hasFlag reports whether cmd accepts the flag spelled name ("-o", "--out").
func hasFlag(cmd *cobra.Command, name string) bool {
	if cmd.Name() == "test" {
		return testCmdFlags[name] || cmd.InheritedFlags().Lookup(strings.TrimLeft(name, "-")) != nil
	}
	fs := cmd.Flags()
	fs.AddFlagSet(cmd.InheritedFlags())
	if strings.HasPrefix(name, "--") {
		return fs.Lookup(name[2:]) != nil
	}
	return len(name) == 2 && fs.ShorthandLookup(name[1:]) != nil
}
