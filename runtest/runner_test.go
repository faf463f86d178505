package runtest

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// runFixture runs the tests under dir and returns the summary and output,
// with the per-test times replaced by "(T)" so it can be compared.
func runFixture(t *testing.T, paths []string, opts Options) (Summary, string) {
	t.Helper()
	var out bytes.Buffer
	opts.Out = &out
	sum, err := Run(context.Background(), paths, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return sum, regexp.MustCompile(`\(\d+\.\d+s\)`).ReplaceAllString(out.String(), "(T)")
}

func TestFailingTestsFailNamingFileLineAndValues(t *testing.T) {
	sum, out := runFixture(t, []string{"testdata/failing"}, Options{})
	golden(t, "testdata/failing.golden", out)
	if sum.Passed != 1 || sum.Failed != 3 {
		t.Errorf("got %d passed, %d failed; want 1 and 3\n%s", sum.Passed, sum.Failed, out)
	}
	for _, want := range []string{
		`testdata/failing/failing_test.star:9: assert.eq: got "ok", want "failed"`,
		`testdata/failing/failing_test.star:10: assert.ne: got "hello prod-web", want anything else`,
		`testdata/failing/failing_test.star:11: assert.true: got False, want a true value (logs should be empty)`,
		`testdata/failing/failing_test.star:12: assert.contains: ["a", "b"] does not contain "c"`,
		`testdata/failing/failing_test.star:13: assert.fails: want a failure matching "boom", but the call succeeded and returned 1`,
		`testdata/failing/failing_test.star:17:6: key "missing" not in dict`,
		`testdata/failing/failing_test.star:22: assert.fails: failed with "fail: boom", which does not match "^quiet$"`,
		"\n1 passed, 3 failed\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.HasSuffix(out, "1 passed, 3 failed\n") {
		t.Errorf("the summary is not the last line:\n%s", out)
	}
}

func TestRunSelectsTestsByName(t *testing.T) {
	tests := []struct {
		run          string
		pass, failed int
	}{
		{"^test_passes$", 1, 0},
		{"fails", 0, 1},
		{"nothing-matches", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.run, func(t *testing.T) {
			sum, out := runFixture(t, []string{"testdata/failing"}, Options{Run: regexp.MustCompile(tt.run)})
			if sum.Passed != tt.pass || sum.Failed != tt.failed {
				t.Errorf("-run %q: %d passed, %d failed; want %d, %d\n%s", tt.run, sum.Passed, sum.Failed, tt.pass, tt.failed, out)
			}
		})
	}
}

func TestVerboseShowsRunsAndLogs(t *testing.T) {
	_, out := runFixture(t, []string{"testdata/failing/failing_test.star"}, Options{Verbose: true, Run: regexp.MustCompile("collects")})
	for _, want := range []string{
		"=== RUN  testdata/failing/failing_test.star: test_collects_every_failure",
		`runbook.star: INFO greeting name=prod-web`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("-v output lacks %q:\n%s", want, out)
		}
	}
}

func TestFindRefusesPathsWithoutTests(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "plain.star"), []byte("def main():\n    pass\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, want string }{
		{dir, "no *_test.star files in " + dir},
		{filepath.Join(dir, "plain.star"), "want a *_test.star file or a directory"},
		{filepath.Join(dir, "absent"), "no such file"},
	} {
		if _, err := Find([]string{tt.path}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Find(%s): got %v, want an error containing %q", tt.path, err, tt.want)
		}
	}
}

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("output differs from %s (go test -update rewrites it):\ngot:\n%s\nwant:\n%s", file, got, want)
	}
}

// runbook.run binds a runbook's parameters as the command line does:
// strings convert by the parameter's type (a required list declared as
// emails = list takes "a,b"), and a missing or unknown parameter is a
// usage error (exit 2) in the result.
func TestRunbookRunConvertsParametersAsTheCommandLine(t *testing.T) {
	sum, out := runFixture(t, []string{"testdata/params"}, Options{})
	if sum.Failed != 0 || sum.Passed != 5 {
		t.Errorf("%d passed, %d failed; want 5 passed\n%s", sum.Passed, sum.Failed, out)
	}
}

// runbook.run and replay() read only files inside the test's root (the
// repository, or Options.Root), as load() reads only the runbook's: a test
// file cannot reach /etc/passwd or a sibling checkout.
func TestTestPathsStayInsideTheRoot(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	write := func(path, src string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(outside, "secret.star"), "def main():\n    return 'outside'\n")
	write(filepath.Join(root, "lib", "inside.star"), "def main():\n    return 'inside'\n")
	if err := os.MkdirAll(filepath.Join(root, "tests"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.star"), filepath.Join(root, "tests", "link.star")); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	rel, err := filepath.Rel(filepath.Join(root, "tests"), filepath.Join(outside, "secret.star"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, call, want string
	}{
		{"climbing out", fmt.Sprintf("runbook.run(%q)", rel), "the path leaves the test's root"},
		{"absolute", fmt.Sprintf("runbook.run(%q)", filepath.Join(outside, "secret.star")), "absolute paths are refused"},
		{"a symlink out", `runbook.run("link.star")`, "link.star is a symlink that leaves the test's root"},
		{"a cassette out", `replay("../../etc/passwd")`, "replay: ../../etc/passwd: the path leaves the test's root"},
		{"an absolute cassette", `replay("/etc/passwd")`, "replay: /etc/passwd: absolute paths are refused"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(root, "tests", "paths_test.star")
			write(file, "def test_path():\n    "+tc.call+"\n")
			var out strings.Builder
			sum, err := Run(context.Background(), []string{file}, Options{Out: &out, Root: root})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Failed != 1 || !strings.Contains(out.String(), tc.want) {
				t.Errorf("want the test to fail with %q:\n%s", tc.want, out.String())
			}
		})
	}
	// Inside the root, "../" is fine.
	file := filepath.Join(root, "tests", "paths_test.star")
	write(file, "def test_path():\n    assert.eq(runbook.run(\"../lib/inside.star\").value, \"inside\")\n")
	var out strings.Builder
	if sum, err := Run(context.Background(), []string{file}, Options{Out: &out, Root: root}); err != nil || sum.Passed != 1 {
		t.Errorf("a path inside the root: %v\n%s", err, out.String())
	}
}

// Without Options.Root, a test's root is its repository: "../" may reach
// the repository's testdata, not what lies beside the repository.
func TestTestRootIsTheRepository(t *testing.T) {
	top := t.TempDir()
	repo := filepath.Join(top, "repo")
	for _, dir := range []string{filepath.Join(repo, ".git"), filepath.Join(repo, "runbooks"), filepath.Join(repo, "lib")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for path, src := range map[string]string{
		filepath.Join(repo, "lib", "inside.star"): "def main():\n    return 'inside'\n",
		filepath.Join(top, "beside.star"):         "def main():\n    return 'beside'\n",
	} {
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(repo, "runbooks", "root_test.star")
	src := `def test_inside():
    assert.eq(runbook.run("../lib/inside.star").value, "inside")

def test_beside():
    runbook.run("../../beside.star")
`
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	sum, err := Run(context.Background(), []string{file}, Options{Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Passed != 1 || sum.Failed != 1 || !strings.Contains(out.String(), "../../beside.star: the path leaves the test's root") {
		t.Errorf("want test_inside to pass and test_beside to be refused:\n%s", out.String())
	}
}
