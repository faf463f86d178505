// Package suggest finds the likely intended word for a misspelled one, for
// the "did you mean" hints of parameters, builtins, modules and filter
// properties.
package suggest

// Closest returns the candidate nearest to name by edit distance when it is
// near enough to be a likely typo (within half of name's length, plus one),
// else "". An exact match is not a suggestion.
func Closest(name string, candidates []string) string {
	best, bestD := "", len([]rune(name))/2+2
	for _, c := range candidates {
		if c == name {
			continue
		}
		if d := Distance(name, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// Distance is the Levenshtein distance between a and b, counted in runes.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
