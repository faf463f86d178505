package builtins

import (
	"sort"
	"strings"

	"go.starlark.net/lib/json"
	libtime "go.starlark.net/lib/time"
	"go.starlark.net/starlark"
)

// builtin is one predeclared name, declared once: its documentation, whose
// parameters its calls are bound to (see NewBuiltin), and its body.
type builtin struct {
	Doc
	// impl is the body of a builtin function; nil for a constant or a
	// function of a library module (json, time).
	impl impl
	// raw, instead of impl, makes the few builtins whose calls the Doc
	// cannot bind: those with *args or **kwargs (log.*, fail,
	// odata.filter). They report argument errors as *ArgError too.
	raw func(env *Env) *starlark.Builtin
}

// impl is the body of a builtin function: a holds its arguments, bound to
// its Doc's parameters; env is what it may reach.
type impl func(thread *starlark.Thread, env *Env, a *Args) (starlark.Value, error)

// registry returns every predeclared builtin and constant, sorted by
// name. Each call returns a fresh slice.
func registry() []builtin {
	var all []builtin
	for _, part := range [][]builtin{
		computeBuiltins(), approvalsBuiltins(), schedulesBuiltins(), identityBuiltins(), workspacesBuiltins(), odataBuiltins(),
		helperBuiltins(), controlBuiltins(), jsonBuiltins(), timeBuiltins(), platformBuiltins(),
	} {
		all = append(all, part...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all
}

// libraryModules are the members of the modules go.starlark.net provides;
// the registry documents them and may replace some (time.now).
func libraryModules() map[string]starlark.StringDict {
	return map[string]starlark.StringDict{
		"json": json.Module.Members,
		"time": libtime.Module.Members,
	}
}

// Predeclared returns every module a runbook sees (compute, identity,
// workspaces, odata, log, fail, catch, retry, runbook_mode, chunks, sleep,
// parallel, json, time), bound
// to env. assert is not included (tests only).
func Predeclared(env *Env) starlark.StringDict {
	members := map[string]starlark.StringDict{} // module -> its members
	for name, lib := range libraryModules() {
		members[name] = make(starlark.StringDict, len(lib))
		for k, v := range lib {
			members[name][k] = v
		}
	}
	top := starlark.StringDict{}
	add := func(module, member string, v starlark.Value) {
		if module == "" {
			top[member] = v
			return
		}
		if members[module] == nil {
			members[module] = starlark.StringDict{}
		}
		members[module][member] = v
	}
	for _, b := range registry() {
		var v starlark.Value
		switch {
		case b.impl != nil:
			v = b.bind(env)
		case b.raw != nil:
			v = b.raw(env)
		default:
			continue
		}
		add(b.Module(), b.Member(), v)
	}
	// Every ancestor of a module is a module; build the deepest first.
	for name := range members {
		for i := strings.LastIndexByte(name, '.'); i > 0; i = strings.LastIndexByte(name[:i], '.') {
			if members[name[:i]] == nil {
				members[name[:i]] = starlark.StringDict{}
			}
		}
	}
	names := make([]string, 0, len(members))
	for name := range members {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		if di, dj := strings.Count(names[i], "."), strings.Count(names[j], "."); di != dj {
			return di > dj
		}
		return names[i] < names[j]
	})
	for _, name := range names {
		d := Doc{Name: name}
		add(d.Module(), d.Member(), newModule(name, members[name]))
	}
	return top
}

// bind returns the builtin b declares, bound to env.
func (b builtin) bind(env *Env) *starlark.Builtin {
	return NewBuiltin(b.Doc, func(thread *starlark.Thread, a *Args) (starlark.Value, error) {
		return b.impl(thread, env, a)
	})
}

// Names returns the names Predeclared defines, sorted (for glrun check).
func Names() []string {
	names := []string{
		"catch", "chunks", "compute", "fail", "identity", "json", "log", "odata",
		"parallel", "retry", "runbook_mode", "sleep", "time", "workspaces",
	}
	names = append(names, platformNames...)
	sort.Strings(names)
	return names
}
