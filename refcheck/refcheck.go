// Package refcheck checks a runbook's references to glrun's builtins
// against the builtins' registry, without running anything: a misspelt
// member of a predeclared module (compute.groups.lst, compute.group.list)
// and a literal job template alias that does not exist
// (compute.jobs.create("restrat", s)), each with a did-you-mean. 'glrun
// check' (and so run, plan and describe, which check first) and 'glrun
// lint' both use it, so the two never disagree.
package refcheck

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.starlark.net/resolve"
	"go.starlark.net/syntax"

	"glrun/builtins"
	"glrun/glapi"
	"glrun/internal/suggest"
)

// Rules of the problems this package finds (lint prints them).
const (
	// RuleUnknownBuiltin: a dotted name on a predeclared module that the
	// module does not have.
	RuleUnknownBuiltin = "unknown-builtin"
	// RuleUnknownTemplate: a literal job template alias that no template
	// has.
	RuleUnknownTemplate = "unknown-template"
)

// Problem is one bad reference.
type Problem struct {
	// Pos is where it is.
	Pos syntax.Position
	// Rule names the check (RuleUnknownBuiltin, RuleUnknownTemplate).
	Rule string
	// Msg says what is wrong and, where it can, what was meant.
	Msg string
}

// String renders the problem as file:line:col: message.
func (p Problem) String() string { return fmt.Sprintf("%s: %s", p.Pos, p.Msg) }

// File returns the bad references of f, which must have been resolved
// (go.starlark.net/resolve, as the runtime and lint do when they compile
// it): names bound in the file that shadow a module are not the module.
func File(f *syntax.File) []Problem {
	var out []Problem
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.DotExpr:
			if p, ok := checkChain(n); ok {
				out = append(out, p)
				return false
			}
		case *syntax.CallExpr:
			if p, ok := checkTemplate(n); ok {
				out = append(out, p)
			}
		}
		return true
	})
	return out
}

// chain returns the identifier at the root of x.a.b and the DotExprs from
// the innermost out, or nil when x is not a plain chain of names.
func chain(e syntax.Expr) (*syntax.Ident, []*syntax.DotExpr) {
	var dots []*syntax.DotExpr
	for {
		switch x := e.(type) {
		case *syntax.Ident:
			slices.Reverse(dots)
			return x, dots
		case *syntax.DotExpr:
			dots = append(dots, x)
			e = x.X
		default:
			return nil, nil
		}
	}
}

// isBuiltinRef reports whether id names a predeclared (not shadowed) name.
func isBuiltinRef(id *syntax.Ident) bool {
	b, ok := id.Binding.(*resolve.Binding)
	return ok && b.Scope == resolve.Predeclared
}

// checkChain checks module.member.member against the registry.
func checkChain(e *syntax.DotExpr) (Problem, bool) {
	root, dots := chain(e)
	if root == nil || !isBuiltinRef(root) || !builtins.IsModule(root.Name) {
		return Problem{}, false
	}
	prefix := root.Name
	for _, d := range dots {
		full := prefix + "." + d.Name.Name
		if builtins.IsModule(full) {
			prefix = full
			continue
		}
		if _, ok := builtins.LookupDoc(full); ok {
			return Problem{}, false
		}
		members := builtins.Members(prefix)
		return Problem{Pos: d.Name.NamePos, Rule: RuleUnknownBuiltin, Msg: fmt.Sprintf("%s has no member %s%s; it has: %s",
			prefix, d.Name.Name, DidYouMean(d.Name.Name, members), strings.Join(members, ", "))}, true
	}
	return Problem{}, false
}

// CalledBuiltin returns the dotted name of the builtin call calls
// ("compute.jobs.create"), or "" when it calls anything else.
func CalledBuiltin(call *syntax.CallExpr) string {
	root, dots := chain(call.Fn)
	if root == nil || !isBuiltinRef(root) {
		return ""
	}
	name := root.Name
	for _, d := range dots {
		name += "." + d.Name.Name
	}
	if _, ok := builtins.LookupDoc(name); !ok {
		return ""
	}
	return name
}

// checkTemplate checks the template of compute.jobs.create when it is a
// string literal, as glapi.LookupTemplate does when the call runs.
func checkTemplate(call *syntax.CallExpr) (Problem, bool) {
	if CalledBuiltin(call) != "compute.jobs.create" {
		return Problem{}, false
	}
	var arg syntax.Expr
	for i, a := range call.Args {
		if b, ok := a.(*syntax.BinaryExpr); ok && b.Op == syntax.EQ {
			if id, ok := b.X.(*syntax.Ident); ok && id.Name == "template" {
				arg = b.Y
			}
			continue
		}
		if i == 0 {
			arg = a
		}
	}
	lit, ok := arg.(*syntax.Literal)
	if !ok || lit.Token != syntax.STRING {
		return Problem{}, false
	}
	alias, _ := lit.Value.(string)
	if _, err := glapi.LookupTemplate(alias); err != nil {
		return Problem{Pos: lit.TokenPos, Rule: RuleUnknownTemplate, Msg: "compute.jobs.create: " + err.Error()}, true
	}
	return Problem{}, false
}

// DidYouMean returns ` (did you mean "x"?)` for the candidate closest to
// name, or "" when none is close.
func DidYouMean(name string, candidates []string) string {
	best := suggest.Closest(name, candidates)
	if best == "" {
		return ""
	}
	return " (did you mean " + strconv.Quote(best) + "?)"
}
