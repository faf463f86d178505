package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"glrun/config"
	"glrun/exitcode"
	"glrun/glapi"
)

// loadProfile reads the configuration file and selects the profile in
// effect (none is fine). Errors are usage errors naming the file.
func (f *targetFlags) loadProfile(getenv func(string) string) (*config.File, config.Selection, error) {
	path, err := config.Path(getenv)
	if err != nil {
		return nil, config.Selection{}, withCode(exitcode.Usage, err)
	}
	file, err := config.Load(path)
	if err != nil {
		return nil, config.Selection{}, withCode(exitcode.Usage, err)
	}
	file.Path = path
	sel, err := file.Select(f.profile, getenv)
	if err != nil {
		return nil, config.Selection{}, withCode(exitcode.Usage, err)
	}
	return file, sel, nil
}

// applyProfile fills what flags and environment left unset in cfg from the
// selected profile: flags > env > profile.
func (f *targetFlags) applyProfile(cmd *cobra.Command, cfg *glapi.Config, getenv func(string) string) error {
	_, sel, err := f.loadProfile(getenv)
	if err != nil || sel.Name == "" {
		return err
	}
	if err := f.checkCredentialSources(cmd, getenv, sel); err != nil {
		return err
	}
	p := sel.Profile
	for _, fl := range []struct {
		dst *string
		v   string
	}{
		{&cfg.Region, p.Region}, {&cfg.BaseURL, strings.TrimRight(p.BaseURL, "/")}, {&cfg.TokenURL, p.TokenURL},
		{&cfg.TenantACID, p.TenantACID}, {&cfg.ClientID, p.ClientID},
	} {
		if *fl.dst == "" {
			*fl.dst = fl.v
		}
	}
	if cfg.ClientSecret.Reveal() == "" {
		secret, err := p.Secret(cmd.Context(), getenv)
		if err != nil {
			return withCode(exitcode.Usage, fmt.Errorf("profile %q: %w", sel.Name, err))
		}
		cfg.ClientSecret = glapi.NewSecret(secret)
	}
	return nil
}

// setting is one value in effect and where it came from.
type setting struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

