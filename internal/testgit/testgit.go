// Package testgit makes throwaway git repositories for tests (of a plan
// file's place in git: committed, edited, untracked).
package testgit

import (
	"os/exec"
	"testing"
)

// Repo makes an empty git repository in a temporary directory and returns
// it with a func that runs git there (as user t, failing t on an error).
// It skips t when git is not installed.
func Repo(t *testing.T) (dir string, git func(args ...string)) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir = t.TempDir()
	git = func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	return dir, git
}
