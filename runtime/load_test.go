package runtime_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"go.starlark.net/starlark"

	"glrun/runtime"
)

func TestLoadRefusals(t *testing.T) {
	tests := []struct {
		file  string
		wants []string
	}{
		{"loads/dotdot.star", []string{`dotdot.star:2:6: load("../params.star"): path escapes the runbook root`}},
		{"loads/sneaky_dotdot.star", []string{`sneaky_dotdot.star:1:6: load("sub/../../params.star"): path escapes the runbook root`}},
		{"loads/absolute.star", []string{`absolute.star:1:6: load("/etc/passwd"): absolute paths are refused`}},
		{"loads/missing.star", []string{`missing.star:2:6: load("nothere.star"): cannot read nothere.star: no such file or directory`}},
		{"loads/cycle_a.star", []string{"cycle_b.star:1:6: circular load: cycle_a.star -> cycle_b.star -> cycle_a.star"}},
		{"syntax.star", []string{"syntax.star:3:5: got return, want primary expression"}},
		{"loads/typo.star", []string{"typo_lib.star:2:12: undefined: comptue"}},
		{"reassign.star", []string{"reassign.star:2:1: cannot reassign global x declared at reassign.star:1:1"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			_, f, err := loadRunbook(t, tc.file, runtime.Options{})
			checkErr(t, err, 2, tc.wants...)
			if f.counted.Load() != 0 {
				t.Errorf("something ran before the error")
			}
		})
	}
}

func TestLoadRefusesSymlinkOutOfRoot(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	write(t, filepath.Join(dir, "outside.star"), "secret = 1\n")
	write(t, filepath.Join(root, "inside.star"), "shared = 2\n")
	write(t, filepath.Join(root, "main.star"), "load(\"ok.star\", \"shared\")\nload(\"link.star\", \"secret\")\n")
	symlink(t, "../outside.star", filepath.Join(root, "link.star"))
	symlink(t, "inside.star", filepath.Join(root, "ok.star"))
	_, err := runtime.Load(context.Background(), filepath.Join(root, "main.star"), runtime.Options{})
	checkErr(t, err, 2, `main.star:2:6: load("link.star"): link.star is a symlink that leaves the runbook root`)

	write(t, filepath.Join(root, "main.star"), "load(\"ok.star\", \"shared\")\ndef main():\n    return shared\n")
	rb, err := runtime.Load(context.Background(), filepath.Join(root, "main.star"), runtime.Options{})
	if err != nil {
		t.Fatalf("a symlink inside the root was refused: %v", err)
	}
	if v, err := rb.Call(context.Background(), nil); err != nil || v != starlark.MakeInt(2) {
		t.Errorf("Call = %v, %v; want 2", v, err)
	}
}

func TestLoadRootOption(t *testing.T) {
	if _, _, err := loadRunbook(t, "loads/dotdot.star", runtime.Options{Root: "testdata"}); err != nil {
		t.Errorf("loading ../params.star within a wider root: %v", err)
	}
	_, _, err := loadRunbook(t, "params.star", runtime.Options{Root: "testdata/loads"})
	checkErr(t, err, 2, "lies outside its root")
}

func TestLoadRunsEachFileOnce(t *testing.T) {
	rb, f, err := loadRunbook(t, "loads/main.star", runtime.Options{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := f.counted.Load(); got != 1 {
		t.Errorf("sub/counted.star, loaded from three files, ran %d times; want 1", got)
	}
	if v, err := rb.Call(context.Background(), []string{"n=5"}); err != nil || v != starlark.MakeInt(2) {
		t.Errorf("Call(n=5) = %v, %v; want 2", v, err)
	}
	if v, err := rb.Call(context.Background(), nil); err != nil || v != starlark.MakeInt(5) {
		t.Errorf("a second Call = %v, %v; want 5", v, err)
	}
	if got := f.counted.Load(); got != 1 {
		t.Errorf("calling main re-ran loaded files (%d runs)", got)
	}
}

func TestLoadWithDotDotInsideRoot(t *testing.T) {
	rb := mustLoad(t, "loads/inside_dotdot.star", runtime.Options{})
	if v, err := rb.Call(context.Background(), nil); err != nil || v != starlark.MakeInt(10) {
		t.Errorf("Call = %v, %v; want 10", v, err)
	}
}

func TestBacktraceThroughLoadedFiles(t *testing.T) {
	rb := mustLoad(t, "loads/main.star", runtime.Options{})
	_, err := rb.Call(context.Background(), []string{"n=0"})
	checkErr(t, err, 1, "lib.star:6:15: floored division by zero",
		"main.star:6:18: in main\n  lib.star:6:15: in helper")

	_, _, err = loadRunbook(t, "loads/loads_badlib.star", runtime.Options{})
	checkErr(t, err, 1, "badlib.star:2:15: cannot load badlib.star: floored division by zero",
		"loads_badlib.star:1:1: in <toplevel>\n  badlib.star:4:12: in <toplevel>\n  badlib.star:2:15: in div")
}

func TestCheck(t *testing.T) {
	tests := []struct {
		file        string
		predeclared []string
		want        string
	}{
		{"unknown.star", nil, "unknown.star:2:12: undefined: comptue"},
		{"unknown.star", []string{"comptue"}, ""},
		{"loads/typo.star", nil, "typo_lib.star:2:12: undefined: comptue"},
		{"loads/cycle_a.star", nil, "circular load: cycle_a.star -> cycle_b.star -> cycle_a.star"},
		{"loads/main.star", []string{"count"}, ""},
		{"loads/main.star", nil, "counted.star:2:11: undefined: count"},
		{"toplevel_loop.star", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			err := runtime.Check("testdata/"+tc.file, tc.predeclared)
			if tc.want == "" {
				if err != nil {
					t.Errorf("Check: %v", err)
				}
				return
			}
			checkErr(t, err, 2, tc.want)
		})
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
}
