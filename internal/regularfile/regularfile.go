// Package regularfile reads files that must be regular files: runbooks,
// plans, cassettes, the configuration. Anything else (a named pipe, a
// device, a directory) is refused without a blocking read: reading a named
// pipe waits for a writer forever, before any timeout applies.
package regularfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// ReadFile reads the regular file at path, of at most max bytes. Errors
// from opening it are *fs.PathError, so errors.Is(err, fs.ErrNotExist)
// holds for a missing file.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := check(info); err != nil {
		return nil, err
	}
	if info.Size() > max {
		return nil, fmt.Errorf("%d bytes, more than the %d MiB glrun reads", info.Size(), max>>20)
	}
	return io.ReadAll(io.LimitReader(f, max+1))
}

// Check returns an error when path exists and is not a regular file, for
// callers that hand the path to a library that reads it.
func Check(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return nil // the reader reports it
	}
	return check(info)
}

// check refuses what is not a regular file, saying what it is.
func check(info fs.FileInfo) error {
	switch mode := info.Mode(); {
	case mode&fs.ModeNamedPipe != 0:
		return errors.New("a named pipe, not a regular file")
	case mode.IsDir():
		return errors.New("a directory, not a file")
	case !mode.IsRegular():
		return fmt.Errorf("not a regular file (%s)", mode.Type())
	}
	return nil
}
