package runtest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"glrun/internal/testfile"
)

// TestSuffix ends the name of every test file.
const TestSuffix = testfile.Suffix

// IsTestFile reports whether path names a runbook test file.
func IsTestFile(path string) bool { return testfile.Is(path) }

// Find returns the test files among paths: a file is taken as is (it must be
// a *_test.star file), a directory is searched recursively. The result is
// sorted. No path at all means the current directory.
func Find(paths []string) ([]string, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("test path %s: %w", p, err)
		}
		if !info.IsDir() {
			if !IsTestFile(p) {
				return nil, fmt.Errorf("test path %s: want a *%s file or a directory", p, TestSuffix)
			}
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && q != p && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if !d.IsDir() && IsTestFile(q) {
				out = append(out, q)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("searching %s for tests: %w", p, err)
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("no *%s files in %s", TestSuffix, strings.Join(paths, " "))
	}
	return out, nil
}
