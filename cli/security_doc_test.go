package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSecurityPageNamesRealTests: every test docs/security.md cites as the
// proof of a promise exists, so the page cannot keep citing a test that was
// renamed or removed; every hostile runbook it cites is in testdata/bad.
func TestSecurityPageNamesRealTests(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile("../docs/security.md")
	if err != nil {
		t.Fatal(err)
	}
	var sources strings.Builder
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != ".." {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, "_test.go") {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sources.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile("`(Test[A-Za-z0-9_]+)`").FindAllStringSubmatch(string(page), -1)
	if len(names) < 20 {
		t.Fatalf("only %d tests cited", len(names))
	}
	for _, m := range names {
		if !strings.Contains(sources.String(), "func "+m[1]+"(") {
			t.Errorf("docs/security.md cites %s, which no test file defines", m[1])
		}
	}
	// The hostile runbooks, cited by name in the TestBadRunbooks lists.
	for _, list := range regexp.MustCompile("TestBadRunbooks` \\(cli: ([^)]*)\\)").FindAllStringSubmatch(string(page), -1) {
		for _, name := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(list[1], -1) {
			if _, err := os.Stat(filepath.Join("..", "testdata", "bad", name[1]+".star")); err != nil {
				t.Errorf("docs/security.md cites testdata/bad/%s.star: %v", name[1], err)
			}
		}
	}
}
