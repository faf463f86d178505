package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"

	"glrun/builtins"
	"glrun/exitcode"
)

// TestDocsAreUpToDate fails when docs/builtins.md or docs/builtins.star
// differ from what 'glrun docs' writes (-update rewrites them).
func TestDocsAreUpToDate(t *testing.T) {
	t.Parallel()
	golden(t, filepath.Join("..", docsMarkdownPath), []byte(docsMarkdown()))
	stubs, err := docsStubs()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("..", docsStubsPath), stubs)
}

// TestDocsMarkdownCoversEveryBuiltin checks that the reference shows each
// builtin's signature, its parameters and its example.
func TestDocsMarkdownCoversEveryBuiltin(t *testing.T) {
	t.Parallel()
	md := docsMarkdown()
	for _, d := range builtins.Docs() {
		for _, want := range []string{"### " + d.Name + "\n", d.Signature(), strings.TrimSpace(d.Example)} {
			if !strings.Contains(md, want) {
				t.Errorf("the reference lacks %q", want)
			}
		}
		for _, p := range d.Params {
			if !strings.Contains(md, "| `"+p.String()+"` |") {
				t.Errorf("the reference lacks parameter %s of %s", p, d.Name)
			}
		}
	}
}

// TestDocsStubsDefineEveryBuiltin executes the stub file and looks up every
// builtin in it, with its parameters.
func TestDocsStubsDefineEveryBuiltin(t *testing.T) {
	t.Parallel()
	src, err := docsStubs()
	if err != nil {
		t.Fatal(err)
	}
	pre := starlark.StringDict{"struct": starlark.NewBuiltin("struct", starlarkstruct.Make)}
	globals, err := starlark.ExecFileOptions(&syntax.FileOptions{}, &starlark.Thread{}, "builtins.star", src, pre)
	if err != nil {
		t.Fatalf("the stubs do not run: %v", err)
	}
	for _, d := range builtins.Docs() {
		parts := strings.Split(d.Name, ".")
		v, ok := globals[parts[0]]
		for _, p := range parts[1:] {
			if !ok {
				break
			}
			v, err = v.(starlark.HasAttrs).Attr(p)
			ok = err == nil && v != nil
		}
		if !ok {
			t.Errorf("the stubs lack %s", d.Name)
			continue
		}
		if d.Value {
			continue
		}
		fn, isFn := v.(*starlark.Function)
		if !isFn {
			t.Errorf("%s is a %s in the stubs, want a function", d.Name, v.Type())
			continue
		}
		var names []string
		for i := range fn.NumParams() {
			name, _ := fn.Param(i)
			names = append(names, name)
		}
		var want []string
		for _, p := range d.Params {
			want = append(want, p.Name)
		}
		slices.Sort(names) // the interpreter puts *args after the named parameters
		slices.Sort(want)
		if strings.Join(names, ",") != strings.Join(want, ",") {
			t.Errorf("%s takes (%s) in the stubs, want (%s)", d.Name, strings.Join(names, ", "), strings.Join(want, ", "))
		}
	}
}

// TestDocsCommand writes, checks and prints the reference.
func TestDocsCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	md := filepath.Join(dir, "ref.md")
	if r := glrunTool(t, "", "docs", "--out", md); r.code != 0 {
		t.Fatalf("docs --out: exit %d: %s", r.code, r.stderr)
	}
	got, err := os.ReadFile(md)
	if err != nil || string(got) != docsMarkdown() {
		t.Fatalf("docs --out wrote %d bytes (err %v), want the reference", len(got), err)
	}
	if r := glrunTool(t, "", "docs", "--check", "--out", md); r.code != 0 {
		t.Errorf("docs --check on a fresh file: exit %d: %s", r.code, r.stderr)
	}
	if err := os.WriteFile(md, []byte("# old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := glrunTool(t, "", "docs", "--check", "--out", md)
	if r.code != exitcode.Failed || !strings.Contains(r.stderr, "is stale: run 'glrun docs'") {
		t.Errorf("docs --check on a stale file: exit %d, stderr %q; want 1 and a hint", r.code, r.stderr)
	}
	r = glrunTool(t, "", "docs", "--stubs", "--out", "-")
	if r.code != 0 || !strings.Contains(r.stdout, "def _compute_jobs_create(template, resource, params = {}, resource_type = None):") {
		t.Errorf("docs --stubs --out -: exit %d, stdout starts %.200q", r.code, r.stdout)
	}
	if r := glrunTool(t, "", "docs", "extra"); r.code != exitcode.Usage {
		t.Errorf("docs extra: exit %d, want 2", r.code)
	}
}
