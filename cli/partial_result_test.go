package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"glrun/exitcode"
)

// A runbook that fails with fail(result=...) exits 1 and still prints what
// it did: on stdout as main's result would be, and as "result" in -o json.
func TestFailedRunPrintsItsPartialResult(t *testing.T) {
	path := filepath.Join(t.TempDir(), "partial.star")
	src := `def main():
    fail("1 of 2 servers failed: web-02", result = {"updated": ["web-01"], "failed": ["web-02"]})
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("text", func(t *testing.T) {
		r := glrunSim(t, newTestSim(t), "run", "--sim", path)
		if r.code != exitcode.Failed {
			t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, exitcode.Failed, r.stderr)
		}
		got := r.decode(t)
		if u := stringList(t, got["updated"]); len(u) != 1 || u[0] != "web-01" {
			t.Errorf("updated = %v, want [web-01]", u)
		}
		if !strings.Contains(r.stderr, "1 of 2 servers failed") {
			t.Errorf("stderr lacks the failure:\n%s", r.stderr)
		}
	})
	t.Run("json", func(t *testing.T) {
		r := glrunSim(t, newTestSim(t), "run", "--sim", "-o", "json", path)
		if r.code != exitcode.Failed {
			t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, exitcode.Failed, r.stderr)
		}
		var rep struct {
			Status string         `json:"status"`
			Error  string         `json:"error"`
			Result map[string]any `json:"result"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("stdout is not the JSON report: %v\n%s", err, r.stdout)
		}
		if rep.Status != "failed" || !strings.Contains(rep.Error, "web-02") {
			t.Errorf("status %q error %q, want failed naming web-02", rep.Status, rep.Error)
		}
		if f := stringList(t, rep.Result["failed"]); len(f) != 1 || f[0] != "web-02" {
			t.Errorf("result.failed = %v, want [web-02]", f)
		}
	})
}
