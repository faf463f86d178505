package cli

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"glrun/config"
	"glrun/exitcode"
	"glrun/glapi"
	"glrun/glapi/sim"
)

func TestRateLimitFlagsRefuseBadValues(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		flag, value, want string
	}{
		{"--rate-limit-identity", "0", "--rate-limit-identity must be at least 1 request per minute, got 0"},
		{"--rate-limit-compute", "-2", "--rate-limit-compute must be a positive number of requests per second, got -2"},
		{"--rate-limit-compute", "fast", `invalid argument "fast" for "--rate-limit-compute"`},
		{"--rate-limit-devices", "update=0", "--rate-limit-devices: update: want a whole number of requests per minute (at least 1)"},
		{"--rate-limit-subscriptions", "many", "--rate-limit-subscriptions: want a whole number of requests per minute (at least 1) or ENDPOINT=N,..."},
		{"--rate-limit-authorization", "0", "--rate-limit-authorization must be at least 1 request per minute, got 0"},
		{"--rate-limit-audit", "x", `invalid argument "x" for "--rate-limit-audit"`},
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

// TestRateLimitFlagsParse reads the rate-limit flags alone (no runbook, no
// simulator): per-minute numbers for identity, authorization and audit; a
// cap on every endpoint, or ENDPOINT=N,..., for devices and subscriptions;
// bad values are errors naming the flag.
func TestRateLimitFlagsParse(t *testing.T) {
	t.Parallel()
	defaults := glapi.RateLimits{IdentityPerMinute: glapi.DefaultIdentityPerMinute, ComputeRate: glapi.DefaultComputeRate,
		Devices: glapi.DefaultDevicesLimits, Subscriptions: glapi.DefaultSubscriptionsLimits,
		AuthorizationPerMinute: glapi.DefaultAuthorizationPerMinute, AuditPerMinute: glapi.DefaultAuditPerMinute}
	with := func(change func(*glapi.RateLimits)) glapi.RateLimits {
		r := defaults
		change(&r)
		return r
	}
	for _, tc := range []struct {
		args    []string
		want    glapi.RateLimits
		wantErr string
	}{
		{nil, defaults, ""},
		{[]string{"--rate-limit-devices", "30"}, with(func(r *glapi.RateLimits) {
			// A cap: endpoints whose documented limit is lower keep it.
			r.Devices = glapi.EndpointLimits{List: 30, Get: 30, Add: 30, Update: 30, Operation: 30}
		}), ""},
		{[]string{"--rate-limit-devices", "45"}, with(func(r *glapi.RateLimits) {
			r.Devices = glapi.EndpointLimits{List: 45, Get: 40, Add: 45, Update: 40, Operation: 45}
		}), ""},
		{[]string{"--rate-limit-subscriptions", "add=2, update=3"}, with(func(r *glapi.RateLimits) {
			r.Subscriptions.Add, r.Subscriptions.Update = 2, 3
		}), ""},
		{[]string{"--rate-limit-devices", "list=500"}, with(func(r *glapi.RateLimits) { r.Devices.List = 500 }), ""},
		{[]string{"--rate-limit-authorization", "10", "--rate-limit-audit", "5"}, with(func(r *glapi.RateLimits) {
			r.AuthorizationPerMinute, r.AuditPerMinute = 10, 5
		}), ""},
		{[]string{"--rate-limit-devices", "0"}, glapi.RateLimits{}, `--rate-limit-devices: want a whole number of requests per minute (at least 1) or ENDPOINT=N,..., got "0"`},
		{[]string{"--rate-limit-devices", "patch=3"}, glapi.RateLimits{}, `--rate-limit-devices: "patch=3": want ENDPOINT=N with ENDPOINT one of list, get, add, update, operation`},
		{[]string{"--rate-limit-subscriptions", "add=2,add=3"}, glapi.RateLimits{}, "--rate-limit-subscriptions: endpoint add given twice"},
		{[]string{"--rate-limit-subscriptions", "add=-1"}, glapi.RateLimits{}, `--rate-limit-subscriptions: add: want a whole number of requests per minute (at least 1), got "-1"`},
		{[]string{"--rate-limit-authorization", "0"}, glapi.RateLimits{}, "--rate-limit-authorization must be at least 1 request per minute, got 0"},
		{[]string{"--rate-limit-audit", "-3"}, glapi.RateLimits{}, "--rate-limit-audit must be at least 1 request per minute, got -3"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var f rateLimitFlags
			fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
			f.register(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			got, err := f.limitsFrom(fs, config.Selection{}, "")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || exitCodeOf(err) != exitcode.Usage {
					t.Fatalf("error %v (exit %d), want exit %d saying %q", err, exitCodeOf(err), exitcode.Usage, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("limits\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestRateLimitProfileKeys: a profile's rate_limit_* keys set the limits a
// flag leaves unset; 'glrun config' shows each limit with its source; a bad
// key is a usage error naming the key and the file, with nothing sent.
func TestRateLimitProfileKeys(t *testing.T) {
	s := newTestSim(t)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	path := writeConfig(t, `default: local
profiles:
  local:
    base_url: `+srv.URL+`
    client_id: `+sim.DemoClientID+`
    client_secret_command: echo `+sim.DemoClientSecret+`
    rate_limit_devices: 20
    rate_limit_subscriptions: add=2,update=2
    rate_limit_audit: 7
  broken:
    base_url: `+srv.URL+`
    client_id: `+sim.DemoClientID+`
    client_secret_command: echo `+sim.DemoClientSecret+`
    rate_limit_authorization: lots
`)
	r := glrunTool(t, "", "config", "-o", "json", "--rate-limit-audit", "9")
	if r.code != 0 {
		t.Fatalf("config: exit %d: %s", r.code, r.stderr)
	}
	var got []setting
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	src := "rate_limit_devices in profile local in " + path
	want := map[string]setting{
		"rate limit devices":       {Value: "20", Source: src},
		"rate limit subscriptions": {Value: "add=2,update=2", Source: "rate_limit_subscriptions in profile local in " + path},
		"rate limit audit":         {Value: "9", Source: "flag --rate-limit-audit"},
		"rate limit identity":      {Value: "300", Source: "default"},
		"rate limit authorization": {Value: "1000", Source: "default"},
	}
	for _, st := range got {
		if w, ok := want[st.Name]; ok {
			if w != (setting{Name: w.Name, Value: st.Value, Source: st.Source}) {
				t.Errorf("%s = %q (%s), want %q (%s)", st.Name, st.Value, st.Source, w.Value, w.Source)
			}
			delete(want, st.Name)
		}
	}
	for name := range want {
		t.Errorf("glrun config does not show %q:\n%s", name, r.stdout)
	}

	// The limits a run gets: the profile's, under the flags.
	var f targetFlags
	cmd := &cobra.Command{Use: "run"}
	f.register(cmd.Flags())
	if err := cmd.Flags().Parse([]string{"--rate-limit-audit", "9"}); err != nil {
		t.Fatal(err)
	}
	lim, err := f.rateLimits(cmd, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if lim.Devices.Update != 20 || lim.Devices.List != 20 || lim.Subscriptions.Add != 2 || lim.Subscriptions.List != glapi.DefaultSubscriptionsLimits.List || lim.AuditPerMinute != 9 {
		t.Errorf("limits from the profile under --rate-limit-audit 9: %+v", lim)
	}

	before := len(s.Requests())
	bad := glrunTool(t, "", "run", "--yes", "--profile", "broken", "../runbooks/failed_jobs.star")
	wantErr := "rate_limit_authorization in profile broken in " + path + " must be at least 1 request per minute, got lots"
	if bad.code != exitcode.Usage || !strings.Contains(bad.stderr, wantErr) {
		t.Errorf("bad profile key: exit %d, stderr %q; want exit %d saying %q", bad.code, bad.stderr, exitcode.Usage, wantErr)
	}
	if n := len(s.Requests()) - before; n != 0 {
		t.Errorf("%d requests sent with a bad profile key, want none", n)
	}
}

// TestLoweredDeviceLimitIsHonoured: onboard_server with every device
// endpoint capped at 2 a minute waits for the limiter (on the simulator's
// virtual clock) and never meets a 429.
func TestLoweredDeviceLimitIsHonoured(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	r := glrunSim(t, s, "run", "--sim", "-v", "--rate-limit-devices", "2", "../runbooks/onboard_server.star",
		"serial=CZ2401ONB1", "part=P52534-B21", "group=lab", "poll=5s")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, `msg="rate limit: waiting" api=devices/v1`) {
		t.Errorf("no device rate limit waits in the -v log:\n%.3000s", r.stderr)
	}
	var devices []sim.LogEntry
	for _, e := range r.requests {
		if strings.HasPrefix(e.Path, "/devices/") {
			devices = append(devices, e)
		}
		if e.Status == 429 {
			t.Errorf("the simulator answered 429: %+v", e)
		}
	}
	// No window of a minute holds more than 2 requests of one endpoint kind
	// of /devices: the sorted request times of each kind are a minute apart
	// two places back.
	byKind := map[string][]time.Time{}
	for _, e := range devices {
		segs := strings.Split(strings.Trim(e.Path, "/"), "/")
		k := map[string]string{"POST": "add", "GET": "list"}[e.Method]
		switch {
		case k == "":
			k = "update"
		case k == "list" && segs[2] == "async-operations":
			k = "operation"
		case k == "list" && len(segs) > 3:
			k = "get"
		}
		byKind[k] = append(byKind[k], e.Time)
	}
	for k, ts := range byKind {
		for i := 2; i < len(ts); i++ {
			if ts[i].Sub(ts[i-2]) < time.Minute {
				t.Errorf("%s /devices requests %d and %d are %s apart, want a minute at 2 a minute", k, i-2, i, ts[i].Sub(ts[i-2]))
			}
		}
	}
}
