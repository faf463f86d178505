package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// RefusedError says why an apply was refused before anything was sent:
// the runbook's files, the parameters or the target differ from the plan.
type RefusedError struct {
	// What differs: "runbook files", "parameters" or "target".
	What string
	// Detail lists the differences.
	Detail string
	// Hint says what to do; empty means making a new plan.
	Hint string
}

// Error explains the refusal and what to do.
func (e *RefusedError) Error() string {
	hint := e.Hint
	if hint == "" {
		hint = "Make a new plan ('glrun plan') and have it reviewed."
	}
	verb := "differ"
	if e.What == "target" {
		verb = "differs"
	}
	return fmt.Sprintf("apply refused, nothing was sent: the %s %s from the plan:\n%s\n%s",
		e.What, verb, strings.TrimRight(e.Detail, "\n"), hint)
}

// CheckSim compares where an apply goes, the built-in simulator (sim) or
// not, with where the plan was made. It needs only the command line, so
// it refuses before any session is opened or credential read.
func (p *Plan) CheckSim(sim bool) error {
	planned := p.Target.Kind == KindSimulator
	switch {
	case planned && !sim:
		return &RefusedError{What: "target",
			Detail: "  planned against the built-in simulator, now a live target (no --sim)",
			Hint:   "This plan was made against the built-in simulator; apply it with --sim."}
	case !planned && sim:
		return &RefusedError{What: "target",
			Detail: fmt.Sprintf("  planned against %s, now the built-in simulator (--sim)", p.Target),
			Hint:   fmt.Sprintf("This plan was made against %s; apply it without --sim.", p.Target)}
	}
	return nil
}

// CheckFiles compares the runbook's current files with the plan's.
func (p *Plan) CheckFiles(current []File) error {
	planned := map[string]string{}
	for _, f := range p.Runbook.Files {
		planned[f.Name] = f.SHA256
	}
	now := map[string]string{}
	for _, f := range current {
		now[f.Name] = f.SHA256
	}
	var lines []string
	for name, sum := range planned {
		switch cur, ok := now[name]; {
		case !ok:
			lines = append(lines, fmt.Sprintf("  %s: no longer loaded (planned sha256 %s)", name, short(sum)))
		case cur != sum:
			lines = append(lines, fmt.Sprintf("  %s: changed (planned sha256 %s, now %s)", name, short(sum), short(cur)))
		}
	}
	for name, sum := range now {
		if _, ok := planned[name]; !ok {
			lines = append(lines, fmt.Sprintf("  %s: newly loaded (sha256 %s)", name, short(sum)))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	sort.Strings(lines)
	return &RefusedError{What: "runbook files", Detail: strings.Join(lines, "\n")}
}

// CheckParams compares parameters with the plan's.
func (p *Plan) CheckParams(params map[string]string) error {
	if diff := cmp.Diff(p.Params, params, cmpEmptyMap()); diff != "" {
		return &RefusedError{What: "parameters", Detail: "  (-planned +given)\n" + diff}
	}
	return nil
}

// CheckTarget compares a target with the plan's: its kind, hosts, region
// and tenant (the workspace is CheckWorkspace's).
func (p *Plan) CheckTarget(t Target) error {
	planned := p.Target
	planned.Workspace, t.Workspace = "", ""
	if diff := cmp.Diff(planned, t); diff != "" {
		return &RefusedError{What: "target", Detail: fmt.Sprintf("  planned against %s, now %s\n  (-planned +now)\n%s", planned, t, diff)}
	}
	return nil
}

// cmpEmptyMap returns the option that treats a nil map and an empty one
// alike. It is built when a plan's parameters are checked rather than in
// init, where every command would pay for go-cmp's checks of its functions.
func cmpEmptyMap() cmp.Option {
	return cmp.FilterValues(func(a, b map[string]string) bool {
		return len(a) == 0 && len(b) == 0
	}, cmp.Comparer(func(_, _ map[string]string) bool { return true }))
}

// short abbreviates a hash for messages.
func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}
