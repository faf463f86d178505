package cli

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"glrun/config"
	"glrun/glapi"
)

// rateLimitFlags configure the client-side rate limiter (glapi.RateLimits).
// A flag left unset takes the selected profile's rate_limit_* key, else
// the documented default.
type rateLimitFlags struct {
	off           bool
	identityRPM   int
	computeRate   float64
	devices       string // endpointLimitsUsage syntax
	subscriptions string // endpointLimitsUsage syntax
	authzRPM      int
	auditRPM      int
}

// endpointLimitsUsage says how --rate-limit-devices and
// --rate-limit-subscriptions are spelt (and their profile keys).
const endpointLimitsUsage = "N caps every endpoint at N requests per minute; ENDPOINT=N,... sets endpoints one by one " +
	"(endpoints: list, get, add, update, operation)"

func (f *rateLimitFlags) register(fs *pflag.FlagSet) {
	fs.IntVar(&f.identityRPM, "rate-limit-identity", glapi.DefaultIdentityPerMinute,
		"identity API requests per minute per workspace (the documented limit; lower it to leave room for other clients)")
	fs.Float64Var(&f.computeRate, "rate-limit-compute", glapi.DefaultComputeRate,
		"Compute Ops Management requests per second to start at; it doubles while answers are fine until the first 429, halves on a 429, then grows slowly")
	fs.StringVar(&f.devices, "rate-limit-devices", "",
		"device API requests per minute per workspace: "+endpointLimitsUsage+
			" (default the documented "+endpointLimitsText(glapi.DefaultDevicesLimits)+")")
	fs.StringVar(&f.subscriptions, "rate-limit-subscriptions", "",
		"subscription API requests per minute per workspace, spelt as --rate-limit-devices"+
			" (default the documented "+endpointLimitsText(glapi.DefaultSubscriptionsLimits)+")")
	fs.IntVar(&f.authzRPM, "rate-limit-authorization", glapi.DefaultAuthorizationPerMinute,
		"authorization API (role assignments, scope groups) requests per minute per workspace, all endpoints together")
	fs.IntVar(&f.auditRPM, "rate-limit-audit", glapi.DefaultAuditPerMinute,
		"audit log API requests per minute (the documented per-user limit)")
	fs.BoolVar(&f.off, "no-rate-limit", false, "send requests as fast as they come (the API's 429s are still retried); -v logs every wait and change")
}

// endpointKinds are the endpoint names of --rate-limit-devices, in the
// order they are shown.
var endpointKinds = []string{"list", "get", "add", "update", "operation"}

// endpointField returns the field of l that kind names.
func endpointField(l *glapi.EndpointLimits, kind string) *int {
	switch kind {
	case "list":
		return &l.List
	case "get":
		return &l.Get
	case "add":
		return &l.Add
	case "update":
		return &l.Update
	case "operation":
		return &l.Operation
	}
	return nil
}

// endpointLimitsText is "list=160,get=40,add=50,update=40,operation=90".
func endpointLimitsText(l glapi.EndpointLimits) string {
	parts := make([]string, len(endpointKinds))
	for i, k := range endpointKinds {
		parts[i] = fmt.Sprintf("%s=%d", k, *endpointField(&l, k))
	}
	return strings.Join(parts, ",")
}

