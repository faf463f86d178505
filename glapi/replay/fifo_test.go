//go:build unix

package replay

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A cassette that is a named pipe is refused at once, not waited on
// (glrun run --replay and replay() in tests would hang).
func TestOpenRefusesANamedPipe(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), "c.yaml")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Open(pipe)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "a named pipe, not a regular file") {
			t.Errorf("Open = %v, want a refusal of the named pipe", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still reading after 10s")
	}
}
