package builtins

import (
	"go.starlark.net/lib/json"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// newModule returns a frozen module named name with members.
func newModule(name string, members starlark.StringDict) *starlarkstruct.Module {
	m := &starlarkstruct.Module{Name: name, Members: members}
	m.Freeze()
	return m
}

// builtinFn is the signature of every builtin implementation.
type builtinFn = func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error)

// jsonModule is go.starlark.net's json module (encode, encode_indent,
// decode, indent). Records encode as their fields and secrets as
// "<redacted>".
func jsonModule() starlark.Value { return json.Module }
