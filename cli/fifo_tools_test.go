package cli

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"glrun/exitcode"
)

// TestFmtAndLintRefuseANamedPipe: glrun fmt and lint read only regular
// files, so a named pipe among the runbooks is refused at once instead of
// hanging them (as check and run already refuse it).
func TestFmtAndLintRefuseANamedPipe(t *testing.T) {
	t.Parallel()
	pipe := filepath.Join(t.TempDir(), "pipe.star")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	for _, args := range [][]string{{"fmt", "--check", pipe}, {"lint", pipe}} {
		r := glrunTool(t, "", args...) // before the fix: blocked here on the pipe
		if out := r.stdout + r.stderr; r.code == exitcode.OK || !strings.Contains(out, "a named pipe, not a regular file") {
			t.Errorf("%v: exit %d, want a refusal naming the pipe:\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
}
