package sim

import "sort"

// IssuedTokens returns every access token the token endpoint has handed
// out and still knows, sorted. Leak tests grep glrun's output for them; a
// token must never appear in a log, report, plan or cassette.
func (s *Sim) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.tokens))
	for tok := range s.tokens {
		out = append(out, tok)
	}
	sort.Strings(out)
	return out
}
