package odata

// TEMPORARY: this file fixes the exported API of package odata so that other
// packages (glapi, glapi/sim, builtins) can be written against it in
// parallel. The odata implementer replaces every body (moving code into
// lexer.go, parser.go, ast.go, print.go, build.go, eval.go, validate.go ...)
// and deletes this file. Signatures may gain things but must not change
// incompatibly.

// Expr is a node of a parsed or built filter expression.
type Expr interface {
	// String returns the canonical text of the expression.
	String() string
}

// SyntaxError is a parse error: the 1-based column, what was expected, an
// optional hint for a common typo, and the input, so Error() can show the
// text with a caret under the column.
type SyntaxError struct {
	Input  string
	Column int
	Msg    string
	Hint   string
}

func (e *SyntaxError) Error() string { panic("unimplemented") }

// Parse parses a filter.
func Parse(text string) (Expr, error) { panic("unimplemented") }

// Eval reports whether obj (a decoded JSON object: map[string]any with
// string, float64, json.Number, int, bool, nil, []any and map[string]any
// values) matches e, with the semantics of ODATA.md.
func Eval(e Expr, obj map[string]any) bool { panic("unimplemented") }

// Literal returns the literal for a Go value: string, bool, nil, any integer
// type, float64, time.Time, or a []any of those (a list, for in).
func Literal(v any) (Expr, error) { panic("unimplemented") }

// Fill parses template after replacing each {} with the literal for the
// next arg (as Literal does); a value can never change the filter's
// structure. The number of {} must equal len(args).
func Fill(template string, args ...any) (Expr, error) { panic("unimplemented") }

// Builders. path is a property path such as "resource/id".
func Eq(path string, v any) (Expr, error)          { panic("unimplemented") }
func Ne(path string, v any) (Expr, error)          { panic("unimplemented") }
func Gt(path string, v any) (Expr, error)          { panic("unimplemented") }
func Ge(path string, v any) (Expr, error)          { panic("unimplemented") }
func Lt(path string, v any) (Expr, error)          { panic("unimplemented") }
func Le(path string, v any) (Expr, error)          { panic("unimplemented") }
func In(path string, vs []any) (Expr, error)       { panic("unimplemented") }
func Contains(path string, s string) (Expr, error) { panic("unimplemented") }
func StartsWith(path string, s string) (Expr, error) {
	panic("unimplemented")
}
func EndsWith(path string, s string) (Expr, error) { panic("unimplemented") }
func Not(e Expr) Expr                              { panic("unimplemented") }
func And(a, b Expr) Expr                           { panic("unimplemented") }
func Or(a, b Expr) Expr                            { panic("unimplemented") }

// Resource names for per-endpoint validation.
const (
	ResourceJobs             = "jobs"
	ResourceAsyncOperations  = "async-operations"
	ResourceServers          = "servers"
	ResourceGroups           = "groups"
	ResourceFirmwareBundles  = "firmware-bundles"
	ResourceUsers            = "users"
	ResourceCredentials      = "credentials"
	ResourceExternalServices = "external-services"
)

// Validate checks that every property path in e is filterable on resource;
// an unknown property gets an error with a did-you-mean. An unknown resource
// name is an error.
func Validate(resource string, e Expr) error { panic("unimplemented") }

// Properties returns the filterable properties of resource, sorted.
func Properties(resource string) []string { panic("unimplemented") }
