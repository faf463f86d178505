// Command checkfloor is the Go floor of `glrun check DIR`: the least a Go
// program must do to check Starlark runbooks, and nothing more. It parses
// and resolves every .star file under the directories given, with the file
// options glrun uses and every name taken as predeclared, and prints how
// many files it read. It links only go.starlark.net's syntax and resolve
// packages, so its cold start is near a hello world's; bench/run.sh
// compares `glrun check runbooks/` with it (scenario 5).
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

func main() {
	n, err := checkAll(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "checkfloor:", err)
		os.Exit(1)
	}
	fmt.Printf("%d files parsed and resolved\n", n)
}

// checkAll parses and resolves every .star file under dirs.
func checkAll(dirs []string) (int, error) {
	opts := &syntax.FileOptions{Set: true, While: true, TopLevelControl: true}
	every := func(string) bool { return true }
	n := 0
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".star") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			f, err := opts.Parse(path, src, 0)
			if err != nil {
				return err
			}
			if err := resolve.File(f, every, every); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			n++
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
