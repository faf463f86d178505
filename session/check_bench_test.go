package session

import (
	"path/filepath"
	"testing"

	"glrun/internal/testfile"
)

// BenchmarkCheckRunbooks is 'glrun check runbooks/' without process start:
// parsing, resolving and the reference checks of every example runbook.
// (Building the builtin registry once per name looked up made it 15 times
// slower; compare against a run of the same session.)
func BenchmarkCheckRunbooks(b *testing.B) {
	files, err := filepath.Glob("../runbooks/*.star")
	if err != nil || len(files) == 0 {
		b.Fatalf("no runbooks: %v", err)
	}
	for b.Loop() {
		for _, f := range files {
			var extra []string
			if testfile.Is(f) {
				extra = testfile.Names() // what a test file sees besides the builtins
			}
			if err := Check(f, extra...); err != nil {
				b.Fatal(err)
			}
		}
	}
}
