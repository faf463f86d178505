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
	"glrun/refcheck"
)

// Rules of glrun's own checks.
const (
	RuleUnknownName     = "unknown-name"
	RuleUnknownBuiltin  = refcheck.RuleUnknownBuiltin
	RuleUnknownTemplate = refcheck.RuleUnknownTemplate
	RuleArguments       = "builtin-arguments"
	RuleMutatingTop     = "mutating-top-level"
	RuleMainDocstring   = "main-docstring"
	RuleUnusedParam     = "unused-parameter"
	RuleFilter          = "filter"
	RuleDiscardedJob    = "discarded-job"
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
	for _, p := range refcheck.File(f) {
		c.add(p.Pos, p.Rule, "%s", p.Msg)
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

// calledDoc returns the documentation of the builtin call calls, if any.
func calledDoc(call *syntax.CallExpr) (builtins.Doc, bool) {
	name := refcheck.CalledBuiltin(call)
	if name == "" {
		return builtins.Doc{}, false
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
