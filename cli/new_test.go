package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"glrun/exitcode"
)

// TestNewScaffold: 'glrun new' writes the golden runbook and test, and both
// pass check, lint, fmt --check and test as written.
func TestNewScaffold(t *testing.T) {
	goldenDir, err := filepath.Abs("testdata/new")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	got := glrunTool(t, "", "new", "runbooks/restart_lab")
	if got.code != exitcode.OK {
		t.Fatalf("new: exit %d\n%s", got.code, got.stderr)
	}
	if want := "wrote runbooks/restart_lab.star\nwrote runbooks/restart_lab_test.star\n"; got.stdout != want {
		t.Errorf("stdout %q, want %q", got.stdout, want)
	}
	for _, f := range []string{"restart_lab.star", "restart_lab_test.star"} {
		b, err := os.ReadFile(filepath.Join("runbooks", f))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join(goldenDir, f+".golden"), b)
	}
	for _, args := range [][]string{
		{"check", "runbooks/restart_lab.star", "runbooks/restart_lab_test.star"},
		{"lint", "runbooks/"},
		{"fmt", "--check", "runbooks/"},
		{"test", "runbooks/"},
		{"describe", "runbooks/restart_lab.star"},
		{"run", "--sim", "--sim-time-scale", "100000", "-q", "runbooks/restart_lab.star", "group=lab"},
	} {
		r := glrunTool(t, "", args...)
		if r.code != exitcode.OK {
			t.Errorf("glrun %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
	}
}

// TestNewRefuses: bad names and existing files are usage errors that write
// nothing and leave existing files alone.
func TestNewRefuses(t *testing.T) {
	tests := []struct {
		name     string
		existing string // a file present before 'glrun new'
		arg      string
		want     string
	}{
		{"existing runbook", "lab.star", "lab", "lab.star already exists; nothing was written"},
		{"existing test", "lab_test.star", "lab", "lab_test.star already exists; nothing was written"},
		{"upper case", "", "Restart", `runbook name "Restart": want lower case letters`},
		{"dash", "", "dir/restart-lab", `runbook name "restart-lab"`},
		{"leading digit", "", "1st", `runbook name "1st"`},
		{"a test's name", "", "lab_test", "not ending in _test"},
		{"empty", "", "dir/", `runbook name ""`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			if tc.existing != "" {
				if err := os.WriteFile(tc.existing, []byte("# mine\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got := glrunTool(t, "", "new", tc.arg)
			if got.code != exitcode.Usage {
				t.Errorf("exit %d, want %d", got.code, exitcode.Usage)
			}
			if !strings.Contains(got.stderr, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, got.stderr)
			}
			entries, _ := os.ReadDir(dir)
			if want := map[bool]int{true: 1, false: 0}[tc.existing != ""]; len(entries) != want {
				t.Errorf("%d entries in the directory, want %d (nothing written)", len(entries), want)
			}
			if tc.existing != "" {
				if b, _ := os.ReadFile(tc.existing); string(b) != "# mine\n" {
					t.Errorf("%s was changed: %q", tc.existing, b)
				}
			}
		})
	}
}
