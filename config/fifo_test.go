//go:build unix

package config

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A configuration file that is a named pipe is refused at once, not waited
// on (every command reads it first).
func TestLoadRefusesANamedPipe(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), "config.yaml")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Load(pipe)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "a named pipe, not a regular file") {
			t.Errorf("Load = %v, want a refusal of the named pipe", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still reading after 10s")
	}
}
