package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"glrun/exitcode"
	"glrun/internal/testfile"
	glsession "glrun/session"
)

func newCheckCmd(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "check PATH...",
		Short: "Check runbooks for syntax errors and unknown names, without running them",
		Long: `Parse and resolve each runbook (a .star file, or every .star file under a
directory) and every file it loads. Reports file:line:col for syntax errors,
undefined names, misspelt members of the builtin modules (compute.groups.lst),
job template aliases that do not exist (compute.jobs.create("restrat", s)),
each with a did-you-mean, and refused or circular loads. run, plan and
describe check the same way first. Nothing runs and nothing is sent. Exits 2
when any file has an error.`,
		Example: "  glrun check runbooks/",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := starFiles(args)
			if err != nil {
				return usageErrorf("%v", err)
			}
			failed := 0
			for _, err := range checkFiles(files) {
				if err != nil {
					failed++
					fmt.Fprintln(s.err, err)
				}
			}
			if failed > 0 {
				return withCode(exitcode.Usage, fmt.Errorf("%d of %s %s errors", failed, plural(len(files), "file", "files"), hasHave(failed)))
			}
			fmt.Fprintf(s.out, "%s ok\n", plural(len(files), "file", "files"))
			return nil
		},
	}
}

// checkFiles checks each file, as many at a time as there are CPUs (the
// files are independent: each is parsed and resolved on its own), and
// returns their errors in the order of files.
func checkFiles(files []string) []error {
	errs := make([]error, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := range next {
				var extra []string
				if testfile.Is(files[i]) {
					extra = testfile.Names() // *_test.star files see the test modules
				}
				errs[i] = glsession.Check(files[i], extra...)
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return errs
}

// starFiles expands directories into the .star files below them, sorted.
func starFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		info, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, a)
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, ".star") {
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("no .star files in %s", strings.Join(args, " "))
	}
	return out, nil
}
