//go:build !unix

package journal

import (
	"errors"
	"os"
)

// flock is not available here: runs cannot be locked, so none is resumed.
func flock(*os.File) error {
	return errors.New("locking runs is not supported on this system")
}
