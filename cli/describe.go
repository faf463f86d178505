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

func newDescribeCmd(s streams) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "describe FILE",
		Short: "Show a runbook's description and parameters",
		Long: `Show what a runbook does (main's docstring) and its parameters with their
defaults and types. Nothing is sent to GreenLake.`,
		Example: `  glrun describe runbooks/power_cycle.star
  glrun describe -o json runbooks/power_cycle.star | jq -r '.params[].name'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			d, err := describeRunbook(cmd.Context(), args[0])
			if err != nil {
				return runtimeExit(err)
			}
			if output == "json" {
				return writeJSON(s.out, describeJSON(d))
			}
			fmt.Fprint(s.out, formatDescription(d))
			return nil
		},
	}
	registerOutput(cmd.Flags(), &output, "the description (path, doc, params with name, type, required, default)")
	return cmd
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
