package runtime_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"glrun/runtime"
)

// Files lists the runbook and every file it loads with the hash of what
// was compiled, the same whether loaded or only listed, and a changed file
// changes its hash.
func TestFilesHashEveryLoadedFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sum := func(src string) string {
		s := sha256.Sum256([]byte(src))
		return hex.EncodeToString(s[:])
	}
	mainSrc := "load(\"lib/a.star\", \"a\")\ndef main():\n    return a\n"
	aSrc := "load(\"b.star\", \"b\")\na = b + 1\n"
	bSrc := "b = 1\n"
	write("rb.star", mainSrc)
	write("lib/a.star", aSrc)
	write("lib/b.star", bSrc)
	want := []runtime.File{
		{Name: "lib/a.star", SHA256: sum(aSrc)},
		{Name: "lib/b.star", SHA256: sum(bSrc)},
		{Name: "rb.star", SHA256: sum(mainSrc)},
	}
	listed, err := runtime.ListFiles(filepath.Join(dir, "rb.star"), runtime.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, listed); diff != "" {
		t.Errorf("ListFiles (-want +got):\n%s", diff)
	}
	rb, err := runtime.Load(context.Background(), filepath.Join(dir, "rb.star"), runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, rb.Files()); diff != "" {
		t.Errorf("Files (-want +got):\n%s", diff)
	}
	write("lib/b.star", "b = 2\n")
	again, err := runtime.ListFiles(filepath.Join(dir, "rb.star"), runtime.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again[1].SHA256 == want[1].SHA256 || again[0].SHA256 != want[0].SHA256 {
		t.Errorf("after changing lib/b.star only its hash should change: %v", again)
	}
}

// ListFiles reports the same errors as Check, and runs nothing.
func TestListFilesRefusesWhatCheckRefuses(t *testing.T) {
	_, err := runtime.ListFiles("testdata/loads/dotdot.star", runtime.Options{}, nil)
	checkErr(t, err, 2, "path escapes the runbook root")
}
