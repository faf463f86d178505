package plan

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// RenderOptions control Render.
type RenderOptions struct {
	// Color marks creates green, updates yellow and deletes red with ANSI
	// escapes (for terminals only).
	Color bool
}

// ANSI colours.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiRed    = "\x1b[31m"
	ansiDim    = "\x1b[2m"
)

// symbols are Terraform's marks for each action.
var symbols = map[string]struct{ mark, color string }{
	ActionCreate: {"+", ansiGreen},
	ActionUpdate: {"~", ansiYellow},
	ActionDelete: {"-", ansiRed},
}

// Render writes the plan for people: where it comes from, then its changes
// grouped by the kind of resource they touch (each numbered in the order
// they will be sent, marked + create, ~ update, - delete), then a summary.
func Render(w io.Writer, p *Plan, opts RenderOptions) error {
	paint := func(color, s string) string {
		if !opts.Color || color == "" {
			return s
		}
		return color + s + ansiReset
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", paint(ansiBold, "Plan for "+p.Runbook.Path))
	fmt.Fprintf(&b, "  runbook  sha256 %s, %d file%s%s\n", short(p.Runbook.SHA256), len(p.Runbook.Files), plural(len(p.Runbook.Files)), gitLine(p.Runbook.Git))
	fmt.Fprintf(&b, "  params   %s\n", paramsLine(p))
	fmt.Fprintf(&b, "  target   %s\n", p.Target)
	fmt.Fprintf(&b, "  made     %s by glrun %s\n", p.Created.UTC().Format("2006-01-02 15:04:05 MST"), p.Glrun)
	b.WriteString("\n")
	if len(p.Mutations) == 0 {
		b.WriteString("No changes: the runbook only reads.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	for _, g := range groups(p.Mutations) {
		fmt.Fprintf(&b, "%s (%d):\n", paint(ansiBold, CollectionLabel(g.coll)), len(g.muts))
		for _, m := range g.muts {
			sym := symbols[m.Action]
			if sym.mark == "" {
				sym.mark = "?"
			}
			fmt.Fprintf(&b, "  %s %-4s %s\n", paint(sym.color, sym.mark), fmt.Sprintf("#%d", m.Seq), paint(sym.color, m.Description))
			detail := m.Method + " " + m.Path
			if m.Query != "" {
				detail += "?" + m.Query
			}
			if m.Creates != "" {
				detail += "  -> " + m.Creates
			}
			if len(m.Pending) > 0 {
				detail += "  (uses " + strings.Join(m.Pending, ", ") + ": known after apply)"
			}
			if m.Batch != 0 {
				detail += fmt.Sprintf("  [concurrent batch %d: sent in any order]", m.Batch)
			}
			fmt.Fprintf(&b, "         %s\n", paint(ansiDim, detail))
			if m.Verdict != nil {
				color := ansiDim
				if m.Verdict.Outcome == VerdictRefused {
					color = ansiRed
				}
				fmt.Fprintf(&b, "         %s\n", paint(color, "platform: "+m.Verdict.String()))
			}
			for _, made := range m.Makes {
				fmt.Fprintf(&b, "         %s\n", paint(ansiDim, fmt.Sprintf("makes %s: %s with %s %s (its id is learned when the plan is applied)",
					made.ID, CollectionLabel(made.Collection), made.Key, made.Value)))
			}
			if m.Approval != nil {
				fmt.Fprintf(&b, "         %s\n", paint(ansiYellow, m.Approval.String()))
			}
		}
		b.WriteString("\n")
	}
	c, u, d := p.Counts()
	fmt.Fprintf(&b, "%s %s to create, %s to update, %s to delete.\n", paint(ansiBold, "Plan:"),
		paint(ansiGreen, fmt.Sprint(c)), paint(ansiYellow, fmt.Sprint(u)), paint(ansiRed, fmt.Sprint(d)))
	if n := needApproval(p.Mutations); n > 0 {
		fmt.Fprintf(&b, "%s %d of these changes will wait for approval ('glrun approve' by an approver).\n", paint(ansiYellow, "Approval:"), n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// needApproval counts the changes marked as needing approval.
func needApproval(ms []Mutation) int {
	n := 0
	for _, m := range ms {
		if m.Approval != nil {
			n++
		}
	}
	return n
}

// group is the mutations of one collection, in plan order.
type group struct {
	coll string
	muts []Mutation
}

// groups groups mutations by collection, groups ordered by their first
// mutation.
func groups(ms []Mutation) []group {
	idx := map[string]int{}
	var out []group
	for _, m := range ms {
		i, ok := idx[m.Collection]
		if !ok {
			i = len(out)
			idx[m.Collection] = i
			out = append(out, group{coll: m.Collection})
		}
		out[i].muts = append(out[i].muts, m)
	}
	return out
}

// gitLine describes the runbook's repository.
func gitLine(g *Git) string {
	if g == nil {
		return ", not in a git repository"
	}
	s := ", git commit " + short(g.Commit)
	if g.Dirty {
		s += " with uncommitted changes"
	}
	return s
}

// paramsLine lists the parameters.
func paramsLine(p *Plan) string {
	args := p.ParamArgs()
	if len(args) == 0 {
		return "(none: the runbook's defaults)"
	}
	sort.Strings(args)
	return strings.Join(args, " ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
