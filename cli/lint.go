package cli

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"glrun/exitcode"
	"glrun/lint"
	"glrun/runtime"
)

func newLintCmd(s streams) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "lint [-o text|json] PATH...",
		Short: "Find likely mistakes in runbooks, without running them",
		Long: `Lint each runbook (a .star file, or every .star file under a directory).

Reports buildifier's generic Starlark warnings (unused variables and loads,
unreachable code, missing docstrings, ...) and glrun's own checks against the
builtin reference:

  unknown-name        a name that is not defined (with a did-you-mean)
  unknown-builtin     a misspelled module member: compute.jobs.creat
  builtin-arguments   a keyword a builtin does not take, or too many arguments
  mutating-top-level  a call that changes GreenLake outside any function
  main-docstring      main without a docstring (what 'glrun describe' shows)
  unused-parameter    a parameter the function never uses
  filter              a literal filter that does not parse, or names a
                      property the endpoint cannot filter on

Each finding is printed as file:line:col: message (rule). Silence a
buildifier warning on a line with '# buildifier: disable=RULE'.

Exit codes: 0 no findings, 1 findings, 2 a file does not parse or cannot
be read. 'glrun check' is the faster syntax-and-names pass.`,
		Example: `  glrun lint runbooks/
  glrun lint -o json runbooks/power_cycle.star | jq '.[].message'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			files, err := starFiles(args)
			if err != nil {
				return usageErrorf("%v", err)
			}
			all := []lint.Finding{}
			broken := 0
			for _, path := range files {
				findings, err := lintFile(path)
				if err != nil {
					broken++
				}
				all = append(all, findings...)
			}
			if err := writeFindings(s, output, all); err != nil {
				return err
			}
			switch {
			case broken > 0:
				return withCode(exitcode.Usage, fmt.Errorf("%d of %s could not be linted", broken, plural(len(files), "file", "files")))
			case len(all) > 0:
				return withCode(exitcode.Failed, fmt.Errorf("%s in %s", plural(len(all), "finding", "findings"), plural(len(files), "file", "files")))
			}
			if output == "text" {
				fmt.Fprintf(s.err, "glrun: %s, no findings\n", plural(len(files), "file", "files"))
			}
			return nil
		},
	}
	registerOutput(cmd.Flags(), &output, "the findings as one array (text: file:line:col: message)")
	return cmd
}

// lintFile lints one file; a file that cannot be read or parsed is one
// finding of rule "syntax" and an error.
func lintFile(path string) ([]lint.Finding, error) {
	src, err := runtime.ReadSource(path)
	if err != nil {
		return []lint.Finding{{File: path, Line: 1, Col: 1, Rule: "syntax", Message: err.Error()}}, err
	}
	findings, err := lint.File(path, src)
	var se *lint.SyntaxError
	if errors.As(err, &se) {
		return []lint.Finding{{File: path, Line: max(se.Line, 1), Col: max(se.Col, 1), Rule: "syntax", Message: se.Msg}}, err
	}
	return findings, err
}

// writeFindings prints findings as text lines or one JSON array.
func writeFindings(s streams, output string, findings []lint.Finding) error {
	if output == "json" {
		b, err := json.MarshalIndent(findings, "", "  ")
		if err != nil {
			return fmt.Errorf("encoding findings: %w", err)
		}
		_, err = fmt.Fprintln(s.out, string(b))
		return err
	}
	for _, f := range findings {
		fmt.Fprintln(s.out, f.String())
	}
	return nil
}
