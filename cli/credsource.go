package cli

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"glrun/config"
	"glrun/exitcode"
	"glrun/glapi"
)

// origin says where one credential setting came from: its group (the
// command line and GREENLAKE_* environment count as one, a profile as
// another) and, for messages, the flag, variable or profile key.
type origin struct {
	group string // "" when the setting is unset or takes its default
	where string
}

// envGroup is the group of flags and GREENLAKE_* variables.
const envGroup = "command line and environment"

// originOf says where a setting came from: flag (when changed), else the
// environment variable env, else the profile's value.
func originOf(cmd *cobra.Command, flag, env string, getenv func(string) string, sel config.Selection, key, profVal string) origin {
	switch {
	case flag != "" && cmd.Flags().Changed(flag):
		return origin{envGroup, "--" + flag}
	case strings.TrimSpace(getenv(env)) != "":
		return origin{envGroup, env}
	case sel.Name != "" && profVal != "":
		return origin{"profile " + sel.Name, fmt.Sprintf("profile %q (%s)", sel.Name, key)}
	}
	return origin{}
}

// checkCredentialSources refuses a client secret that comes from another
// source than the client id and the hosts it is sent to (base URL, token
// URL): a GREENLAKE_CLIENT_SECRET meant for one workspace must not go to a
// profile's host, nor a profile's secret to a host given by --base-url. A
// region only picks among GreenLake's own hosts and so mixes freely. It runs
// before the profile's secret command, so nothing is run or sent on a refusal.
func (f *targetFlags) checkCredentialSources(cmd *cobra.Command, getenv func(string) string, sel config.Selection) error {
	if sel.Name == "" {
		return nil // one source only: the command line and environment
	}
	p := sel.Profile
	secret := originOf(cmd, "", glapi.EnvClientSecret, getenv, sel, "client_secret_env", p.ClientSecretEnv)
	if secret.group == "" && p.ClientSecretCommand != "" {
		secret = origin{"profile " + sel.Name, fmt.Sprintf("profile %q (client_secret_command)", sel.Name)}
	}
	if secret.group == "" {
		return nil // no secret: glapi says what to set
	}
	others := []struct {
		what string
		o    origin
	}{
		{"the client id", originOf(cmd, "client-id", glapi.EnvClientID, getenv, sel, "client_id", p.ClientID)},
		{"the base URL", originOf(cmd, "base-url", glapi.EnvBaseURL, getenv, sel, "base_url", p.BaseURL)},
		{"the token URL", originOf(cmd, "token-url", glapi.EnvTokenURL, getenv, sel, "token_url", p.TokenURL)},
	}
	var mixed []string
	for _, o := range others {
		if o.o.group != "" && o.o.group != secret.group {
			mixed = append(mixed, o.what+" from "+o.o.where)
		}
	}
	if len(mixed) == 0 {
		return nil
	}
	return withCode(exitcode.Usage, fmt.Errorf("refusing to mix credential sources, nothing was sent: the client secret comes from %s, but %s.\n"+
		"A secret is sent only with the client id and to the hosts of its own source: set them all in the profile "+
		"(client_id, base_url, client_secret_env or client_secret_command), or all with flags and GREENLAKE_* variables and no profile selected",
		secret.where, strings.Join(mixed, " and ")))
}

// checkInsecureHTTP refuses a plain http:// base URL or token URL on a host
// other than loopback (the client secret and the tokens would cross the
// network in the clear), unless --allow-insecure-http (flag) says so, or
// the profile's allow_insecure_http does for a URL the profile gave.
func checkInsecureHTTP(cfg glapi.Config, flag bool, p config.Profile) error {
	if flag {
		return nil
	}
	for _, u := range []struct{ what, raw, profile string }{
		{"base URL", cfg.BaseURL, strings.TrimRight(p.BaseURL, "/")},
		{"token URL", cfg.TokenURL, p.TokenURL},
	} {
		if !insecureRemote(u.raw) || (p.AllowInsecureHTTP && u.raw == u.profile) {
			continue
		}
		return withCode(exitcode.Usage, fmt.Errorf("refusing plain http to a host that is not loopback, nothing was sent: the %s %s would carry the client secret and tokens unencrypted; use https://, or --allow-insecure-http (allow_insecure_http: true in a profile) for a lab host you trust", u.what, u.raw))
	}
	return nil
}

// insecureRemote reports whether raw is an http:// URL whose host is not
// loopback.
func insecureRemote(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || !strings.EqualFold(u.Scheme, "http") {
		return false
	}
	return !isLoopback(u.Hostname())
}
