package builtins

import "go.starlark.net/starlark"

// Predeclared returns every module a runbook sees (compute, identity,
// workspaces, odata, log, fail, chunks, sleep, parallel, json, time), bound
// to env. assert is not included (tests only).
func Predeclared(env *Env) starlark.StringDict {
	return starlark.StringDict{
		"compute":    computeModule(env),
		"identity":   identityModule(env),
		"workspaces": workspacesModule(env),
		"odata":      odataModule(),
		"log":        logModule(env),
		"fail":       starlark.NewBuiltin("fail", failBuiltin),
		"chunks":     starlark.NewBuiltin("chunks", chunksBuiltin),
		"sleep":      sleepBuiltin(env),
		"parallel":   parallelModule(),
		"json":       jsonModule(),
		"time":       timeModule(env),
	}
}

// Names returns the names Predeclared defines, sorted (for glrun check).
func Names() []string {
	return []string{
		"chunks", "compute", "fail", "identity", "json", "log", "odata",
		"parallel", "sleep", "time", "workspaces",
	}
}
