package plan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
)

// SetPlanFile records where the runbook is relative to the plan file
// about to be written at planFile, so that an apply from another
// directory finds it (see Locate). It records nothing when either path
// cannot be made absolute.
func (p *Plan) SetPlanFile(planFile string) {
	rb, err1 := realAbs(p.Runbook.Path)
	dir, err2 := realAbs(filepath.Dir(planFile))
	if err1 != nil || err2 != nil {
		return
	}
	if rel, err := filepath.Rel(dir, rb); err == nil {
		p.Runbook.FromPlan = filepath.ToSlash(rel)
	}
}

// SetGitPath records the runbook's path relative to the top directory of
// its git checkout (Runbook.Git must be set), so that an apply from
// anywhere in a checkout finds it (see Locate).
func (p *Plan) SetGitPath(ctx context.Context) {
	if p.Runbook.Git == nil {
		return
	}
	rb, err := realAbs(p.Runbook.Path)
	if err != nil {
		return
	}
	top, ok := GitTop(ctx, filepath.Dir(rb))
	if !ok {
		return
	}
	if rel, err := filepath.Rel(top, rb); err == nil && !strings.HasPrefix(rel, "..") {
		p.Runbook.Git.Path = filepath.ToSlash(rel)
	}
}

// Locate returns where the plan's runbook is, for an apply of the plan
// read from planFile run in the current directory. It tries, in order,
// the recorded path when it is absolute, the path relative to the plan file (Runbook.FromPlan), the path
// relative to the top of the git checkout holding the current directory,
// then the one holding the plan file (Runbook.Git.Path), and the path as
// recorded (relative to the current directory, as plans without the
// other two were applied). The first that exists is the answer; when none
// does, the recorded path, whose loading then fails. Whatever is found,
// its files must hash as the plan says (CheckFiles), so the place never
// changes what runs.
func (p *Plan) Locate(ctx context.Context, planFile string) string {
	var candidates []string
	recorded := filepath.FromSlash(p.Runbook.Path)
	if filepath.IsAbs(recorded) {
		candidates = append(candidates, recorded)
	}
	if p.Runbook.FromPlan != "" {
		candidates = append(candidates, filepath.Join(filepath.Dir(planFile), filepath.FromSlash(p.Runbook.FromPlan)))
	}
	if p.Runbook.Git != nil && p.Runbook.Git.Path != "" {
		for _, dir := range []string{".", filepath.Dir(planFile)} {
			if top, ok := GitTop(ctx, dir); ok {
				candidates = append(candidates, filepath.Join(top, filepath.FromSlash(p.Runbook.Git.Path)))
			}
		}
	}
	candidates = append(candidates, recorded)
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() {
			return c
		}
	}
	return p.Runbook.Path
}

// realAbs makes path absolute, symbolic links resolved.
func realAbs(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}
