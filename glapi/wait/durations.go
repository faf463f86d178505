package wait

import (
	"slices"
	"sync"
	"time"
)

// durationWindow is how many of the latest observations of a key Durations
// keeps: the expected duration follows what the run sees lately, and a run
// of 300,000 jobs does not keep 300,000 durations.
const durationWindow = 64

// maxObservedDuration bounds the durations Durations accepts: anything
// longer is taken for nonsense (a job left running for weeks, or
// timestamps from a skewed server), not for how long the template takes.
const maxObservedDuration = 7 * 24 * time.Hour

// Durations is a run's record of how long the jobs it saw finish took,
// by template: the expected duration of a template is what the run has
// observed of it, as nothing in the API says it. A wait adds the jobs it
// sees finish (Observe) and polls around the expected end of those still
// running (Expected). One Durations serves a whole run; it is safe for
// concurrent use, so the waits of parallel.map share it.
type Durations struct {
	mu    sync.Mutex
	byKey map[string]*durationRing
}

// durationRing holds a key's latest observations, overwriting the oldest.
type durationRing struct {
	obs  []time.Duration
	next int // where the next observation goes once obs is full
}

// NewDurations returns an empty record.
func NewDurations() *Durations {
	return &Durations{byKey: map[string]*durationRing{}}
}

// Observe records that a job of key (a template id) took d. An empty key
// and a d that is not positive, or longer than a week, are ignored.
func (ds *Durations) Observe(key string, d time.Duration) {
	if ds == nil || key == "" || d <= 0 || d > maxObservedDuration {
		return
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	r := ds.byKey[key]
	if r == nil {
		r = &durationRing{}
		ds.byKey[key] = r
	}
	if len(r.obs) < durationWindow {
		r.obs = append(r.obs, d)
		return
	}
	r.obs[r.next] = d
	r.next = (r.next + 1) % durationWindow
}

// Expected returns the median of the latest observations of key (at most
// 64; the mean of the two middle ones when their number is even) and how
// many there are; 0, 0 when key was never observed.
func (ds *Durations) Expected(key string) (time.Duration, int) {
	if ds == nil {
		return 0, 0
	}
	ds.mu.Lock()
	r := ds.byKey[key]
	var obs []time.Duration
	if r != nil {
		obs = slices.Clone(r.obs)
	}
	ds.mu.Unlock()
	n := len(obs)
	if n == 0 {
		return 0, 0
	}
	slices.Sort(obs)
	if n%2 == 1 {
		return obs[n/2], n
	}
	return obs[n/2-1] + (obs[n/2]-obs[n/2-1])/2, n
}
