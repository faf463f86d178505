package runtest

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// copyTree copies the files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDocExamplesPassAsTests runs the example of every test builtin as a
// test function next to the example runbooks (and their cassettes): the
// reference shows only examples that pass.
func TestDocExamplesPassAsTests(t *testing.T) {
	root := t.TempDir()
	copyTree(t, filepath.Join("..", "runbooks"), filepath.Join(root, "runbooks"))
	copyTree(t, filepath.Join("..", "testdata", "cassettes"), filepath.Join(root, "testdata", "cassettes"))
	for _, d := range Docs() {
		t.Run(d.Name, func(t *testing.T) {
			if d.Summary == "" || strings.TrimSpace(d.Example) == "" {
				t.Fatalf("%s: want a summary and an example", d.Name)
			}
			for _, p := range d.Params {
				if p.Desc == "" {
					t.Errorf("%s: parameter %s has no description", d.Name, p.Name)
				}
			}
			file := filepath.Join(root, "runbooks", "doc_"+strings.ReplaceAll(d.Name, ".", "_")+"_test.star")
			src := "def test_example():\n    " + strings.ReplaceAll(strings.TrimSpace(d.Example), "\n", "\n    ") + "\n"
			if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			sum, err := Run(context.Background(), []string{file}, Options{Out: &out, Root: root})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Failed != 0 || sum.Passed != 1 {
				t.Errorf("example of %s:\n%s\nfailed:\n%s", d.Name, d.Example, out.String())
			}
		})
	}
}

// TestEveryTestBuiltinIsDocumented compares the members of the test
// modules a test file sees with Docs.
func TestEveryTestBuiltinIsDocumented(t *testing.T) {
	tc := newCase(&Options{}, "x_test.star")
	pre := tc.testModules()
	have := map[string]bool{}
	for _, name := range Names() {
		switch v := pre[name].(type) {
		case *starlarkstruct.Module:
			for m := range v.Members {
				have[name+"."+m] = true
			}
		case *starlark.Builtin:
			have[name] = true
		}
	}
	documented := map[string]bool{}
	for _, d := range Docs() {
		documented[d.Name] = true
		if !have[d.Name] {
			t.Errorf("%s is documented but a test does not see it", d.Name)
		}
	}
	for name := range have {
		if !documented[name] {
			t.Errorf("%s is not documented", name)
		}
	}
	mods := map[string]bool{}
	for _, m := range Modules() {
		mods[m.Name] = true
	}
	for _, d := range Docs() {
		if mod := d.Module(); mod != "" && !mods[mod] {
			t.Errorf("module %s of %s has no ModuleDoc", mod, d.Name)
		}
	}
}
