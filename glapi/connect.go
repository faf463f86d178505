package glapi

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"
)

// Connection failures: a request that could not even be sent because
// nothing listens at the target (connection refused) or its host name does
// not resolve is not worth the long backoff of a busy server. It is retried
// at most maxConnectRetries times, connectRetryWait apart (a server being
// restarted gets a moment), each retry logged at info level, and the error
// says what to check.
const (
	maxConnectRetries = 2
	connectRetryWait  = 500 * time.Millisecond
)

// connectFailure classifies err: "refused" when nothing listened at the
// address, "dns" when the host name did not resolve, "" otherwise. In both
// cases no byte of the request was sent.
func connectFailure(err error) string {
	if err == nil {
		return ""
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return "dns"
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return "refused"
	}
	return ""
}

// connectHint is what to check after a connection failure, or "".
func connectHint(err error) string {
	switch connectFailure(err) {
	case "dns":
		var dns *net.DNSError
		errors.As(err, &dns)
		return fmt.Sprintf("the host name %q does not resolve: check the host name (--base-url, --region or %s)", dns.Name, EnvBaseURL)
	case "refused":
		addr := ""
		var op *net.OpError
		if errors.As(err, &op) && op.Addr != nil {
			addr = op.Addr.String()
		}
		if isLoopback(addr) {
			return fmt.Sprintf("nothing is listening at %s: is `glrun sim serve` running?", addr)
		}
		if addr == "" {
			return "nothing is listening there: check --base-url"
		}
		return fmt.Sprintf("nothing is listening at %s: check --base-url", addr)
	}
	return ""
}

// isLoopback reports whether addr ("host:port") is a loopback address.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
