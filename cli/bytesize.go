package cli

import (
	"fmt"
	"strconv"
	"strings"
)

// byteSize is a flag value for an amount of memory: a number of bytes, or a
// number followed by KiB, MiB or GiB (e.g. 512MiB). Zero means the default.
type byteSize uint64

// String prints the size in the largest unit that divides it.
func (b *byteSize) String() string {
	n := uint64(*b)
	for _, u := range []struct {
		suffix string
		shift  uint
	}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}} {
		if n != 0 && n%(1<<u.shift) == 0 {
			return strconv.FormatUint(n>>u.shift, 10) + u.suffix
		}
	}
	return strconv.FormatUint(n, 10)
}

// Set parses "512MiB", "1GiB", "65536" ...
func (b *byteSize) Set(s string) error {
	t := strings.TrimSpace(s)
	shift := uint(0)
	for suffix, sh := range map[string]uint{"KiB": 10, "MiB": 20, "GiB": 30} {
		if strings.HasSuffix(t, suffix) {
			t, shift = strings.TrimSpace(strings.TrimSuffix(t, suffix)), sh
			break
		}
	}
	n, err := strconv.ParseUint(t, 10, 64)
	if err != nil || n > (1<<63)>>shift {
		return fmt.Errorf("want a size such as 512MiB or 2GiB, got %q", s)
	}
	*b = byteSize(n << shift)
	return nil
}

// Type names the value in --help.
func (b *byteSize) Type() string { return "size" }
