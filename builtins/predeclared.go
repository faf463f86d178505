package builtins

import (
	"sort"

	"go.starlark.net/starlark"
)

// Predeclared returns every module a runbook sees (compute, identity,
// workspaces, odata, log, fail, chunks, sleep, parallel, json, time), bound
// to env. assert is not included (tests only).
func Predeclared(env *Env) starlark.StringDict {
	d := starlark.StringDict{
		// TODO: compute, once compute.go defines computeModule.
		// "compute": computeModule(env),
	}
	_ = env
	return d
}

// Names returns the predeclared names a runbook may use, sorted (for
// glrun check).
func Names() []string {
	names := make([]string, 0, len(predeclaredNames))
	names = append(names, predeclaredNames...)
	sort.Strings(names)
	return names
}

// predeclaredNames are the names Predeclared defines.
var predeclaredNames = []string{
	"compute", "identity", "workspaces", "odata", "log", "fail", "chunks",
	"sleep", "parallel", "json", "time",
}
