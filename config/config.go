// Package config reads glrun's configuration file: named profiles that say
// which GreenLake to talk to (region, base URL, tenant, client id) and
// where the client secret comes from (an environment variable or a
// command such as `pass show greenlake/prod`). The secret itself is never
// stored in the file.
package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"

	"glrun/internal/regularfile"
)

// EnvProfile selects a profile when --profile is not given.
const EnvProfile = "GLRUN_PROFILE"

// Profile is one named target.
type Profile struct {
	// Region is the Compute Ops Management region (us-west, eu-central,
	// ap-northeast).
	Region string `yaml:"region"`
	// BaseURL sends every API request to this host instead.
	BaseURL string `yaml:"base_url"`
	// TokenURL is the OAuth2 token endpoint.
	TokenURL string `yaml:"token_url"`
	// TenantACID is the MSP tenant's application customer id.
	TenantACID string `yaml:"tenant_acid"`
	// ClientID is the API client id.
	ClientID string `yaml:"client_id"`
	// ClientSecretEnv names the environment variable holding the secret.
	ClientSecretEnv string `yaml:"client_secret_env"`
	// ClientSecretCommand is a shell command printing the secret, such as
	// "pass show greenlake/prod".
	ClientSecretCommand string `yaml:"client_secret_command"`
	// AllowInsecureHTTP lets base_url or token_url be a plain http:// URL
	// on a host other than loopback (as --allow-insecure-http does).
	AllowInsecureHTTP bool `yaml:"allow_insecure_http"`
	// StateDir is where live runs keep their journals (see docs/journal.md);
	// empty means $XDG_STATE_HOME/glrun/runs.
	StateDir string `yaml:"state_dir"`
	// KeepRuns is how many runs the state directory keeps at most (nil:
	// the default, 100).
	KeepRuns *int `yaml:"keep_runs"`
	// KeepRunsDays is how many days a run is kept (nil: the default, 30).
	KeepRunsDays *int `yaml:"keep_runs_days"`

	// The rate limits of the client-side limiter, as the --rate-limit-*
	// flags of the same names spell them (a flag given wins): identity,
	// authorization and audit in requests per minute, compute in requests
	// per second to start at, devices and subscriptions a per-minute cap
	// on every endpoint (N) or per endpoint (list=N,get=N,add=N,update=N,
	// operation=N). Checked when a run uses the profile.
	RateLimitIdentity      string `yaml:"rate_limit_identity"`
	RateLimitCompute       string `yaml:"rate_limit_compute"`
	RateLimitDevices       string `yaml:"rate_limit_devices"`
	RateLimitSubscriptions string `yaml:"rate_limit_subscriptions"`
	RateLimitAuthorization string `yaml:"rate_limit_authorization"`
	RateLimitAudit         string `yaml:"rate_limit_audit"`
}

// RateLimits returns the profile's rate_limit_* keys that are set, by key.
func (p Profile) RateLimits() map[string]string {
	out := map[string]string{}
	for k, v := range map[string]string{
		"rate_limit_identity": p.RateLimitIdentity, "rate_limit_compute": p.RateLimitCompute,
		"rate_limit_devices": p.RateLimitDevices, "rate_limit_subscriptions": p.RateLimitSubscriptions,
		"rate_limit_authorization": p.RateLimitAuthorization, "rate_limit_audit": p.RateLimitAudit,
	} {
		if strings.TrimSpace(v) != "" {
			out[k] = strings.TrimSpace(v)
		}
	}
	return out
}

// File is the configuration file.
type File struct {
	// Path is where it was read from ("" when there is none).
	Path string `yaml:"-"`
	// Default is the profile used when none is selected.
	Default string `yaml:"default"`
	// Profiles are the named profiles.
	Profiles map[string]Profile `yaml:"profiles"`
}

// Path returns the configuration file's path: $XDG_CONFIG_HOME/glrun/config.yaml,
// else ~/.config/glrun/config.yaml.
func Path(getenv func(string) string) (string, error) {
	if dir := getenv("XDG_CONFIG_HOME"); dir != "" {
		return filepath.Join(dir, "glrun", "config.yaml"), nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", fmt.Errorf("finding the configuration file: %w", err)
		}
	}
	return filepath.Join(home, ".config", "glrun", "config.yaml"), nil
}

// maxConfigFile is the largest configuration file Load reads.
const maxConfigFile = 1 << 20

