package builtins

// TEMPORARY: fixes the exported API of package builtins so that runtime and
// cli can be written in parallel. Replaced by predeclared.go / convert.go.

import "go.starlark.net/starlark"

// Predeclared returns every module a runbook sees (compute, identity,
// workspaces, odata, log, fail, chunks, sleep, parallel, json, time), bound
// to env. assert is not included (tests only).
func Predeclared(env *Env) starlark.StringDict { panic("unimplemented") }

// ToStarlark converts a decoded JSON value (glapi.Object, map[string]any,
// []any, string, json.Number, float64, int, bool, nil, glapi.Secret) into a
// frozen Starlark value: objects become read-only structs with the API's
// field names that print as compact JSON; secrets print as <redacted>.
func ToStarlark(v any) starlark.Value { panic("unimplemented") }

// FromStarlark converts a Starlark value (None, bool, int, float, string,
// list, tuple, dict with string keys, a struct made by ToStarlark) into
// plain Go values suitable for encoding/json.
func FromStarlark(v starlark.Value) (any, error) { panic("unimplemented") }
