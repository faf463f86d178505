package testfile_test

import (
	"testing"

	"glrun/internal/testfile"
)

func TestIs(t *testing.T) {
	for _, tc := range []struct {
		path string
		want bool
	}{
		{"runbooks/power_cycle_test.star", true},
		{"power_cycle.star", false},
		{"test.star", false},
		{"a_test.star.bak", false},
	} {
		if got := testfile.Is(tc.path); got != tc.want {
			t.Errorf("Is(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}
