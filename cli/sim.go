package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"glrun/glapi/sim"
)

func newSimCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "The GreenLake simulator",
		Long: `The simulator answers the GreenLake APIs glrun uses (Compute Ops Management,
identity, workspaces) with a demo fleet, real job life cycles and OAuth2 tokens,
so runbooks can be tried and tested without a GreenLake workspace.`,
	}
	cmd.AddCommand(newSimServeCmd(s))
	return cmd
}

func newSimServeCmd(s streams) *cobra.Command {
	var (
		addr, clientID, clientSecret, requestLog, faults string
		workspaceID                                      string
		secretStdin, allowRemote                         bool
		timeScale                                        float64
		grow                                             simGrowth
		clients                                          []string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the simulator over HTTP until interrupted",
		Example: `  glrun sim serve --addr 127.0.0.1:8080 --request-log requests.jsonl
  glrun run --base-url http://127.0.0.1:8080 runbooks/power_cycle.star group=prod-web
    (with GREENLAKE_CLIENT_ID and GREENLAKE_CLIENT_SECRET set to the values it prints)
  glrun sim serve --addr 127.0.0.1:8080 --servers 188 --jobs 100000 --faults latency=20ms
    (a 200-server "lab" group and 100,000 finished jobs, 20ms per request: bench/run.sh)
  pass show lab/sim | glrun sim serve --client-id ID --client-secret-stdin
    (a secret of your own, kept out of the process list)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if timeScale <= 0 {
				return usageErrorf("--time-scale must be a positive number, got %v", timeScale)
			}
			if err := grow.check(); err != nil {
				return err
			}
			if err := checkSimAddr(addr, allowRemote); err != nil {
				return err
			}
			secret, err := simSecret(cmd, s, clientSecret, secretStdin)
			if err != nil {
				return err
			}
			opts := sim.Options{ClientID: clientID, ClientSecret: secret.value, TimeScale: timeScale, WorkspaceID: workspaceID}
			if err := opts.Check(); err != nil {
				return usageErrorf("--client-id: %v", err)
			}
			for _, spec := range clients {
				c, err := sim.ParseClient(spec)
				if err != nil {
					return usageErrorf("--client: %v", err)
				}
				opts.Clients = append(opts.Clients, c)
			}
			if faults != "" {
				f, err := sim.ParseFaults(faults)
				if err != nil {
					return usageErrorf("--faults: %v", err)
				}
				opts.Faults = f
			}
			if requestLog != "" {
				f, err := os.OpenFile(requestLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
				if err != nil {
					return usageErrorf("--request-log: %v", err)
				}
				defer f.Close()
				opts.RequestLog = f
			}
			l, err := net.Listen("tcp", addr)
			if err != nil {
				return usageErrorf("--addr %s: %v", addr, err)
			}
			return serveSim(cmd.Context(), s.out, l, opts, secret.source, grow.apply)
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on: a loopback address unless --allow-remote")
	f.BoolVar(&allowRemote, "allow-remote", false, "listen on an address other than loopback (the simulator's API and tokens then reach the network, unencrypted)")
	f.StringVar(&clientID, "client-id", "", "the client id the token endpoint accepts (default: the demo client id, printed at start)")
	f.StringVar(&clientSecret, "client-secret", "", "the client secret the token endpoint accepts (default: the demo secret); visible in the process list: prefer "+envSimClientSecret+" or --client-secret-stdin")
	f.BoolVar(&secretStdin, "client-secret-stdin", false, "read the client secret the token endpoint accepts from the first line of standard input")
	f.StringVar(&workspaceID, "workspace-id", "", "the id of the simulated workspace, which its access tokens name (hpe_workspace_id; default the demo workspace's)")
	f.StringVar(&requestLog, "request-log", "", "append one JSON line per request received to this file")
	f.Float64Var(&timeScale, "time-scale", 1, "run simulated time this many times faster than real time")
	f.StringVar(&faults, "faults", "", "inject faults, e.g. 429=0.2,503=0.05,reset-after=0.02,latency=20ms,token-ttl=5m,seed=7")
	f.StringArrayVar(&clients, "client", nil,
		"another API client ID:SECRET:EMAIL the token endpoint accepts, acting as EMAIL (repeatable): one client requests a change, another approves it")
	grow.register(f)
	return cmd
}

// serveSim serves the simulator on l until ctx is done, after printing how
// to reach it: the demo secret itself on loopback, else only where the
// secret came from (secretSource, "" for the demo secret).
func serveSim(ctx context.Context, out io.Writer, l net.Listener, opts sim.Options, secretSource string, prepare func(*sim.Sim) error) error {
	if opts.ClientID == "" {
		opts.ClientID = sim.DemoClientID
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = sim.DemoClientSecret
	}
	s := sim.New(opts)
	if prepare != nil {
		if err := prepare(s); err != nil {
			return err
		}
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	base := "http://" + l.Addr().String()
	fmt.Fprintf(out, "glrun simulator listening on %s\n", base)
	fmt.Fprintf(out, "  export GREENLAKE_BASE_URL=%s\n", base)
	fmt.Fprintf(out, "  export GREENLAKE_CLIENT_ID=%s\n", opts.ClientID)
	switch {
	case secretSource == "" && listensOnLoopback(l):
		fmt.Fprintf(out, "  export GREENLAKE_CLIENT_SECRET=%s\n", opts.ClientSecret)
	case secretSource == "":
		fmt.Fprintf(out, "  export GREENLAKE_CLIENT_SECRET=...  # the demo secret ('glrun sim serve' on loopback prints it)\n")
	default:
		fmt.Fprintf(out, "  export GREENLAKE_CLIENT_SECRET=...  # the secret given by %s\n", secretSource)
	}
	for _, c := range opts.Clients {
		fmt.Fprintf(out, "  also client %s, acting as %s\n", c.ID, c.Email)
	}
	fmt.Fprintln(out, "Press Ctrl-C to stop.")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("simulator: %w", err)
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
		return nil
	}
}
