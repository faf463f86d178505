package lint

import (
	"strings"

	"go.starlark.net/syntax"

	"glrun/builtins"
	"glrun/glapi/odata"
)

// filterResource maps the modules whose list builtin takes filter= to the
// endpoint whose filterable properties apply.
func filterResource(module string) string {
	switch module {
	case "compute.jobs":
		return odata.ResourceJobs
	case "compute.async_ops":
		return odata.ResourceAsyncOperations
	case "compute.servers":
		return odata.ResourceServers
	case "compute.groups":
		return odata.ResourceGroups
	case "compute.firmware_bundles":
		return odata.ResourceFirmwareBundles
	case "identity.users":
		return odata.ResourceUsers
	case "workspaces.credentials":
		return odata.ResourceCredentials
	}
	return ""
}

// stringLiteral returns the value of a string literal.
func stringLiteral(e syntax.Expr) (string, syntax.Position, bool) {
	lit, ok := e.(*syntax.Literal)
	if !ok || lit.Token != syntax.STRING {
		return "", syntax.Position{}, false
	}
	s, ok := lit.Value.(string)
	return s, lit.TokenPos, ok
}

// checkFilters parses the literal filter strings given to a builtin: the
// filter= of a list (also against the endpoint's filterable properties),
// odata.parse's text, odata.not_'s filter and odata.filter's template.
func (c *checker) checkFilters(d builtins.Doc, call *syntax.CallExpr, args map[string]syntax.Expr) {
	switch d.Name {
	case "odata.parse":
		c.checkFilterText(d, args["text"], "")
	case "odata.filter":
		c.checkTemplate(call)
	default:
		if e, ok := args["filter"]; ok {
			resource := ""
			if d.Member() == "list" {
				resource = filterResource(d.Module())
			}
			c.checkFilterText(d, e, resource)
		}
	}
}

// checkFilterText parses a literal filter and validates it for resource.
func (c *checker) checkFilterText(d builtins.Doc, e syntax.Expr, resource string) {
	text, pos, ok := stringLiteral(e)
	if !ok {
		return
	}
	expr, err := odata.Parse(text)
	if err != nil {
		c.add(pos, RuleFilter, "%s: filter %q does not parse: %s", d.Name, text, oneLine(err))
		return
	}
	if resource != "" {
		if err := odata.Validate(resource, expr); err != nil {
			c.add(pos, RuleFilter, "%s: %v", d.Name, err)
		}
	}
}

// checkTemplate fills odata.filter's literal template with placeholder
// values (strings, then one-item lists for `in {}`) and reports it when
// neither parses.
func (c *checker) checkTemplate(call *syntax.CallExpr) {
	if len(call.Args) == 0 {
		return
	}
	text, pos, ok := stringLiteral(call.Args[0])
	if !ok {
		return
	}
	for _, a := range call.Args[1:] {
		if u, ok := a.(*syntax.UnaryExpr); ok && u.Op == syntax.STAR {
			return // the number of values is not known
		}
	}
	n := len(call.Args) - 1
	strs, lists := make([]any, n), make([]any, n)
	for i := range n {
		strs[i], lists[i] = "x", []any{"x"}
	}
	_, err := odata.Fill(text, strs...)
	if err == nil {
		return
	}
	if _, err2 := odata.Fill(text, lists...); err2 == nil {
		return
	}
	if strings.Count(text, "{}") != n {
		c.add(pos, RuleFilter, "odata.filter: template %q has %d {} for %d values", text, strings.Count(text, "{}"), n)
		return
	}
	c.add(pos, RuleFilter, "odata.filter: template %q does not parse: %s", text, oneLine(err))
}

// oneLine returns the first line of a filter error, with its hint if it
// has one (the parser draws a caret under the column on the lines between).
func oneLine(err error) string {
	lines := strings.Split(err.Error(), "\n")
	out := lines[0]
	for _, l := range lines[1:] {
		if hint, ok := strings.CutPrefix(strings.TrimSpace(l), "hint: "); ok {
			out += " (" + hint + ")"
		}
	}
	return out
}
