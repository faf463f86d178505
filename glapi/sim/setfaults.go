package sim

import "math/rand"

// SetFaults replaces the faults the simulator injects from now on (the
// draws restart from f.Seed, so a test that sets the same faults sees the
// same sequence); a token-ttl in f applies to tokens issued from now on.
// glrun test's sim.faults("429=0.2,...") calls it.
func (s *Sim) SetFaults(f Faults) {
	s.faultMu.Lock()
	s.faults = f
	s.faultRng = rand.New(rand.NewSource(f.Seed))
	s.faultMu.Unlock()
	if f.TokenTTL > 0 {
		s.mu.Lock()
		s.tokenTTL = f.TokenTTL
		s.mu.Unlock()
	}
}
