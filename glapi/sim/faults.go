package sim

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Fault kinds that take a rate between 0 and 1, in the order a request's
// fault is drawn.
var rateKinds = []string{"429", "500", "502", "503", "504", faultResetBefore, faultResetAfter, faultMalformed}

// Fault kinds besides the HTTP statuses.
const (
	faultResetBefore = "reset-before"
	faultResetAfter  = "reset-after"
	faultMalformed   = "malformed"
)

// Faults says which faults the simulator injects into API requests (never
// into token requests): each rate kind is the probability that a request
// gets that fault; Latency delays every API request (on the wall clock,
// or on Options.Clock when one is given); TokenTTL shortens token lifetimes; Seed makes the draws
// reproducible.
type Faults struct {
	// Rates by kind: "429", "500", "502", "503", "504", "reset-before",
	// "reset-after", "malformed".
	Rates    map[string]float64
	Latency  time.Duration
	TokenTTL time.Duration
	Seed     int64
}

// ParseFaults parses the --faults syntax (docs/architecture.md,
// "The simulator's faults"): a comma list of
// KIND=VALUE such as "429=0.2,503=0.05,reset-after=0.02,latency=20ms,
// token-ttl=5m,seed=7". The error names the bad kind or value.
func ParseFaults(spec string) (Faults, error) {
	var f Faults
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return f, nil
	}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		kind, val, ok := strings.Cut(part, "=")
		kind, val = strings.TrimSpace(kind), strings.TrimSpace(val)
		if !ok || val == "" {
			return Faults{}, fmt.Errorf("faults: %q: want KIND=VALUE", part)
		}
		switch kind {
		case "latency", "token-ttl":
			d, err := time.ParseDuration(val)
			if err != nil || d < 0 {
				return Faults{}, fmt.Errorf("faults: %s: bad duration %q (want e.g. 20ms, 5m)", kind, val)
			}
			if kind == "latency" {
				f.Latency = d
			} else {
				f.TokenTTL = d
			}
		case "seed":
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return Faults{}, fmt.Errorf("faults: seed: bad integer %q", val)
			}
			f.Seed = n
		default:
			if !isRateKind(kind) {
				return Faults{}, fmt.Errorf("faults: unknown kind %q (want one of %s, latency, token-ttl, seed)", kind, strings.Join(rateKinds, ", "))
			}
			r, err := strconv.ParseFloat(val, 64)
			if err != nil || r < 0 || r > 1 {
				return Faults{}, fmt.Errorf("faults: %s: bad rate %q (want a number between 0 and 1)", kind, val)
			}
			if f.Rates == nil {
				f.Rates = map[string]float64{}
			}
			f.Rates[kind] = r
		}
	}
	var sum float64
	for _, r := range f.Rates {
		sum += r
	}
	if sum > 1 {
		return Faults{}, fmt.Errorf("faults: rates add up to %g, more than 1", sum)
	}
	return f, nil
}

func isRateKind(k string) bool {
	for _, x := range rateKinds {
		if x == k {
			return true
		}
	}
	return false
}

// String returns f in the --faults syntax.
func (f Faults) String() string {
	var parts []string
	kinds := make([]string, 0, len(f.Rates))
	for k := range f.Rates {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		parts = append(parts, k+"="+strconv.FormatFloat(f.Rates[k], 'g', -1, 64))
	}
	if f.Latency > 0 {
		parts = append(parts, "latency="+f.Latency.String())
	}
	if f.TokenTTL > 0 {
		parts = append(parts, "token-ttl="+f.TokenTTL.String())
	}
	if f.Seed != 0 {
		parts = append(parts, "seed="+strconv.FormatInt(f.Seed, 10))
	}
	return strings.Join(parts, ",")
}

// fault is the fault chosen for one request.
type fault struct {
	kind    string // "" for none; else a rate kind
	status  int    // an injected error status, if any
	latency time.Duration
}

// pickFault draws the fault of one request.
func (s *Sim) pickFault(r *http.Request) fault {
	if r.URL.Path == tokenPath || family(r.URL.Path) == "" {
		return fault{}
	}
	s.faultMu.Lock()
	faults := s.faults // SetFaults may replace it
	f := fault{latency: faults.Latency}
	if len(faults.Rates) == 0 {
		s.faultMu.Unlock()
		return f
	}
	x := s.faultRng.Float64()
	s.faultMu.Unlock()
	var cum float64
	for _, k := range rateKinds {
		cum += faults.Rates[k]
		if x < cum {
			f.kind = k
			if n, err := strconv.Atoi(k); err == nil {
				f.status = n
			}
			return f
		}
	}
	return f
}

// faultResponse is an injected error answer. 429s rotate through the wait
// hints a client must honour: Retry-After, the body's retryAfterSeconds,
// ratelimit-reset and X-RateLimit-Reset. Callers hold s.mu.
func (s *Sim) faultResponse(path string, status int) response {
	fam := family(path)
	if status != http.StatusTooManyRequests {
		return s.apiError(fam, status, http.StatusText(status)+" (injected fault)")
	}
	s.hint++
	const secs = 2
	r := s.apiError(fam, status, "Too many requests (injected fault)")
	switch s.hint % 4 {
	case 0:
		r = r.with("Retry-After", strconv.Itoa(secs))
	case 1:
		r.body.(obj)["errorDetails"] = []any{obj{"type": "hpe.greenlake.retry_info", "retryAfterSeconds": secs}}
	case 2:
		r = r.with("ratelimit-limit", "300").with("ratelimit-remaining", "0").with("ratelimit-reset", strconv.Itoa(secs))
	case 3:
		r = r.with("X-RateLimit-Reset", strconv.Itoa(secs))
	}
	return r
}

// resetConn cuts the client's connection without an answer.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// writeMalformed writes resp's status with a truncated JSON body.
func writeMalformed(w http.ResponseWriter, resp response) {
	b, _ := json.Marshal(resp.body)
	if len(b) < 2 {
		b = []byte(`{"items": [`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(resp.status)
	_, _ = w.Write(b[:len(b)/2])
}