// parseEndpointLimits reads a --rate-limit-devices value against the
// family's defaults: "" keeps them; "N" caps every endpoint at N (an
// endpoint whose default is lower keeps it); "KIND=N,..." sets the
// endpoints named (higher than the default too) and keeps the others.
func parseEndpointLimits(v string, defaults glapi.EndpointLimits) (glapi.EndpointLimits, error) {
	v = strings.TrimSpace(v)
	out := defaults
	if v == "" {
		return out, nil
	}
	if !strings.Contains(v, "=") {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return out, fmt.Errorf("want a whole number of requests per minute (at least 1) or ENDPOINT=N,..., got %q", v)
		}
		for _, k := range endpointKinds {
			p := endpointField(&out, k)
			*p = min(*p, n)
		}
		return out, nil
	}
	seen := map[string]bool{}
	for _, item := range strings.Split(v, ",") {
		kind, num, ok := strings.Cut(strings.TrimSpace(item), "=")
		kind = strings.ToLower(strings.TrimSpace(kind))
		p := endpointField(&out, kind)
		if !ok || p == nil {
			return out, fmt.Errorf("%q: want ENDPOINT=N with ENDPOINT one of %s", item, strings.Join(endpointKinds, ", "))
		}
		if seen[kind] {
			return out, fmt.Errorf("endpoint %s given twice", kind)
		}
		seen[kind] = true
		n, err := strconv.Atoi(strings.TrimSpace(num))
		if err != nil || n < 1 {
			return out, fmt.Errorf("%s: want a whole number of requests per minute (at least 1), got %q", kind, strings.TrimSpace(num))
		}
		*p = n
	}
	return out, nil
}

// rateLimitSetting is one rate limit: its flag, its profile key, and the
// value in effect with where it came from.
type rateLimitSetting struct {
	flag, key     string
	value, source string
}

// rateLimitKeys pairs every rate-limit flag with its profile key, in the
// order 'glrun config' shows them.
var rateLimitKeys = [][2]string{
	{"rate-limit-identity", "rate_limit_identity"},
	{"rate-limit-compute", "rate_limit_compute"},
	{"rate-limit-devices", "rate_limit_devices"},
	{"rate-limit-subscriptions", "rate_limit_subscriptions"},
	{"rate-limit-authorization", "rate_limit_authorization"},
	{"rate-limit-audit", "rate_limit_audit"},
}

// profileRateLimit returns p's value of key ("" when unset).
func profileRateLimit(p config.Profile, key string) string {
	return strings.TrimSpace(p.RateLimits()[key])
}

// rateSettings returns every rate limit in effect, as text, and its source:
// the flag when given, else the profile's key when the profile sets it,
// else the default.
func (f *rateLimitFlags) rateSettings(fs *pflag.FlagSet, sel config.Selection, profileSrc string) []rateLimitSetting {
	out := make([]rateLimitSetting, 0, len(rateLimitKeys))
	for _, fk := range rateLimitKeys {
		st := rateLimitSetting{flag: fk[0], key: fk[1]}
		fl := fs.Lookup(fk[0])
		switch {
		case fl != nil && fs.Changed(fk[0]):
			st.value, st.source = fl.Value.String(), "flag --"+fk[0]
		case sel.Name != "" && profileRateLimit(sel.Profile, fk[1]) != "":
			st.value, st.source = profileRateLimit(sel.Profile, fk[1]), fk[1]+" in "+profileSrc
		default:
			st.value, st.source = rateLimitDefault(fk[0]), "default"
		}
		out = append(out, st)
	}
	return out
}

// rateLimitDefault is the documented default of flag, as text.
func rateLimitDefault(flag string) string {
	switch flag {
	case "rate-limit-identity":
		return strconv.Itoa(glapi.DefaultIdentityPerMinute)
	case "rate-limit-compute":
		return strconv.Itoa(glapi.DefaultComputeRate)
	case "rate-limit-devices":
		return endpointLimitsText(glapi.DefaultDevicesLimits)
	case "rate-limit-subscriptions":
		return endpointLimitsText(glapi.DefaultSubscriptionsLimits)
	case "rate-limit-authorization":
		return strconv.Itoa(glapi.DefaultAuthorizationPerMinute)
	case "rate-limit-audit":
		return strconv.Itoa(glapi.DefaultAuditPerMinute)
	}
	return ""
}

// limits returns the glapi configuration from the flags alone, or a usage
// error naming the flag.
func (f *rateLimitFlags) limits() (glapi.RateLimits, error) {
	return f.limitsFrom(nil, config.Selection{}, "")
}

