package cli

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
)

// targetFlags say which GreenLake to talk to: a real workspace, a simulator
// started in-process (--sim), or any host given by --base-url.
type targetFlags struct {
	sim          bool
	simTimeScale float64
	baseURL      string
	region       string
	tokenURL     string
	tenantACID   string
	clientID     string
	profile      string
	// allowInsecureHTTP lets a plain http:// base or token URL name a host
	// other than loopback (see checkInsecureHTTP).
	allowInsecureHTTP bool
	// record and replay are cassette files (flags of 'glrun run', see
	// cassette.go): record every interaction, or answer from one.
	record, replay string
	// rate configures the client-side rate limiter.
	rate rateLimitFlags
}

func (f *targetFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&f.sim, "sim", false, "run against the built-in simulator, started in-process on loopback (no account needed)")
	fs.Float64Var(&f.simTimeScale, "sim-time-scale", 60, "with --sim: how many times faster than real time simulated jobs (and the runbook's waits) run")
	fs.StringVar(&f.baseURL, "base-url", "", "send every API request to this host, e.g. a 'glrun sim serve' URL (env GREENLAKE_BASE_URL)")
	fs.StringVar(&f.region, "region", "", "Compute Ops Management region: us-west, eu-central, ap-northeast (env GREENLAKE_REGION; default us-west)")
	fs.StringVar(&f.tokenURL, "token-url", "", "OAuth2 token endpoint (env GREENLAKE_TOKEN_URL; default the GreenLake SSO, or <base-url>/as/token.oauth2)")
	fs.StringVar(&f.tenantACID, "tenant-acid", "", "MSP tenant application customer id, sent as the Tenant-Acid header (env GREENLAKE_TENANT_ACID)")
	fs.StringVar(&f.clientID, "client-id", "", "API client id (env GREENLAKE_CLIENT_ID); the secret is read from GREENLAKE_CLIENT_SECRET only, never from a flag")
	f.rate.register(fs)
	fs.BoolVar(&f.allowInsecureHTTP, "allow-insecure-http", false, "allow a plain http:// base or token URL on a host other than loopback (the secret and tokens then cross the network unencrypted)")
	fs.StringVar(&f.profile, "profile", "", "use this profile of ~/.config/glrun/config.yaml for what flags and env leave unset (env GLRUN_PROFILE); see 'glrun config'")
}

// target is a resolved API target: the client configuration, the clock the
// run waits on and, with --sim, the in-process simulator.
type target struct {
	cfg   glapi.Config
	clock clock.Clock
	sim   *sim.Sim
	stop  func()
	// cassette is what --record or --replay uses (see cassette.go).
	cassette cassetteState
}

// Close stops the in-process simulator, if any.
func (t *target) Close() {
	if t.stop != nil {
		t.stop()
	}
}

// describe says in one line where requests go.
func (t *target) describe() string {
	switch {
	case t.cassette.player != nil:
		return "cassette " + t.cassette.player.File() + " (replay: nothing is sent)"
	case t.sim != nil:
		return "built-in simulator at " + t.cfg.BaseURL
	case t.cfg.BaseURL != "":
		return t.cfg.BaseURL
	default:
		r := t.cfg.Region
		if r == "" {
			r = glapi.DefaultRegion
		}
		return "GreenLake region " + r
	}
}

// baseURLInEffect returns the base URL these flags send requests to,
// whatever gave it: --base-url, else GREENLAKE_BASE_URL, else the selected
// profile's base_url, as resolve applies them; "" when none does. A
// configuration file that cannot be read counts as giving none (resolve
// reports its error).
func (f *targetFlags) baseURLInEffect(getenv func(string) string) string {
	if f.baseURL != "" {
		return strings.TrimRight(f.baseURL, "/")
	}
	if v := strings.TrimSpace(getenv(glapi.EnvBaseURL)); v != "" {
		return v
	}
	if _, sel, err := f.loadProfile(getenv); err == nil && sel.Name != "" {
		return strings.TrimRight(sel.Profile.BaseURL, "/")
	}
	return ""
}

// realGreenLake reports whether these flags target a real GreenLake
// workspace. Everything does except --sim, --replay and a base URL on a
// loopback host (such as a 'glrun sim serve'), and the rule is the same
// whether the base URL comes from --base-url, GREENLAKE_BASE_URL or a
// profile. A base URL that does not parse, or names no host, counts as
// real: when in doubt, glrun asks.
func (f *targetFlags) realGreenLake(getenv func(string) string) bool {
	if f.sim || f.replay != "" {
		return false
	}
	base := f.baseURLInEffect(getenv)
	if base == "" {
		return true
	}
	u, err := url.Parse(base)
	if err != nil || u.Hostname() == "" {
		return true
	}
	return !isLoopback(u.Hostname())
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// resolve builds the target. With --sim it starts the simulator on a
// loopback port and points the client at it with the demo credentials.
func (f *targetFlags) resolve(cmd *cobra.Command, s streams) (*target, error) {
	if f.replay != "" {
		return f.replayTarget(cmd)
	}
	if f.sim {
		for _, name := range []string{"base-url", "region", "token-url", "client-id"} {
			if cmd.Flags().Changed(name) {
				return nil, usageErrorf("--sim and --%s do not go together: --sim talks to the built-in simulator", name)
			}
		}
		if f.simTimeScale <= 0 {
			return nil, usageErrorf("--sim-time-scale must be a positive number, got %v", f.simTimeScale)
		}
		sm := s.sim
		if sm == nil {
			sm = sim.New(sim.Options{TimeScale: f.simTimeScale})
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("starting the simulator: %w", err)
		}
		srv := &http.Server{Handler: sm, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(l) }()
		return &target{
			cfg: glapi.Config{
				BaseURL:      "http://" + l.Addr().String(),
				ClientID:     sim.DemoClientID,
				ClientSecret: glapi.NewSecret(sim.DemoClientSecret),
				TenantACID:   f.tenantACID,
			},
			clock: sm.Clock(),
			sim:   sm,
			stop:  func() { _ = srv.Close() },
		}, nil
	}
	cfg := glapi.Config{
		ClientID:   f.clientID,
		Region:     f.region,
		BaseURL:    strings.TrimRight(f.baseURL, "/"),
		TokenURL:   f.tokenURL,
		TenantACID: f.tenantACID,
	}
	cfg.ApplyEnv(s.env())
	if err := f.applyProfile(cmd, &cfg, s.env()); err != nil {
		return nil, err
	}
	_, sel, _ := f.loadProfile(s.env()) // applyProfile reported any error
	if err := checkInsecureHTTP(cfg, f.allowInsecureHTTP, sel.Profile); err != nil {
		return nil, err
	}
	return &target{cfg: cfg, clock: clock.Real{}}, nil
}
