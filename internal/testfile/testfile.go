// Package testfile says what a runbook test file is: its name's suffix and
// the modules it sees besides the builtins. 'glrun test' (package runtest)
// runs such files; 'glrun check' and 'glrun lint' check them. It imports
// nothing of glrun, so all of them can share it.
package testfile

import "strings"

// Suffix ends the name of every test file.
const Suffix = "_test.star"

// Is reports whether path names a runbook test file.
func Is(path string) bool { return strings.HasSuffix(path, Suffix) }

// Names returns the names a test file sees besides the builtins: the
// modules runbook, sim and assert and the function replay, sorted.
func Names() []string { return []string{"assert", "replay", "runbook", "sim"} }