// limitsFrom returns the glapi configuration: each flag given on fs wins,
// a limit the flags leave unset comes from the selected profile's
// rate_limit_* key, else its default. A bad value is a usage error naming
// the flag, or the profile key and where it is.
func (f *rateLimitFlags) limitsFrom(fs *pflag.FlagSet, sel config.Selection, profileSrc string) (glapi.RateLimits, error) {
	vals := map[string]rateLimitSetting{}
	if fs != nil {
		for _, st := range f.rateSettings(fs, sel, profileSrc) {
			vals[st.flag] = st
		}
	}
	// name says where a value came from, for errors.
	name := func(flag string) string {
		if st, ok := vals[flag]; ok && strings.HasPrefix(st.source, "rate_limit_") {
			return st.source
		}
		return "--" + flag
	}
	// text is the value to parse: the profile's when it is the source.
	text := func(flag, flagVal string) string {
		if st, ok := vals[flag]; ok && strings.HasPrefix(st.source, "rate_limit_") {
			return st.value
		}
		return flagVal
	}
	identity, err := intLimit(name("rate-limit-identity"), text("rate-limit-identity", strconv.Itoa(f.identityRPM)))
	if err != nil {
		return glapi.RateLimits{}, err
	}
	computeText := text("rate-limit-compute", strconv.FormatFloat(f.computeRate, 'g', -1, 64))
	compute, perr := strconv.ParseFloat(strings.TrimSpace(computeText), 64)
	if perr != nil || !(compute > 0) || math.IsInf(compute, 0) {
		return glapi.RateLimits{}, usageErrorf("%s must be a positive number of requests per second, got %v (use --no-rate-limit to turn the limiter off)", name("rate-limit-compute"), computeText)
	}
	devices, err := parseEndpointLimits(text("rate-limit-devices", f.devices), glapi.DefaultDevicesLimits)
	if err != nil {
		return glapi.RateLimits{}, usageErrorf("%s: %v (use --no-rate-limit to turn the limiter off)", name("rate-limit-devices"), err)
	}
	subs, err := parseEndpointLimits(text("rate-limit-subscriptions", f.subscriptions), glapi.DefaultSubscriptionsLimits)
	if err != nil {
		return glapi.RateLimits{}, usageErrorf("%s: %v (use --no-rate-limit to turn the limiter off)", name("rate-limit-subscriptions"), err)
	}
	authz, err := intLimit(name("rate-limit-authorization"), text("rate-limit-authorization", strconv.Itoa(f.authzRPM)))
	if err != nil {
		return glapi.RateLimits{}, err
	}
	audit, err := intLimit(name("rate-limit-audit"), text("rate-limit-audit", strconv.Itoa(f.auditRPM)))
	if err != nil {
		return glapi.RateLimits{}, err
	}
	return glapi.RateLimits{Off: f.off, IdentityPerMinute: identity, ComputeRate: compute,
		Devices: devices, Subscriptions: subs, AuthorizationPerMinute: authz, AuditPerMinute: audit}, nil
}

// intLimit parses a per-minute limit named name.
func intLimit(name, v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		return 0, usageErrorf("%s must be at least 1 request per minute, got %s (use --no-rate-limit to turn the limiter off)", name, strings.TrimSpace(v))
	}
	return n, nil
}

// rateLimits returns the rate limits of a run against the target these
// flags describe: the flags, then (when the target takes its settings from
// a profile: not --sim, not --replay) the selected profile's rate_limit_*
// keys, then the defaults.
func (f *targetFlags) rateLimits(cmd *cobra.Command, getenv func(string) string) (glapi.RateLimits, error) {
	sel, src := config.Selection{}, ""
	if !f.sim && f.replay == "" {
		file, s, err := f.loadProfile(getenv)
		if err != nil {
			return glapi.RateLimits{}, err
		}
		sel, src = s, "profile "+s.Name+" in "+file.Path
	}
	return f.rate.limitsFrom(cmd.Flags(), sel, src)
}
