package builtins

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	libtime "go.starlark.net/lib/time"
	"go.starlark.net/starlark"
)

// durationWant is what a duration parameter expects, for error messages.
const durationWant = `a duration such as "90s", "30m", "2h", "1h30m" or a number of seconds (not negative)`

// maxDurationSeconds bounds a duration given in seconds (about 290 years,
// what a time.Duration holds).
const maxDurationSeconds = float64(math.MaxInt64 / int64(time.Second))

// ParseDuration converts a runbook's duration: a string such as "90s",
// "30m", "2h" or "1h30m" (Go duration syntax), a number of seconds (an int,
// a float, or a string of digits such as "600"), or a duration value of the time module. Negative durations and
// anything else are errors.
func ParseDuration(v starlark.Value) (time.Duration, error) {
	var d time.Duration
	switch v := v.(type) {
	case starlark.String:
		s := strings.TrimSpace(string(v))
		if secs, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "xXpPnN_") {
			// A bare number is seconds, as it would be unquoted (NAME=VALUE on
			// the command line arrives as a string).
			return ParseDuration(starlark.Float(secs))
		}
		parsed, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: want %s", s, durationWant)
		}
		d = parsed
	case starlark.Int:
		n, ok := v.Int64()
		if !ok || float64(n) > maxDurationSeconds || float64(n) < -maxDurationSeconds {
			return 0, fmt.Errorf("duration of %s seconds is out of range", v)
		}
		d = time.Duration(n) * time.Second
	case starlark.Float:
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > maxDurationSeconds {
			return 0, fmt.Errorf("duration of %s seconds is out of range", v)
		}
		d = time.Duration(f * float64(time.Second))
	case libtime.Duration:
		d = time.Duration(v)
	default:
		return 0, fmt.Errorf("want %s, got %s", durationWant, Describe(v))
	}
	if d < 0 {
		return 0, fmt.Errorf("negative duration %s", d)
	}
	return d, nil
}
