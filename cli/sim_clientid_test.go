package cli

import (
	"strings"
	"testing"

	"glrun/exitcode"
)

// TestSimServeRefusesNonUUIDClientID: `sim serve --client-id` must be a
// UUID (the type of the credential's id and clientId the simulator lists);
// anything else is refused at start with a usage error saying so.
func TestSimServeRefusesNonUUIDClientID(t *testing.T) {
	r := glrunSim(t, nil, "sim", "serve", "--addr", "127.0.0.1:0", "--client-id", "my-client")
	want := `--client-id: client id "my-client" is not a UUID`
	if r.code != exitcode.Usage || !strings.Contains(r.stderr, want) {
		t.Fatalf("exit %d, stderr %q; want exit %d saying %q", r.code, r.stderr, exitcode.Usage, want)
	}
}
