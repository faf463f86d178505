package lint

import (
	"strings"

	"go.starlark.net/syntax"
)

// checkFunctions checks every def: main has a docstring, and no parameter
// goes unused (a parameter of main the runbook ignores is a NAME=VALUE the
// operator sets for nothing). Parameters named with a leading _ are exempt.
func (c *checker) checkFunctions(f *syntax.File) {
	syntax.Walk(f, func(n syntax.Node) bool {
		def, ok := n.(*syntax.DefStmt)
		if !ok {
			return true
		}
		if def.Name.Name == "main" && !hasDocstring(def) {
			c.add(def.Def, RuleMainDocstring, "main has no docstring: its first line is what 'glrun describe' shows as the runbook's purpose")
		}
		used := usedNames(def.Body)
		for _, p := range def.Params {
			id := paramIdent(p)
			if id == nil || strings.HasPrefix(id.Name, "_") || used[id.Name] {
				continue
			}
			c.add(id.NamePos, RuleUnusedParam, "parameter %s of %s is never used", id.Name, def.Name.Name)
		}
		return true
	})
}

// hasDocstring reports whether the function body starts with a string.
func hasDocstring(def *syntax.DefStmt) bool {
	if len(def.Body) == 0 {
		return false
	}
	es, ok := def.Body[0].(*syntax.ExprStmt)
	if !ok {
		return false
	}
	_, _, ok = stringLiteral(es.X)
	return ok
}

// paramIdent returns the name a parameter binds: x, x=default, *x, **x.
func paramIdent(p syntax.Expr) *syntax.Ident {
	switch p := p.(type) {
	case *syntax.Ident:
		return p
	case *syntax.BinaryExpr:
		id, _ := p.X.(*syntax.Ident)
		return id
	case *syntax.UnaryExpr:
		id, _ := p.X.(*syntax.Ident)
		return id
	}
	return nil
}

// usedNames returns the identifiers read or written in body, not counting
// keyword argument names (f(name = x) does not use a variable name).
func usedNames(body []syntax.Stmt) map[string]bool {
	used := map[string]bool{}
	keywords := map[*syntax.Ident]bool{}
	for _, stmt := range body {
		syntax.Walk(stmt, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.CallExpr:
				for _, a := range n.Args {
					if b, ok := a.(*syntax.BinaryExpr); ok && b.Op == syntax.EQ {
						if id, ok := b.X.(*syntax.Ident); ok {
							keywords[id] = true
						}
					}
				}
			case *syntax.Ident:
				if !keywords[n] {
					used[n.Name] = true
				}
			}
			return true
		})
	}
	return used
}
