package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"glrun/exitcode"
	"glrun/runtime"

	"github.com/bazelbuild/buildtools/build"
	"github.com/spf13/cobra"
)

func newFmtCmd(s streams) *cobra.Command {
	var check bool
	cmd := &cobra.Command{
		Use:   "fmt [--check] PATH...",
		Short: "Format runbooks the way buildifier formats Starlark",
		Long: `Format each runbook (a .star file, or every .star file under a directory) in
place with the Bazel buildtools formatter, the one buildifier uses: four-space
indents, spaces around = in keyword arguments, one element per line in long
lists, comments kept. A file already formatted is left untouched.

PATH - formats standard input to standard output (for editors).

With --check nothing is written: the files that need formatting are listed
and glrun exits 1 (CI runs 'glrun fmt --check runbooks/'). A file that does
not parse is reported with file:line:col and exits 2.`,
		Example: `  glrun fmt runbooks/
  glrun fmt --check runbooks/
  glrun fmt - < draft.star > formatted.star`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 && args[0] == "-" {
				return fmtStdin(s)
			}
			files, err := starFiles(args)
			if err != nil {
				return usageErrorf("%v", err)
			}
			var unformatted, broken int
			for _, path := range files {
				changed, err := fmtFile(path, !check)
				switch {
				case err != nil:
					broken++
					fmt.Fprintln(s.err, err)
				case changed && check:
					unformatted++
					fmt.Fprintln(s.out, path)
				case changed:
					fmt.Fprintf(s.err, "glrun: formatted %s\n", path)
				}
			}
			switch {
			case broken > 0:
				return withCode(exitcode.Usage, fmt.Errorf("%d of %s %s", broken, plural(len(files), "file", "files"), doesDo(broken, "does not parse", "do not parse")))
			case unformatted > 0:
				return withCode(exitcode.Failed, fmt.Errorf("%d of %s %s formatting: run glrun fmt on them", unformatted, plural(len(files), "file", "files"), doesDo(unformatted, "needs", "need")))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "write nothing; list the files that need formatting and exit 1 if any")
	return cmd
}

// formatStar formats a runbook's source; the error names the file, line
// and column of a syntax error.
func formatStar(path string, src []byte) ([]byte, error) {
	f, err := build.ParseDefault(path, src)
	if err != nil {
		return nil, fmt.Errorf("glrun: %w", err)
	}
	return build.Format(f), nil
}

// fmtFile formats path, writing it back when write is set; it reports
// whether the formatted text differs.
func fmtFile(path string, write bool) (bool, error) {
	src, err := runtime.ReadSource(path)
	if err != nil {
		return false, fmt.Errorf("glrun: %w", err)
	}
	out, err := formatStar(path, src)
	if err != nil {
		return false, err
	}
	if bytes.Equal(src, out) {
		return false, nil
	}
	if write {
		info, err := os.Stat(path)
		if err != nil {
			return false, fmt.Errorf("glrun: %w", err)
		}
		if err := os.WriteFile(path, out, info.Mode().Perm()); err != nil {
			return false, fmt.Errorf("glrun: writing %s: %w", path, err)
		}
	}
	return true, nil
}

// fmtStdin formats standard input to standard output.
func fmtStdin(s streams) error {
	src, err := io.ReadAll(s.in)
	if err != nil {
		return fmt.Errorf("reading standard input: %w", err)
	}
	out, err := formatStar("<stdin>", src)
	if err != nil {
		fmt.Fprintln(s.err, err)
		return withCode(exitcode.Usage, nil)
	}
	_, err = s.out.Write(out)
	return err
}