// Load reads the file at path (a regular file: a named pipe is refused,
// not waited on). A missing file is an empty configuration.
// Unknown keys are errors naming the line, so a typo does not silently
// drop a setting.
func Load(path string) (*File, error) {
	data, err := regularfile.ReadFile(path, maxConfigFile)
	if errors.Is(err, fs.ErrNotExist) {
		return &File{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	f := &File{Path: path}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w (want default: NAME and profiles: NAME: {region, base_url, token_url, tenant_acid, client_id, client_secret_env, client_secret_command, allow_insecure_http, state_dir, keep_runs, keep_runs_days, rate_limit_identity, rate_limit_compute, rate_limit_devices, rate_limit_subscriptions, rate_limit_authorization, rate_limit_audit})", path, yamlError{err})
	}
	for name, p := range f.Profiles {
		if p.ClientSecretEnv != "" && p.ClientSecretCommand != "" {
			return nil, fmt.Errorf("%s: profile %q: give client_secret_env or client_secret_command, not both", path, name)
		}
		for key, v := range map[string]*int{"keep_runs": p.KeepRuns, "keep_runs_days": p.KeepRunsDays} {
			if v != nil && *v < 1 {
				return nil, fmt.Errorf("%s: profile %q: %s must be at least 1, got %d", path, name, key, *v)
			}
		}
	}
	if f.Default != "" {
		if _, ok := f.Profiles[f.Default]; !ok {
			return nil, fmt.Errorf("%s: default profile %q is not defined (profiles: %s)", path, f.Default, strings.Join(f.Names(), ", "))
		}
	}
	return f, nil
}

// yamlError is err, from decoding the file, said by line: "line 3: field
// regoin not found in type config.Profile", several joined by "; ". The
// library's own text names its internals (its stage, a range of marks); a
// line number is what the user needs to find the mistake.
type yamlError struct{ err error }

func (e yamlError) Error() string {
	var errs *yaml.LoadErrors
	if errors.As(e.err, &errs) && len(errs.Errors) > 0 {
		lines := make([]string, len(errs.Errors))
		for i, le := range errs.Errors {
			lines[i] = atLine(le)
		}
		return strings.Join(lines, "; ")
	}
	var le *yaml.LoadError
	if errors.As(e.err, &le) {
		return atLine(le)
	}
	return e.err.Error()
}

func (e yamlError) Unwrap() error { return e.err }

// atLine is le's message after the line it is about, when known.
func atLine(le *yaml.LoadError) string {
	if le.Mark.Line > 0 {
		return fmt.Sprintf("line %d: %s", le.Mark.Line, le.Message)
	}
	return le.Message
}

// Names returns the profile names, sorted.
func (f *File) Names() []string {
	out := make([]string, 0, len(f.Profiles))
	for k := range f.Profiles {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Selection is the profile in effect and why.
type Selection struct {
	// Name is the profile's name, "" when none is in effect.
	Name string
	// Source says what selected it: "--profile", "GLRUN_PROFILE" or
	// "default in PATH".
	Source string
	// Profile is the profile's settings.
	Profile Profile
}

// Select picks the profile: flag (from --profile) first, then the
// GLRUN_PROFILE environment variable, then the file's default. An unknown
// name is an error listing the profiles.
func (f *File) Select(flag string, getenv func(string) string) (Selection, error) {
	name, source := flag, "--profile"
	if name == "" {
		name, source = strings.TrimSpace(getenv(EnvProfile)), EnvProfile
	}
	if name == "" {
		name, source = f.Default, "default in "+f.Path
	}
	if name == "" {
		return Selection{}, nil
	}
	p, ok := f.Profiles[name]
	if !ok {
		where := f.Path
		if where == "" {
			where = "the configuration file (there is none)"
		}
		known := strings.Join(f.Names(), ", ")
		if known == "" {
			known = "none"
		}
		return Selection{}, fmt.Errorf("profile %q (from %s) is not defined in %s; profiles: %s", name, source, where, known)
	}
	return Selection{Name: name, Source: source, Profile: p}, nil
}

// SecretSource describes where the profile's secret comes from, without
// revealing it: "env NAME", "command `...`" or "".
func (p Profile) SecretSource() string {
	switch {
	case p.ClientSecretEnv != "":
		return "env " + p.ClientSecretEnv
	case p.ClientSecretCommand != "":
		return "command `" + p.ClientSecretCommand + "`"
	}
	return ""
}

// Secret returns the client secret from the profile's environment
// variable or command ("" when the profile names neither). The command
// runs with sh -c; its first line of output is the secret (as `pass show`
// prints it). Errors never contain the secret.
func (p Profile) Secret(ctx context.Context, getenv func(string) string) (string, error) {
	switch {
	case p.ClientSecretEnv != "":
		v := strings.TrimSpace(getenv(p.ClientSecretEnv))
		if v == "" {
			return "", fmt.Errorf("client_secret_env: environment variable %s is empty or unset", p.ClientSecretEnv)
		}
		return v, nil
	case p.ClientSecretCommand != "":
		var stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, "sh", "-c", p.ClientSecretCommand)
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("client_secret_command `%s`: %w: %s", p.ClientSecretCommand, err, strings.TrimSpace(stderr.String()))
		}
		first, _, _ := strings.Cut(string(out), "\n")
		if first = strings.TrimSpace(first); first == "" {
			return "", fmt.Errorf("client_secret_command `%s` printed nothing", p.ClientSecretCommand)
		}
		return first, nil
	}
	return "", nil
}
