package runtime

import (
	"fmt"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Description is what `glrun describe` shows of a runbook.
type Description struct {
	// Path is the runbook's path as given to Load.
	Path string
	// Doc is main's docstring, else the module docstring, else "".
	Doc string
	// Params are main's named parameters, in order.
	Params []Param
}

// Param is one parameter of main.
type Param struct {
	// Name is the parameter's name.
	Name string
	// Default is the default value, nil when the parameter is required.
	Default starlark.Value
	// Required is true when the parameter has no default, or has a type
	// for a default (emails = list).
	Required bool
	// Declared is true when the parameter's default is a type: such a
	// parameter is required, and of that type.
	Declared bool
	// Type is what a NAME=VALUE argument is converted to: "int", "float",
	// "bool", "string", "list", "tuple" or "dict"; another Starlark type
	// name when it cannot be set from the command line.
	Type string
}

// declaredTypes are the builtins a parameter's default may name to make it
// a required parameter of that type: def main(emails = list). The value is
// the parameter's Type.
var declaredTypes = map[string]string{
	"str": "string", "int": "int", "float": "float", "bool": "bool",
	"list": "list", "tuple": "tuple", "dict": "dict",
}

// declaredType returns the type a default names (see declaredTypes).
func declaredType(def starlark.Value) (string, bool) {
	b, ok := def.(*starlark.Builtin)
	if !ok || b.Receiver() != nil {
		return "", false
	}
	t, ok := declaredTypes[b.Name()]
	return t, ok
}

// String renders the parameter as in usage messages: "batch = 10 (int)" or
// "group (required, string)".
func (p Param) String() string {
	if p.Required {
		return fmt.Sprintf("%s (required, %s)", p.Name, p.Type)
	}
	return fmt.Sprintf("%s = %s (%s)", p.Name, p.Default.String(), p.Type)
}

// Describe returns the runbook's description. It fails (KindUsage) when
// the runbook has no main function.
func (rb *Runbook) Describe() (Description, error) {
	fn, err := rb.main()
	if err != nil {
		return Description{}, err
	}
	d := Description{Path: rb.path, Doc: fn.Doc(), Params: params(fn)}
	if d.Doc == "" {
		d.Doc = moduleDoc(rb.graph.entry.file)
	}
	d.Doc = strings.TrimSpace(d.Doc)
	return d, nil
}

// main returns the runbook's main function.
func (rb *Runbook) main() (*starlark.Function, error) {
	v, ok := rb.globals["main"]
	if !ok {
		return nil, &Error{Kind: KindUsage, Msg: fmt.Sprintf("%s: no main function; a runbook's entry point is def main(...)", rb.Name())}
	}
	fn, ok := v.(*starlark.Function)
	if !ok {
		return nil, &Error{Kind: KindUsage, Msg: fmt.Sprintf("%s: main is a %s, not a function", rb.Name(), v.Type())}
	}
	return fn, nil
}

// params lists the named parameters of fn (positional and keyword-only;
// not *args and **kwargs).
func params(fn *starlark.Function) []Param {
	n := fn.NumParams()
	if fn.HasVarargs() {
		n--
	}
	if fn.HasKwargs() {
		n--
	}
	ps := make([]Param, 0, n)
	for i := 0; i < n; i++ {
		name, _ := fn.Param(i)
		def := fn.ParamDefault(i)
		if t, ok := declaredType(def); ok {
			ps = append(ps, Param{Name: name, Required: true, Declared: true, Type: t})
			continue
		}
		ps = append(ps, Param{Name: name, Default: def, Required: def == nil, Type: paramType(def)})
	}
	return ps
}

// paramType names the type a parameter's value is converted to.
func paramType(def starlark.Value) string {
	switch def.(type) {
	case nil, starlark.NoneType, starlark.String:
		return "string"
	case starlark.Int:
		return "int"
	case starlark.Float:
		return "float"
	case starlark.Bool:
		return "bool"
	case *starlark.List:
		return "list"
	case starlark.Tuple:
		return "tuple"
	case *starlark.Dict:
		return "dict"
	default:
		return def.Type()
	}
}

// moduleDoc returns the docstring of a file: its first statement, when
// that is a string literal.
func moduleDoc(f *syntax.File) string {
	if f == nil || len(f.Stmts) == 0 {
		return ""
	}
	expr, ok := f.Stmts[0].(*syntax.ExprStmt)
	if !ok {
		return ""
	}
	lit, ok := expr.X.(*syntax.Literal)
	if !ok || lit.Token != syntax.STRING {
		return ""
	}
	s, _ := lit.Value.(string)
	return s
}
