package glapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"glrun/clock"
)

// Default endpoints.
const (
	DefaultTokenURL = "https://sso.common.cloud.hpe.com/as/token.oauth2"
	DefaultRegion   = "us-west"
)

// GlobalBaseURL is the host of the identity and workspaces APIs.
const GlobalBaseURL = "https://global.api.greenlake.hpe.com"

// Regions lists the Compute Ops Management regions, in the order they are
// shown to users.
var regions = []string{"us-west", "eu-central", "ap-northeast"}

// Regions returns the valid values of Config.Region.
func Regions() []string { return append([]string(nil), regions...) }

// Environment variables read by Config.ApplyEnv.
const (
	EnvClientID     = "GREENLAKE_CLIENT_ID"
	EnvClientSecret = "GREENLAKE_CLIENT_SECRET"
	EnvRegion       = "GREENLAKE_REGION"
	EnvBaseURL      = "GREENLAKE_BASE_URL"
	EnvTokenURL     = "GREENLAKE_TOKEN_URL"
	EnvTenantACID   = "GREENLAKE_TENANT_ACID"
)

// ErrNoCredentials is returned by New when the client id or secret is
// missing. Its message says what to set.
var ErrNoCredentials = errors.New("no GreenLake API credentials: set --client-id or " +
	EnvClientID + ", and " + EnvClientSecret)

// ErrInvalidConfig is wrapped by every other configuration error New returns
// (unknown region, malformed URL).
var ErrInvalidConfig = errors.New("invalid GreenLake configuration")

// Config configures a Client. Zero values take the defaults.
type Config struct {
	ClientID     string
	ClientSecret Secret
	// Region selects the Compute Ops Management host: us-west, eu-central,
	// ap-northeast. Identity and workspaces always use global.
	Region string
	// BaseURL, when set, sends every API to this one host (e.g. the
	// simulator); the token URL then defaults to BaseURL + "/as/token.oauth2".
	BaseURL string
	// TokenURL overrides the token endpoint.
	TokenURL string
	// TenantACID, when set, is sent as the Tenant-Acid header on COM calls.
	TenantACID string
	// Transport is the innermost http.RoundTripper; nil means a clone of
	// http.DefaultTransport. Token requests go through it too.
	Transport http.RoundTripper
	// Mode is the seam where live, dry-run, apply, record and replay differ;
	// nil means Live.
	Mode Mode
	// Clock is used for every wait (retry backoff); nil means clock.Real.
	Clock clock.Clock
	// Logger receives debug logs of requests (never secrets); nil discards.
	Logger *slog.Logger
	// RetryMax is the number of retries of a failed request; 0 means 5, -1 none.
	RetryMax int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff when the
	// API gives no wait hint; 0 means 1s and 30s.
	RetryWaitMin, RetryWaitMax time.Duration
	// IdleTimeout is how long an answer may send no byte (of its headers
	// or body) before glrun gives up on it; 0 means DefaultIdleTimeout (60s),
	// -1 none. It is measured on the wall clock.
	IdleTimeout time.Duration
	// MaxResponseBytes caps the body of an answer; 0 means
	// DefaultMaxResponseBytes (64 MiB), -1 none.
	MaxResponseBytes int64
	// MaxHintedWait is the longest wait before a retry a server may ask for
	// (Retry-After, retryAfterSeconds, ratelimit-reset); a longer hint fails
	// the request with the hint shown. 0 means DefaultMaxHintedWait (15m).
	MaxHintedWait time.Duration
	// MaxPages is the most pages one listing reads before failing (a server
	// whose pages never end); 0 means DefaultMaxPages.
	MaxPages int
	// Scrubber, when set, is the Scrubber the client adds its client secret
	// and the tokens it receives to, so that the caller can scrub its own
	// logs and reports (and a cassette) with the same values; nil means a
	// Scrubber of the client's own (see Client.Scrubber).
	Scrubber *Scrubber
	// RateLimits configures the client-side rate limiter (identity's
	// documented 300 requests/minute, an adaptive limit elsewhere); the
	// zero value takes the defaults. One Client is one workspace.
	RateLimits RateLimits
}

// ApplyEnv fills the fields of c that are still empty from the GREENLAKE_*
// environment variables read through getenv (os.Getenv in production), so
// values given as flags win over the environment.
func (c *Config) ApplyEnv(getenv func(string) string) {
	fill := func(dst *string, key string) {
		if *dst == "" {
			*dst = strings.TrimSpace(getenv(key))
		}
	}
	fill(&c.ClientID, EnvClientID)
	if c.ClientSecret.Reveal() == "" {
		c.ClientSecret = NewSecret(strings.TrimSpace(getenv(EnvClientSecret)))
	}
	fill(&c.Region, EnvRegion)
	fill(&c.BaseURL, EnvBaseURL)
	fill(&c.TokenURL, EnvTokenURL)
	fill(&c.TenantACID, EnvTenantACID)
}

// Endpoints are the hosts a Client talks to.
type Endpoints struct {
	// Compute is the host of /compute-ops-mgmt.
	Compute string
	// Global is the host of /identity and /workspaces.
	Global string
	// Token is the OAuth2 token endpoint.
	Token string
}

// resolveEndpoints derives the hosts from cfg, checking the region and URLs.
func resolveEndpoints(cfg Config) (Endpoints, error) {
	var ep Endpoints
	if cfg.BaseURL != "" {
		base, err := checkURL("base URL", cfg.BaseURL)
		if err != nil {
			return ep, err
		}
		ep = Endpoints{Compute: base, Global: base, Token: base + "/as/token.oauth2"}
	} else {
		region := cfg.Region
		if region == "" {
			region = DefaultRegion
		}
		if !isRegion(region) {
			return ep, fmt.Errorf("%w: unknown region %q (valid regions: %s)",
				ErrInvalidConfig, region, strings.Join(regions, ", "))
		}
		ep = Endpoints{
			Compute: "https://" + region + ".api.greenlake.hpe.com",
			Global:  GlobalBaseURL,
			Token:   DefaultTokenURL,
		}
	}
	if cfg.TokenURL != "" {
		tok, err := checkURL("token URL", cfg.TokenURL)
		if err != nil {
			return ep, err
		}
		ep.Token = tok
	}
	return ep, nil
}

func isRegion(r string) bool {
	for _, v := range regions {
		if v == r {
			return true
		}
	}
	return false
}

// checkURL accepts an absolute http(s) URL and returns it without a
// trailing slash.
func checkURL(what, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%w: %s %q: %v", ErrInvalidConfig, what, raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%w: %s %q must be an absolute http:// or https:// URL",
			ErrInvalidConfig, what, raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("%w: %s must not contain user information", ErrInvalidConfig, what)
	}
	return strings.TrimRight(raw, "/"), nil
}
