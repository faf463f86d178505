package cli

import (
	"bufio"
	"fmt"
	"net"
	"strings"

	"github.com/spf13/cobra"
)

// envSimClientSecret gives 'glrun sim serve' the client secret its token
// endpoint accepts, out of the process list.
const envSimClientSecret = "GLRUN_SIM_CLIENT_SECRET"

// simSecretValue is the client secret 'glrun sim serve' accepts and where
// it came from ("" and "" for the demo secret).
type simSecretValue struct {
	value, source string
}

// simSecret returns the secret given by --client-secret, GLRUN_SIM_CLIENT_SECRET
// or --client-secret-stdin (at most one of them), or none for the demo secret.
// --client-secret still works, with a warning: a command line is visible to
// every user of the machine.
func simSecret(cmd *cobra.Command, s streams, flag string, stdin bool) (simSecretValue, error) {
	var given []simSecretValue
	if cmd.Flags().Changed("client-secret") {
		given = append(given, simSecretValue{flag, "--client-secret"})
		fmt.Fprintf(s.err, "glrun: warning: --client-secret is visible in the process list; prefer %s or --client-secret-stdin\n", envSimClientSecret)
	}
	if v := strings.TrimSpace(s.env()(envSimClientSecret)); v != "" {
		given = append(given, simSecretValue{v, envSimClientSecret})
	}
	if stdin {
		line, err := bufio.NewReader(s.in).ReadString('\n')
		line = strings.TrimSpace(line)
		if line == "" {
			if err == nil {
				err = fmt.Errorf("the first line is empty")
			}
			return simSecretValue{}, usageErrorf("--client-secret-stdin: reading the secret from standard input: %v", err)
		}
		given = append(given, simSecretValue{line, "--client-secret-stdin"})
	}
	switch len(given) {
	case 0:
		return simSecretValue{}, nil
	case 1:
		if given[0].value == "" {
			return simSecretValue{}, usageErrorf("%s: the client secret is empty", given[0].source)
		}
		return given[0], nil
	}
	names := make([]string, len(given))
	for i, g := range given {
		names[i] = g.source
	}
	return simSecretValue{}, usageErrorf("the client secret is given %d times (%s): give it once", len(given), strings.Join(names, ", "))
}

// checkSimAddr refuses an address that is not loopback (":8080" listens on
// every interface) unless allowed: the simulator speaks plain HTTP and
// hands out tokens to whoever knows its demo credentials.
func checkSimAddr(addr string, allowRemote bool) error {
	if allowRemote {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usageErrorf("--addr %s: %v", addr, err)
	}
	if host == "" || !isLoopback(host) {
		return usageErrorf("--addr %s is not a loopback address: the simulator would be reachable from the network over plain HTTP; listen on 127.0.0.1 (or pass --allow-remote)", addr)
	}
	return nil
}

// listensOnLoopback reports whether l listens on a loopback address.
func listensOnLoopback(l net.Listener) bool {
	a, ok := l.Addr().(*net.TCPAddr)
	return ok && a.IP.IsLoopback()
}
