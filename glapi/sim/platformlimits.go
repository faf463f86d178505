package sim

import (
	"net/http"
	"strconv"
	"time"

	"glrun/glapi"
)

// PlatformLimits are the per-minute, per-workspace rate limits the
// simulator enforces on the platform APIs; zero fields take the newest
// published numbers (glapi.DefaultDevicesLimits and friends). The
// published device limits changed over time, so tests and demos may set
// older, lower ones.
type PlatformLimits struct {
	Devices       glapi.EndpointLimits
	Subscriptions glapi.EndpointLimits
	// Authorization counts every /authorization request.
	Authorization int
}

// withDefaults fills the zero fields.
func (l PlatformLimits) withDefaults() PlatformLimits {
	fill := func(e, d glapi.EndpointLimits) glapi.EndpointLimits {
		pick := func(v, def int) int {
			if v == 0 {
				return def
			}
			return v
		}
		return glapi.EndpointLimits{List: pick(e.List, d.List), Get: pick(e.Get, d.Get), Add: pick(e.Add, d.Add),
			Update: pick(e.Update, d.Update), Operation: pick(e.Operation, d.Operation)}
	}
	l.Devices = fill(l.Devices, glapi.DefaultDevicesLimits)
	l.Subscriptions = fill(l.Subscriptions, glapi.DefaultSubscriptionsLimits)
	if l.Authorization == 0 {
		l.Authorization = glapi.DefaultAuthorizationPerMinute
	}
	return l
}

// platformRateLimit counts a request of a rate-limited platform API at now
// and, when its endpoint's limit for the minute is spent, returns the 429
// answer with the headers the API documents: devices give
// X-RateLimit-Limit, -Remaining and -Reset as integers with Reset the
// reset time (Unix seconds); authorization gives them as strings with
// Reset the seconds left; subscriptions describe none. Callers hold s.mu.
func (s *Sim) platformRateLimit(r *http.Request, fam string, now time.Time) (response, bool) {
	var n int
	kind := glapi.EndpointKind(r)
	switch fam {
	case famDevices:
		n = s.limits.Devices.Of(kind)
	case famSubscriptions:
		n = s.limits.Subscriptions.Of(kind)
	case famAuthz:
		n, kind = s.limits.Authorization, "all"
	default:
		return response{}, false
	}
	key := fam + " " + kind
	var secs int
	s.platformRL[key], secs = countInWindow(s.platformRL[key], n, now)
	if secs == 0 {
		return response{}, false
	}
	msg := "Rate limit exceeded: " + strconv.Itoa(n) + " requests per minute per workspace"
	resp := s.apiError(fam, http.StatusTooManyRequests, msg)
	switch fam {
	case famDevices:
		resp = resp.with("X-RateLimit-Limit", strconv.Itoa(n)).with("X-RateLimit-Remaining", "0").
			with("X-RateLimit-Reset", strconv.FormatInt(now.Add(time.Duration(secs)*time.Second).Unix(), 10))
	case famAuthz:
		resp = resp.with("X-RateLimit-Limit", strconv.Itoa(n)).with("X-RateLimit-Remaining", "0").
			with("X-RateLimit-Reset", strconv.Itoa(secs))
	}
	return resp, true
}
