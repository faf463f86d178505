package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"glrun/exitcode"
)

// TestFmtGolden formats testdata/fmt/messy.star in a copy and compares it
// with messy.golden; formatting again changes nothing.
func TestFmtGolden(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("testdata/fmt/messy.star")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "messy.star")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := glrunTool(t, "", "fmt", "--check", dir); r.code != exitcode.Failed || strings.TrimSpace(r.stdout) != path {
		t.Errorf("fmt --check on a messy file: exit %d, stdout %q; want 1 and the file's name", r.code, r.stdout)
	}
	if got, _ := os.ReadFile(path); string(got) != string(src) {
		t.Error("fmt --check changed the file")
	}
	if r := glrunTool(t, "", "fmt", dir); r.code != 0 || !strings.Contains(r.stderr, "formatted "+path) {
		t.Fatalf("fmt: exit %d, stderr %q", r.code, r.stderr)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/fmt/messy.golden", got)
	if r := glrunTool(t, "", "fmt", "--check", path); r.code != 0 || r.stdout != "" {
		t.Errorf("fmt --check after fmt: exit %d, stdout %q; want 0 and nothing", r.code, r.stdout)
	}
	if r := glrunTool(t, string(src), "fmt", "-"); r.code != 0 || r.stdout != string(got) {
		t.Errorf("fmt - : exit %d, want the formatted text on stdout", r.code)
	}
}

// TestFmtErrors: a file that does not parse is named with its line and
// left alone; a missing path is a usage error.
func TestFmtErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "broken.star")
	src := "def main(:\n    pass\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"fmt", path}, path + ":1:"},
		{[]string{"fmt", "--check", path}, path + ":1:"},
		{[]string{"fmt", filepath.Join(dir, "nope.star")}, "nope.star"},
		{[]string{"fmt", t.TempDir()}, "no .star files"},
	}
	for _, tt := range tests {
		r := glrunTool(t, "", tt.args...)
		if r.code != exitcode.Usage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != src {
		t.Error("fmt changed a file that does not parse")
	}
}

// TestLintGolden lints testdata/lint/bad.star in text and JSON and compares
// with the golden files; the example runbooks have no findings.
func TestLintGolden(t *testing.T) {
	t.Parallel()
	r := glrunTool(t, "", "lint", "testdata/lint/bad.star")
	if r.code != exitcode.Failed {
		t.Errorf("lint bad.star: exit %d, want 1", r.code)
	}
	golden(t, "testdata/lint/bad.txt", []byte(r.stdout))
	r = glrunTool(t, "", "lint", "-o", "json", "testdata/lint/bad.star")
	if r.code != exitcode.Failed {
		t.Errorf("lint -o json bad.star: exit %d, want 1", r.code)
	}
	var findings []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &findings); err != nil || len(findings) == 0 {
		t.Fatalf("lint -o json: %v\n%s", err, r.stdout)
	}
	golden(t, "testdata/lint/bad.json", []byte(r.stdout))
	if r := glrunTool(t, "", "lint", "../runbooks"); r.code != 0 {
		t.Errorf("lint ../runbooks: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := glrunTool(t, "", "fmt", "--check", "../runbooks"); r.code != 0 {
		t.Errorf("fmt --check ../runbooks: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestLintErrors: a file that does not parse is a finding of rule syntax and
// exit 2; an unknown output format is a usage error.
func TestLintErrors(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "broken.star")
	if err := os.WriteFile(path, []byte("def main(:\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := glrunTool(t, "", "lint", path)
	if r.code != exitcode.Usage || !strings.Contains(r.stdout, path+":1:11: ") || !strings.Contains(r.stdout, "(syntax)") {
		t.Errorf("lint broken.star: exit %d, stdout %q; want 2 and file:line:col", r.code, r.stdout)
	}
	r = glrunTool(t, "", "lint", "-o", "yaml", path)
	if r.code != exitcode.Usage || !strings.Contains(r.stderr, `--output "yaml": want text or json`) {
		t.Errorf("lint -o yaml: exit %d, stderr %q", r.code, r.stderr)
	}
}
