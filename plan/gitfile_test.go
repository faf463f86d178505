package plan

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"glrun/internal/testgit"
)

// gitRepo makes a git repository in a temporary directory holding a
// committed file p.json, and returns the directory.
func gitRepo(t *testing.T) string {
	t.Helper()
	dir, git := testgit.Repo(t)
	if err := os.WriteFile(filepath.Join(dir, "p.json"), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("add", "p.json")
	git("commit", "-q", "-m", "plan")
	return dir
}

func TestFileInGit(t *testing.T) {
	dir := gitRepo(t)
	ctx := context.Background()
	committed := filepath.Join(dir, "p.json")
	if got := FileInGit(ctx, committed); got != Committed {
		t.Errorf("committed file: %d, want Committed", got)
	}
	untracked := filepath.Join(dir, "new.json")
	if err := os.WriteFile(untracked, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := FileInGit(ctx, untracked); got != Untracked {
		t.Errorf("untracked file: %d, want Untracked", got)
	}
	if err := os.WriteFile(committed, []byte(`{"edited": true}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := FileInGit(ctx, committed); got != Modified {
		t.Errorf("edited file: %d, want Modified", got)
	}
	if got := FileInGit(ctx, filepath.Join(t.TempDir(), "p.json")); got != NotInGit {
		t.Errorf("file outside a repository: %d, want NotInGit", got)
	}
}
