package sim

import (
	"fmt"
	"time"

	"glrun/glapi"
)

// AddJobs adds n restart jobs that finished in the past (COMPLETE), spread
// over the fleet's servers, to scale the job list for benchmarks (listing
// 100,000 jobs), and returns how many jobs the simulator now holds. The
// jobs run through the normal life cycle, so their fields are exactly those
// of a job a client created and waited for.
func (s *Sim) AddJobs(n int) (int, error) {
	if n < 0 {
		return 0, fmt.Errorf("sim: AddJobs: n must not be negative, got %d", n)
	}
	now := s.lockAt()
	defer s.mu.Unlock()
	var servers []string // powered on, so every restart succeeds
	for _, srv := range s.st.servers.list() {
		if srv.Hardware.PowerState == glapi.PowerOn {
			servers = append(servers, srv.ID)
		}
	}
	if len(servers) == 0 {
		return 0, fmt.Errorf("sim: AddJobs: the fleet has no powered-on servers to run jobs on")
	}
	tmpl := templateByAlias("restart")
	// Created a day ago, a second apart at most, so all are long finished.
	start := now.Add(-24 * time.Hour)
	step := min(time.Second, 12*time.Hour/time.Duration(max(n, 1)))
	for i := range n {
		s.newJob(tmpl, servers[i%len(servers)], nil, start.Add(time.Duration(i)*step))
	}
	s.advance(now)
	return len(s.st.jobOrder), nil
}
