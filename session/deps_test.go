package session_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestDependenciesPointOneWay keeps the layering of docs/architecture.md:
// the runtime knows nothing of the builtins, lint nothing of runtest, and
// neither the session nor runtest anything of the command line.
func TestDependenciesPointOneWay(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	t.Parallel()
	for pkg, forbidden := range map[string][]string{
		"glrun/runtime":  {"glrun/builtins", "glrun/glapi", "glrun/cli", "glrun/session"},
		"glrun/lint":     {"glrun/runtest", "glrun/cli"},
		"glrun/session":  {"glrun/cli", "glrun/runtest"},
		"glrun/runtest":  {"glrun/cli"},
		"glrun/exitcode": {"glrun/runtime", "glrun/cli"},
	} {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		deps := strings.Fields(string(out))
		for _, f := range forbidden {
			if slices.Contains(deps, f) {
				t.Errorf("%s depends on %s", pkg, f)
			}
		}
	}
}
