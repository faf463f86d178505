package lint

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"glrun/builtins"
	"glrun/internal/testfile"
)

// Rules of glrun's own checks.
const (
	RuleUnknownName    = "unknown-name"
	RuleUnknownBuiltin = "unknown-builtin"
	RuleArguments      = "builtin-arguments"
	RuleMutatingTop    = "mutating-top-level"
	RuleMainDocstring  = "main-docstring"
	RuleUnusedParam    = "unused-parameter"
	RuleFilter         = "filter"
	RuleDiscardedJob   = "discarded-job"
)

// checker holds one file's state while its checks run.
type checker struct {
	path     string
	findings []Finding
}

func (c *checker) add(pos syntax.Position, rule, format string, args ...any) {
	c.findings = append(c.findings, Finding{File: c.path, Line: int(pos.Line), Col: int(pos.Col),
		Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// glrunFindings runs glrun's own checks on the file, parsed and resolved
// with the runbook dialect of the runtime.
func glrunFindings(path string, src []byte) ([]Finding, error) {
	opts := &syntax.FileOptions{Set: true, While: true, TopLevelControl: true}
	f, err := opts.Parse(path, src, syntax.RetainComments)
	if err != nil {
		se := &SyntaxError{File: path, Err: err, Msg: err.Error()}
		var pe syntax.Error
		if errors.As(err, &pe) {
			se.Line, se.Col, se.Msg = int(pe.Pos.Line), int(pe.Pos.Col), pe.Msg
		}
		return nil, se
	}
	predeclared := builtins.Names()
	if isTestFile(path) {
		predeclared = append(predeclared, testfile.Names()...)
	}
	c := &checker{path: path}
	if err := resolve.File(f, func(name string) bool { return slices.Contains(predeclared, name) }, starlark.Universe.Has); err != nil {
		c.resolveErrors(err, predeclared, f)
	}
	c.walk(f.Stmts, false)
	c.checkFunctions(f)
	return c.findings, nil
}

// resolveErrors reports the resolver's errors: undefined names with a
// did-you-mean over the builtins, the universe and the file's globals.
func (c *checker) resolveErrors(err error, predeclared []string, f *syntax.File) {
	var list resolve.ErrorList
	if !errors.As(err, &list) {
		c.add(syntax.Position{Line: 1, Col: 1}, RuleUnknownName, "%v", err)
		return
	}
	candidates := append([]string(nil), predeclared...)
	for name := range starlark.Universe {
		candidates = append(candidates, name)
	}
	for _, b := range f.Module.(*resolve.Module).Globals {
		candidates = append(candidates, b.First.Name)
	}
	for _, e := range list {
		if name, ok := strings.CutPrefix(e.Msg, "undefined: "); ok {
			c.add(e.Pos, RuleUnknownName, "unknown name %s%s", name, didYouMean(name, candidates))
			continue
		}
		c.add(e.Pos, RuleUnknownName, "%s", e.Msg)
	}
}

// walk visits stmts; inFunc tells whether they belong to a function body.
func (c *checker) walk(stmts []syntax.Stmt, inFunc bool) {
	for _, stmt := range stmts {
		syntax.Walk(stmt, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.DefStmt:
				c.walk(n.Body, true)
				for _, p := range n.Params {
					c.walkExpr(p, inFunc) // default values run at definition
				}
				return false
			case *syntax.LambdaExpr:
				c.walkExpr(n.Body, true)
				return false
			case *syntax.DotExpr:
				return !c.checkChain(n)
			case *syntax.CallExpr:
				c.checkCall(n, inFunc)
			case *syntax.ExprStmt:
				c.checkDiscarded(n)
			}
			return true
		})
	}
}

// walkExpr walks one expression as a statement.
func (c *checker) walkExpr(e syntax.Expr, inFunc bool) {
	c.walk([]syntax.Stmt{&syntax.ExprStmt{X: e}}, inFunc)
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

// checkChain checks module.member.member against the registry. It returns
// true when e was a plain chain (nothing below it needs a visit).
func (c *checker) checkChain(e *syntax.DotExpr) bool {
	root, dots := chain(e)
	if root == nil {
		return false
	}
	if !isBuiltinRef(root) || !builtins.IsModule(root.Name) {
		return true
	}
	prefix := root.Name
	for _, d := range dots {
		full := prefix + "." + d.Name.Name
		if builtins.IsModule(full) {
			prefix = full
			continue
		}
		if _, ok := builtins.LookupDoc(full); ok {
			return true
		}
		members := builtins.Members(prefix)
		c.add(d.Name.NamePos, RuleUnknownBuiltin, "%s has no member %s%s; it has: %s",
			prefix, d.Name.Name, didYouMean(d.Name.Name, members), strings.Join(members, ", "))
		return true
	}
	return true
}

// calledDoc returns the documentation of the builtin call calls, if any.
func calledDoc(call *syntax.CallExpr) (builtins.Doc, bool) {
	root, dots := chain(call.Fn)
	if root == nil || !isBuiltinRef(root) {
		return builtins.Doc{}, false
	}
	name := root.Name
	for _, d := range dots {
		name += "." + d.Name.Name
	}
	d, ok := builtins.LookupDoc(name)
	return d, ok && !d.Value
}

// checkCall checks a call of a builtin: argument names and count, mutating
// calls at top level, and literal filters.
func (c *checker) checkCall(call *syntax.CallExpr, inFunc bool) {
	d, ok := calledDoc(call)
	if !ok {
		return
	}
	if d.Mutates && !inFunc {
		start, _ := call.Span()
		c.add(start, RuleMutatingTop, "%s changes GreenLake at the top level, which runs whenever the runbook is loaded (describe, check, plan); call it from main", d.Name)
	}
	args := map[string]syntax.Expr{}
	npos, spread := 0, false
	for _, arg := range call.Args {
		switch a := arg.(type) {
		case *syntax.BinaryExpr:
			if a.Op == syntax.EQ {
				name := a.X.(*syntax.Ident)
				args[name.Name] = a.Y
				if !d.AcceptsKeyword(name.Name) {
					c.add(name.NamePos, RuleArguments, "%s has no parameter %s%s; its parameters: %s",
						d.Name, name.Name, didYouMean(name.Name, d.ParamNames()), paramList(d))
				}
				continue
			}
		case *syntax.UnaryExpr:
			if a.Op == syntax.STAR || a.Op == syntax.STARSTAR {
				spread = true
				continue
			}
		}
		if names := d.ParamNames(); npos < len(names) {
			args[names[npos]] = arg
		}
		npos++
	}
	if max := d.MaxPositional(); !spread && max >= 0 && npos > max {
		c.add(call.Lparen, RuleArguments, "%s takes at most %d positional arguments (%s), got %d",
			d.Name, max, paramList(d), npos)
	}
	c.checkFilters(d, call, args)
}

// checkDiscarded reports a job creation whose result is thrown away: a
// runbook that never waits for its jobs ends while they still run, and
// nobody learns how they ended.
func (c *checker) checkDiscarded(stmt *syntax.ExprStmt) {
	call, ok := stmt.X.(*syntax.CallExpr)
	if !ok {
		return
	}
	if d, ok := calledDoc(call); ok && d.Name == "compute.jobs.create" {
		start, _ := call.Span()
		c.add(start, RuleDiscardedJob, "the job compute.jobs.create returns is discarded, so nothing waits for it: keep it and wait for it (compute.jobs.wait_all), or the run ends while it still runs")
	}
}

// paramList renders the parameters for messages.
func paramList(d builtins.Doc) string {
	if len(d.Params) == 0 {
		return "none"
	}
	parts := make([]string, len(d.Params))
	for i, p := range d.Params {
		parts[i] = p.String()
	}
	return strings.Join(parts, ", ")
}
