package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The -update flag regenerates golden files. It is registered in init, so
// that another test file defining it first (as a package variable) wins
// instead of panicking.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files with the current output")
	}
}

// updating reports whether the tests run with -update.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// toolOut is what one glrun invocation printed and its exit code.
type toolOut struct {
	code           int
	stdout, stderr string
}

// glrunTool runs glrun with args and stdin, without a simulator.
func glrunTool(t *testing.T, stdin string, args ...string) toolOut {
	t.Helper()
	var out, errb bytes.Buffer
	code := Execute(context.Background(), args, streams{in: strings.NewReader(stdin), out: &out, err: &errb})
	return toolOut{code: code, stdout: out.String(), stderr: errb.String()}
}

// golden compares got with the file at path (relative to the package),
// or rewrites the file with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cli -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s is stale (-want +got); run go test ./cli -run %s -update:\n%s", path, t.Name(), diff)
	}
}
