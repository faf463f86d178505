package plan

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// FileState is how a file stands in the git repository holding it.
type FileState int

// The states FileInGit reports.
const (
	// NotInGit: git is not installed or the file is in no repository.
	NotInGit FileState = iota
	// Untracked: in a repository, but never committed.
	Untracked
	// Modified: committed, with changes since (staged or not).
	Modified
	// Committed: exactly as committed at HEAD.
	Committed
)

// FileInGit reports whether the file at path is exactly as committed in
// the git repository holding it: what a reviewed plan file should be when
// it is approved.
func FileInGit(ctx context.Context, path string) FileState {
	if _, err := exec.LookPath("git"); err != nil {
		return NotInGit
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	git := func(args ...string) (string, error) {
		out, err := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...).Output()
		return strings.TrimSpace(string(out)), err
	}
	if _, err := git("rev-parse", "HEAD"); err != nil {
		return NotInGit
	}
	if _, err := git("ls-files", "--error-unmatch", "--", name); err != nil {
		return Untracked
	}
	if _, err := git("diff", "--quiet", "HEAD", "--", name); err != nil {
		return Modified
	}
	return Committed
}
