package suggest

import "testing"

func TestClosest(t *testing.T) {
	params := []string{"group", "batch", "timeout", "poll"}
	tests := []struct {
		name string
		want string
	}{
		{"bacth", "batch"},
		{"gruop", "group"},
		{"timout", "timeout"},
		{"pol", "poll"},
		{"group", ""}, // exact: nothing to suggest
		{"xyzzy", ""}, // nothing close
		{"", ""},      // nothing to go on
		{"tmeout", "timeout"},
	}
	for _, tt := range tests {
		if got := Closest(tt.name, params); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDistanceCountsRunes(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "abc", 0},
		{"abc", "abd", 1},
		{"kitten", "sitting", 3},
		{"zoë", "zoe", 1},
		{"", "ab", 2},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
