package runtest

import (
	"slices"
	"testing"

	"glrun/internal/testfile"
)

// TestTestModulesAreTheNamesCheckAndLintKnow: the names a test file sees
// besides the builtins are exactly testfile.Names, which 'glrun check' and
// 'glrun lint' accept in *_test.star files.
func TestTestModulesAreTheNamesCheckAndLintKnow(t *testing.T) {
	tc := newCase(&Options{}, "x_test.star")
	var got []string
	for name := range tc.testModules() {
		got = append(got, name)
	}
	slices.Sort(got)
	if want := testfile.Names(); !slices.Equal(got, want) {
		t.Errorf("test modules %v, testfile.Names %v", got, want)
	}
}
