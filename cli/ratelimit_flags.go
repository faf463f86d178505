package cli

import (
	"math"

	"github.com/spf13/pflag"

	"glrun/glapi"
)

// rateLimitFlags configure the client-side rate limiter (glapi.RateLimits).
type rateLimitFlags struct {
	off         bool
	identityRPM int
	computeRate float64
}

func (f *rateLimitFlags) register(fs *pflag.FlagSet) {
	fs.IntVar(&f.identityRPM, "rate-limit-identity", glapi.DefaultIdentityPerMinute,
		"identity API requests per minute per workspace (the documented limit; lower it to leave room for other clients)")
	fs.Float64Var(&f.computeRate, "rate-limit-compute", glapi.DefaultComputeRate,
		"Compute Ops Management requests per second to start at; it doubles while answers are fine until the first 429, halves on a 429, then grows slowly")
	fs.BoolVar(&f.off, "no-rate-limit", false, "send requests as fast as they come (the API's 429s are still retried); -v logs every wait and change")
}

// limits returns the glapi configuration, or a usage error naming the flag.
func (f *rateLimitFlags) limits() (glapi.RateLimits, error) {
	if f.identityRPM < 1 {
		return glapi.RateLimits{}, usageErrorf("--rate-limit-identity must be at least 1 request per minute, got %d (use --no-rate-limit to turn the limiter off)", f.identityRPM)
	}
	if !(f.computeRate > 0) || math.IsInf(f.computeRate, 0) {
		return glapi.RateLimits{}, usageErrorf("--rate-limit-compute must be a positive number of requests per second, got %v (use --no-rate-limit to turn the limiter off)", f.computeRate)
	}
	return glapi.RateLimits{Off: f.off, IdentityPerMinute: f.identityRPM, ComputeRate: f.computeRate}, nil
}
