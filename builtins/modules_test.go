package builtins

import (
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// member returns the predeclared value of a dotted name, such as
// "compute" or "parallel.map", bound to env.
func member(env *Env, name string) starlark.Value {
	parts := strings.Split(name, ".")
	v := Predeclared(env)[parts[0]]
	for _, p := range parts[1:] {
		v = v.(*starlarkstruct.Module).Members[p]
	}
	return v
}

func computeModule(env *Env) starlark.Value    { return member(env, "compute") }
func identityModule(env *Env) starlark.Value   { return member(env, "identity") }
func workspacesModule(env *Env) starlark.Value { return member(env, "workspaces") }
func logModule(env *Env) starlark.Value        { return member(env, "log") }
func timeModule(env *Env) starlark.Value       { return member(env, "time") }
func odataModule() starlark.Value              { return member(nil, "odata") }
func jsonModule() starlark.Value               { return member(nil, "json") }
func parallelModule() starlark.Value           { return member(nil, "parallel") }
func sleepBuiltin(env *Env) *starlark.Builtin  { return member(env, "sleep").(*starlark.Builtin) }
