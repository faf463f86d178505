package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"glrun/exitcode"
)

// writeRunbook writes src as NAME in a fresh directory and returns its path.
func writeRunbook(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestValidationErrorAfterChangesIsARunbookFailure: exit 2 promises that
// nothing was sent. A runbook that started jobs and then called a builtin
// with a bad argument, a filter that does not parse or undecodable JSON
// exits 1 instead, and its report says what it sent and what is still
// running. The same mistake before any change still exits 2.
func TestValidationErrorAfterChangesIsARunbookFailure(t *testing.T) {
	t.Parallel()
	const start = "def main():\n" +
		"    s = compute.servers.list()\n" +
		"    jobs = [compute.jobs.create(\"restart\", x) for x in s[:2]]\n"
	cases := []struct {
		name, mistake, msg string
	}{
		{"a bad duration", `compute.jobs.wait_all(jobs, timeout = "30 minutes")`, `parameter "timeout": want a duration`},
		{"a list where one job is expected", `compute.jobs.wait(jobs)`, `parameter "job": want a job record`},
		{"a filter that does not parse", `compute.servers.list(filter = "name eq")`, `filter syntax error`},
		{"undecodable JSON", `json.decode("{")`, `json.decode: at offset 1`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := writeRunbook(t, "mistake.star", start+"    "+tc.mistake+"\n")
			r := glrunSim(t, newTestSim(t), "run", "--sim", p)
			if r.code != exitcode.Failed {
				t.Fatalf("exit %d, want %d (changes were sent)\n%s", r.code, exitcode.Failed, r.stderr)
			}
			for _, want := range []string{tc.msg, "mistake.star failed after", "2 changes", "2 job(s) still in flight"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
		})
	}
	t.Run("before any change", func(t *testing.T) {
		t.Parallel()
		p := writeRunbook(t, "early.star", "def main():\n    compute.servers.list(filter = \"name eq\")\n")
		r := glrunSim(t, newTestSim(t), "run", "--sim", p)
		if r.code != exitcode.Usage || len(r.mutations()) != 0 {
			t.Fatalf("exit %d with %d changes, want %d and none\n%s", r.code, len(r.mutations()), exitcode.Usage, r.stderr)
		}
	})
}
