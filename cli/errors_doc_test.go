package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"glrun/exitcode"
)

// TestErrorsDocRowsAreCovered reads docs/errors.md: every row must give an
// exit code glrun uses and name at least one test, and every test it names
// must exist, so the page cannot promise what no test checks.
func TestErrorsDocRowsAreCovered(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../docs/errors.md")
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	funcRE := regexp.MustCompile(`(?m)^func (Test\w+)\(`)
	for _, dir := range []string{".", "../glapi", "../glapi/sim", "../runtime", "../builtins", "../runtest", "../lint", "../session", "../progress"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range funcRE.FindAllStringSubmatch(string(b), -1) {
				defined[m[1]] = true
			}
		}
	}
	codes := map[int]bool{exitcode.OK: true, exitcode.Failed: true, exitcode.Usage: true, exitcode.Drift: true, exitcode.Timeout: true, exitcode.Interrupted: true}
	testRE := regexp.MustCompile("`(Test\\w+)(/[^`]*)?`")
	rows := 0
	for _, line := range strings.Split(string(doc), "\n") {
		cols := strings.Split(line, "|")
		if len(cols) != 8 {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(cols[1]))
		if err != nil {
			continue // the header and its rule
		}
		rows++
		code, err := strconv.Atoi(strings.TrimSpace(cols[4]))
		if err != nil || !codes[code] {
			t.Errorf("row %d: exit code %q is not one glrun uses", n, cols[4])
		}
		tests := testRE.FindAllStringSubmatch(cols[6], -1)
		if len(tests) == 0 {
			t.Errorf("row %d (%s) names no test", n, strings.TrimSpace(cols[2]))
		}
		for _, m := range tests {
			if !defined[m[1]] {
				t.Errorf("row %d names %s, which does not exist", n, m[1])
			}
		}
	}
	if rows < 20 {
		t.Errorf("found %d rows in docs/errors.md; the table did not parse", rows)
	}
}
