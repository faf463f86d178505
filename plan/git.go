package plan

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// GitInfo returns the commit checked out in the git repository holding dir
// and whether its working tree has uncommitted changes; nil when git is not
// installed or dir is not in a repository.
func GitInfo(ctx context.Context, dir string) *Git {
	if _, err := exec.LookPath("git"); err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	run := func(args ...string) (string, bool) {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
		out, err := cmd.Output()
		if err != nil {
			return "", false
		}
		return strings.TrimSpace(string(out)), true
	}
	commit, ok := run("rev-parse", "HEAD")
	if !ok || commit == "" {
		return nil
	}
	status, ok := run("status", "--porcelain", "--untracked-files=no")
	return &Git{Commit: commit, Dirty: !ok || status != ""}
}

// GitTop returns the top directory of the git checkout holding dir,
// symbolic links resolved; false when git is not installed or dir is not
// in a checkout.
func GitTop(ctx context.Context, dir string) (string, bool) {
	if _, err := exec.LookPath("git"); err != nil {
		return "", false
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--show-toplevel").Output()
	top := strings.TrimSpace(string(out))
	if err != nil || top == "" {
		return "", false
	}
	if real, err := filepath.EvalSymlinks(top); err == nil {
		top = real
	}
	return top, true
}
