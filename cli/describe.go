package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"glrun/glapi"
	"glrun/runtime"
	glsession "glrun/session"
)

// describeOptions is what 'glrun describe' was asked to do, once its
// command line is parsed and checked.
type describeOptions struct {
	output string // "text" or "json"
	path   string // the runbook
}

// newDescribeCmd returns 'glrun describe'. runF does the work once the
// command line is parsed and checked; nil means describing the runbook
// (tests pass their own).
func newDescribeCmd(s streams, runF func(*cobra.Command, *describeOptions) error) *cobra.Command {
	if runF == nil {
		runF = func(cmd *cobra.Command, o *describeOptions) error { return describe(cmd.Context(), s, o) }
	}
	o := &describeOptions{}
	cmd := &cobra.Command{
		Use:   "describe FILE",
		Short: "Show a runbook's description and parameters",
		Long: `Show what a runbook does (main's docstring) and its parameters with their
defaults and types. Nothing is sent to GreenLake.`,
		Example: `  glrun describe runbooks/power_cycle.star
  glrun describe -o json runbooks/power_cycle.star | jq -r '.params[].name'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(o.output); err != nil {
				return err
			}
			o.path = args[0]
			return runF(cmd, o)
		},
	}
	registerOutput(cmd.Flags(), &o.output, "the description (path, doc, params with name, type, required, default)")
	return cmd
}

// describe prints the runbook's description as o says.
func describe(ctx context.Context, s streams, o *describeOptions) error {
	d, err := describeRunbook(ctx, o.path)
	if err != nil {
		return runtimeExit(err)
	}
	if o.output == "json" {
		return writeJSON(s.out, describeJSON(d))
	}
	fmt.Fprint(s.out, formatDescription(d))
	return nil
}

// describeRunbook loads the runbook with builtins that cannot reach any
// API, so describing never sends a request.
func describeRunbook(ctx context.Context, path string) (runtime.Description, error) {
	if err := glsession.Check(path); err != nil {
		return runtime.Description{}, err
	}
	opened, err := glsession.Open(ctx, glsession.Config{API: glapi.Config{
		BaseURL:      "http://describe.invalid",
		ClientID:     "describe",
		ClientSecret: glapi.NewSecret("describe"),
		Mode:         refuseMode{why: "glrun describe sends no requests; the runbook's top level must not call the API"},
	}}, path)
	if err != nil {
		return runtime.Description{}, err
	}
	return opened.Runbook.Describe()
}

// formatDescription renders a description for a terminal.
func formatDescription(d runtime.Description) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", d.Path)
	if doc := strings.TrimSpace(d.Doc); doc != "" {
		fmt.Fprintf(&b, "\n%s\n", indent(doc, "  "))
	}
	if len(d.Params) == 0 {
		b.WriteString("\nParameters: none\n")
		return b.String()
	}
	b.WriteString("\nParameters:\n")
	for _, p := range d.Params {
		fmt.Fprintf(&b, "  %s\n", p.String())
	}
	fmt.Fprintf(&b, "\nRun: glrun run %s", d.Path)
	for _, p := range d.Params {
		if p.Required {
			fmt.Fprintf(&b, " %s=...", p.Name)
		}
	}
	b.WriteString("\n")
	return b.String()
}

func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			lines[i] = prefix + strings.TrimLeft(l, " \t")
		} else {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}

// refuseMode is a glapi.Mode that sends nothing and fails every request.
type refuseMode struct{ why string }

// RoundTrip refuses req.
func (m refuseMode) RoundTrip(req *http.Request, _ http.RoundTripper) (*http.Response, error) {
	return nil, errors.New(m.why)
}
