package cli

import (
	"fmt"

	"github.com/spf13/pflag"

	"glrun/glapi/sim"
)

// simGrowth scales the simulator's demo fleet for benchmarks and load
// tests: more servers in the "lab" group, and many finished jobs.
type simGrowth struct {
	servers int
	jobs    int
}

// Largest growth accepted, so a typo cannot exhaust memory.
const (
	maxSimServers = 100_000
	maxSimJobs    = 1_000_000
)

func (g *simGrowth) register(fs *pflag.FlagSet) {
	fs.IntVar(&g.servers, "servers", 0, "add this many powered-on servers to the \"lab\" group (12 servers in the demo fleet)")
	fs.IntVar(&g.jobs, "jobs", 0, "add this many finished restart jobs (created a day ago), e.g. to benchmark listing 100,000 jobs")
}

// check refuses negative or absurd sizes, naming the flag.
func (g *simGrowth) check() error {
	if g.servers < 0 || g.servers > maxSimServers {
		return usageErrorf("--servers must be between 0 and %d, got %d", maxSimServers, g.servers)
	}
	if g.jobs < 0 || g.jobs > maxSimJobs {
		return usageErrorf("--jobs must be between 0 and %d, got %d", maxSimJobs, g.jobs)
	}
	return nil
}

// apply grows s.
func (g *simGrowth) apply(s *sim.Sim) error {
	if g.servers > 0 {
		if _, err := s.AddServersToGroup("lab", g.servers); err != nil {
			return fmt.Errorf("--servers: %w", err)
		}
	}
	if g.jobs > 0 {
		if _, err := s.AddJobs(g.jobs); err != nil {
			return fmt.Errorf("--jobs: %w", err)
		}
	}
	return nil
}
