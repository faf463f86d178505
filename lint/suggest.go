package lint

import (
	"fmt"

	"glrun/internal/suggest"
)

// didYouMean returns ` (did you mean "x"?)` for the candidate closest to
// name, or "" when none is close.
func didYouMean(name string, candidates []string) string {
	best := suggest.Closest(name, candidates)
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}