func newConfigCmd(s streams) *cobra.Command {
	var f targetFlags
	var output string
	cmd := &cobra.Command{
		Use:   "config [--profile NAME] [-o text|json]",
		Short: "Show the GreenLake settings in effect and where each came from",
		Long: `Show which GreenLake glrun would talk to: region, base URL, token URL, tenant,
client id and client secret, each with its source. Flags win over environment
variables (GREENLAKE_*), which win over the profile.

Profiles live in $XDG_CONFIG_HOME/glrun/config.yaml (~/.config/glrun/config.yaml):

  default: prod
  profiles:
    prod:
      region: eu-central
      client_id: 5f0c3b9e-...
      client_secret_command: pass show greenlake/prod
    lab:
      base_url: http://127.0.0.1:8080
      client_id: lab-client
      client_secret_env: LAB_SECRET
      state_dir: /srv/glrun/runs   # run journals (glrun runs, glrun resume)
      keep_runs: 200               # runs kept at most (default 100)
      keep_runs_days: 90           # days a run is kept (default 30)
      rate_limit_devices: 20                # every device endpoint at most 20/min
      rate_limit_subscriptions: add=2,update=2
      rate_limit_identity: 150

--profile NAME or GLRUN_PROFILE=NAME selects one, else 'default'. The secret
never goes in the file: it comes from an environment variable or a command.
Secrets are never shown; the secret command is not run by 'glrun config'.

The secret is sent only with the client id and to the hosts of its own source:
a profile that sets base_url, token_url or client_id takes its secret from
client_secret_env or client_secret_command, not from GREENLAKE_CLIENT_SECRET
(and a profile's secret never goes to a --base-url or GREENLAKE_BASE_URL); glrun
refuses such a mix (exit 2). A plain http:// base_url or token_url on a host
other than loopback is refused unless the profile says allow_insecure_http: true
(or --allow-insecure-http is given).

The rate_limit_* keys (rate_limit_identity, rate_limit_compute,
rate_limit_devices, rate_limit_subscriptions, rate_limit_authorization,
rate_limit_audit) set the client-side rate limits as the --rate-limit-* flags
of the same names do; a flag given wins. 'glrun config' shows each limit in
effect with its source.`,
		Example: `  glrun config
  glrun config --profile lab
  GLRUN_PROFILE=prod glrun config -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			settings, err := f.settings(cmd, s.env())
			if err != nil {
				return err
			}
			if output == "json" {
				b, err := json.MarshalIndent(settings, "", "  ")
				if err != nil {
					return fmt.Errorf("encoding settings: %w", err)
				}
				_, err = fmt.Fprintln(s.out, string(b))
				return err
			}
			tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
			for _, st := range settings {
				v := st.Value
				if v == "" {
					v = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t(%s)\n", st.Name, v, st.Source)
			}
			return tw.Flush()
		},
	}
	f.register(cmd.Flags())
	registerOutput(cmd.Flags(), &output, "the settings (name, value, source)")
	return cmd
}

// settings lists every setting in effect with its source, secrets masked.
func (f *targetFlags) settings(cmd *cobra.Command, getenv func(string) string) ([]setting, error) {
	file, sel, err := f.loadProfile(getenv)
	if err != nil {
		return nil, err
	}
	profileSrc := "profile " + sel.Name + " in " + file.Path
	out := []setting{{Name: "config file", Value: file.Path, Source: "XDG_CONFIG_HOME or ~/.config"}}
	if _, err := os.Stat(file.Path); err != nil {
		out[0].Source = "not found; no profiles"
	}
	if sel.Name != "" {
		out = append(out, setting{Name: "profile", Value: sel.Name, Source: sel.Source})
	} else {
		out = append(out, setting{Name: "profile", Source: "none selected"})
	}
	p := sel.Profile
	for _, it := range []struct{ name, flag, env, flagVal, profVal, dflt string }{
		{"region", "region", glapi.EnvRegion, f.region, p.Region, glapi.DefaultRegion},
		{"base url", "base-url", glapi.EnvBaseURL, f.baseURL, p.BaseURL, ""},
		{"token url", "token-url", glapi.EnvTokenURL, f.tokenURL, p.TokenURL, ""},
		{"tenant acid", "tenant-acid", glapi.EnvTenantACID, f.tenantACID, p.TenantACID, ""},
		{"client id", "client-id", glapi.EnvClientID, f.clientID, p.ClientID, ""},
	} {
		st := setting{Name: it.name}
		switch {
		case cmd.Flags().Changed(it.flag):
			st.Value, st.Source = it.flagVal, "flag --"+it.flag
		case strings.TrimSpace(getenv(it.env)) != "":
			st.Value, st.Source = strings.TrimSpace(getenv(it.env)), "env "+it.env
		case sel.Name != "" && it.profVal != "":
			st.Value, st.Source = it.profVal, profileSrc
		case it.dflt != "":
			st.Value, st.Source = it.dflt, "default"
		default:
			st.Source = "unset"
		}
		out = append(out, st)
	}
	out = append(out, secretSetting(sel, profileSrc, getenv))
	out = append(out, journalSettings(sel, profileSrc, getenv)...)
	for _, st := range f.rate.rateSettings(cmd.Flags(), sel, profileSrc) {
		out = append(out, setting{Name: strings.ReplaceAll(st.key, "_", " "), Value: st.value, Source: st.source})
	}
	return out, nil
}

// secretSetting says whether the client secret is set and where it comes
// from, never what it is. It is "****" only when a value is there: a
// profile's client_secret_env naming an empty or unset variable shows "not
// set (NAME is empty)", as the run would fail; a client_secret_command is
// not run here, so it is shown as such.
func secretSetting(sel config.Selection, profileSrc string, getenv func(string) string) setting {
	secret := setting{Name: "client secret", Source: "unset: set " + glapi.EnvClientSecret + " or a profile's client_secret_env/client_secret_command"}
	p := sel.Profile
	switch {
	case strings.TrimSpace(getenv(glapi.EnvClientSecret)) != "":
		secret.Value, secret.Source = "****", "env "+glapi.EnvClientSecret
	case sel.Name != "" && p.ClientSecretEnv != "":
		secret.Value, secret.Source = "****", p.SecretSource()+" in "+profileSrc
		if strings.TrimSpace(getenv(p.ClientSecretEnv)) == "" {
			secret.Value = "not set (" + p.ClientSecretEnv + " is empty)"
		}
	case sel.Name != "" && p.ClientSecretCommand != "":
		secret.Value, secret.Source = "from the command (not run by glrun config)", p.SecretSource()+" in "+profileSrc
	}
	return secret
}
