//go:build unix

package regularfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// What is not a regular file is refused at once (a named pipe would block
// the read forever), a file past the limit is refused, and a missing file
// is fs.ErrNotExist.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, 2048), 0o644); err != nil {
		t.Fatal(err)
	}
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte("ok"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, want string }{
		{pipe, "a named pipe, not a regular file"},
		{dir, "a directory, not a file"},
		{"/dev/null", "not a regular file"},
		{big, "2048 bytes, more than"},
	}
	for _, tc := range tests {
		done := make(chan error, 1)
		go func() {
			_, err := ReadFile(tc.path, 1024)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadFile(%s) = %v, want %q", tc.path, err, tc.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("ReadFile(%s) still reading after 10s", tc.path)
		}
		if tc.path != big {
			if err := Check(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check(%s) = %v, want %q", tc.path, err, tc.want)
			}
		}
	}
	if b, err := ReadFile(small, 1024); err != nil || string(b) != "ok" {
		t.Errorf("ReadFile(small) = %q, %v", b, err)
	}
	if err := Check(small); err != nil {
		t.Errorf("Check(small) = %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing"), 1024); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
}
