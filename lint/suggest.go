package lint

import "glrun/refcheck"

// didYouMean returns ` (did you mean "x"?)` for the candidate closest to
// name, or "" when none is close.
func didYouMean(name string, candidates []string) string {
	return refcheck.DidYouMean(name, candidates)
}
