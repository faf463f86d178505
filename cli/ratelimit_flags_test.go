package cli

import (
	"strings"
	"testing"

	"glrun/exitcode"
)

func TestRateLimitFlagsRefuseBadValues(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		flag, value, want string
	}{
		{"--rate-limit-identity", "0", "--rate-limit-identity must be at least 1 request per minute, got 0"},
		{"--rate-limit-compute", "-2", "--rate-limit-compute must be a positive number of requests per second, got -2"},
		{"--rate-limit-compute", "fast", `invalid argument "fast" for "--rate-limit-compute"`},
	} {
		t.Run(tc.flag+"="+tc.value, func(t *testing.T) {
			s := newTestSim(t)
			r := glrunSim(t, s, "run", "--sim", tc.flag, tc.value, "../runbooks/power_cycle.star", "group=prod-web")
			if r.code != exitcode.Usage || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d saying %q", r.code, r.stderr, exitcode.Usage, tc.want)
			}
			if len(r.requests) != 0 {
				t.Errorf("%d requests sent on bad flags, want none", len(r.requests))
			}
		})
	}
}

func TestRateLimitWaitsShowInVerboseLogs(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	r := glrunSim(t, s, "run", "--sim", "-v", "--rate-limit-compute", "1", "../runbooks/power_cycle.star", "group=prod-web", "batch=8")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, `msg="rate limit: waiting" api=compute-ops-mgmt/v1`) {
		t.Errorf("no rate limit waits in the -v log:\n%.2000s", r.stderr)
	}
	r = glrunSim(t, newTestSim(t), "run", "--sim", "-v", "--no-rate-limit", "../runbooks/power_cycle.star", "group=prod-web", "batch=8")
	if r.code != 0 || strings.Contains(r.stderr, "rate limit") {
		t.Errorf("exit %d; with --no-rate-limit the log still shows the limiter:\n%.2000s", r.code, r.stderr)
	}
}
