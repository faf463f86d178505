//go:build unix

package runtime_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"glrun/runtime"
)

// A named pipe (or a directory) where a runbook or a loaded file should be
// is refused at once: reading a pipe would wait for a writer forever,
// before the run's timeout even starts, so 'glrun check' and 'glrun run
// --timeout' would hang.
func TestNonRegularFilesAreRefused(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.star"), 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "dir.star"), 0o755); err != nil {
		t.Fatal(err)
	}
	write("loads_pipe.star", "load(\"pipe.star\", \"x\")\ndef main():\n    pass\n")
	write("loads_dir.star", "load(\"dir.star\", \"x\")\ndef main():\n    pass\n")
	tests := []struct{ file, want string }{
		{"pipe.star", "cannot read pipe.star: a named pipe, not a regular file"},
		{"loads_pipe.star", "cannot read pipe.star: a named pipe, not a regular file"},
		{"loads_dir.star", "cannot read dir.star: a directory, not a file"},
	}
	for _, tc := range tests {
		path := filepath.Join(dir, tc.file)
		for name, do := range map[string]func() error{
			"Check": func() error { return runtime.Check(path, nil) },
			"Load": func() error {
				_, err := runtime.Load(context.Background(), path, runtime.Options{Timeout: time.Second})
				return err
			},
		} {
			t.Run(name+" "+tc.file, func(t *testing.T) {
				done := make(chan error, 1)
				go func() { done <- do() }()
				select {
				case err := <-done:
					checkErr(t, err, 2, tc.want)
				case <-time.After(10 * time.Second):
					t.Fatal("still reading after 10s")
				}
			})
		}
	}
}
