package plan

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// plannedChange is the part of a change a preflight compares: what is
// sent, and the planned id it introduces (descriptions are left out: they
// name objects as they were read, and a rename is not a different change).
type plannedChange struct {
	Action  string
	Method  string
	Path    string
	Query   string
	Body    any
	Creates string
}

// plannedChanges returns what a preflight compares of ms. The changes of a
// concurrent batch (the workers of one parallel.map) come in any order, and
// their planned ids are numbered in that order, so within a batch they are
// compared as a set: sorted by content, without their planned ids, as the
// apply matches them.
func plannedChanges(ms []Mutation) []plannedChange {
	out := make([]plannedChange, len(ms))
	for i, m := range ms {
		out[i] = plannedChange{Action: m.Action, Method: m.Method, Path: m.Path, Query: m.Query, Body: m.Body, Creates: m.Creates}
	}
	for lo := 0; lo < len(ms); {
		hi := lo + 1
		for ms[lo].Batch != 0 && hi < len(ms) && ms[hi].Batch == ms[lo].Batch {
			hi++
		}
		if hi-lo > 1 {
			batch := out[lo:hi]
			for i := range batch {
				batch[i].Creates = ""
			}
			sort.SliceStable(batch, func(i, j int) bool { return batch[i].key() < batch[j].key() })
		}
		lo = hi
	}
	return out
}

// key is the change's content as text, to order a concurrent batch.
func (c plannedChange) key() string {
	b, _ := json.Marshal(c)
	return string(b)
}

// Preflight compares the changes a fresh dry run of the plan's runbook
// (same files, parameters and target, against live reads, just before an
// apply) would make with the plan's. It returns nil when they are exactly
// the plan's, else a *PreflightError with a diff; nothing has been sent
// either way.
func (p *Plan) Preflight(now []Mutation) error {
	diff := cmp.Diff(plannedChanges(p.Mutations), plannedChanges(now))
	if diff == "" {
		return nil
	}
	return &PreflightError{Planned: p.Mutations, Now: now, Diff: diff}
}

// PreflightPassed is the line an apply prints once the preflight passed.
func (p *Plan) PreflightPassed() string {
	n := len(p.Mutations)
	if n == 1 {
		return "preflight: the runbook still plans exactly this 1 change"
	}
	return fmt.Sprintf("preflight: the runbook still plans exactly these %d changes", n)
}

// PreflightError refuses an apply before anything is sent: re-run as a dry
// run against the workspace as it is now, the runbook plans other changes
// than the reviewed plan's (the fleet changed since the review).
type PreflightError struct {
	// Planned are the plan's changes; Now the changes the runbook plans
	// now.
	Planned, Now []Mutation
	// Diff is the go-cmp diff of the two (-planned +now).
	Diff string
}

// Error says that nothing was sent, how the changes differ and what to do.
func (e *PreflightError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "apply refused by the preflight, nothing was sent: re-planned against the workspace as it is now, the runbook plans %d change%s where the reviewed plan has %d.\n",
		len(e.Now), plural(len(e.Now)), len(e.Planned))
	for i := 0; i < len(e.Planned) || i < len(e.Now); i++ {
		var want, got *Mutation
		if i < len(e.Planned) {
			want = &e.Planned[i]
		}
		if i < len(e.Now) {
			got = &e.Now[i]
		}
		switch {
		case got == nil:
			fmt.Fprintf(&b, "  #%d planned: %s; now: not planned any more\n", i+1, want.Description)
		case want == nil:
			fmt.Fprintf(&b, "  #%d planned: nothing; now: %s\n", i+1, got.Description)
		case !cmp.Equal(plannedChanges([]Mutation{*want}), plannedChanges([]Mutation{*got})):
			fmt.Fprintf(&b, "  #%d planned: %s; now: %s\n", i+1, want.Description, got.Description)
		}
	}
	fmt.Fprintf(&b, "  diff (-planned +now):\n%s\n", indentLines(e.Diff, "    "))
	b.WriteString("Make a new plan ('glrun plan') against the workspace as it is now and have it reviewed.")
	return b.String()
}
