package builtins

import (
	"slices"
	"sort"
	"strings"
	"sync"
)

// Doc documents one predeclared name a runbook can use: a builtin function
// (such as compute.jobs.create) or a constant (such as time.hour). It is the
// one source for `glrun docs` (docs/builtins.md and the editor stubs),
// `glrun lint` (argument names, mutating calls), `glrun repl`'s help, and
// the binding of the builtin's arguments (NewBuiltin): its Params are the
// parameters a call is bound to, in order, with their defaults.
type Doc struct {
	// Name is the full dotted name, such as "compute.jobs.create".
	Name string
	// Params are the parameters, in order.
	Params []ParamDoc
	// Summary is one line saying what it does.
	Summary string
	// Returns says what a call returns ("" for None).
	Returns string
	// Example is a short Starlark snippet using it; the docs tests run
	// every example against the simulator.
	Example string
	// Mutates is true when a call changes something in GreenLake (creates,
	// updates or deletes); lint refuses such calls at a runbook's top level.
	Mutates bool
	// Value is true for a constant (not callable), such as time.hour.
	Value bool
}

// ParamDoc documents one parameter of a builtin.
type ParamDoc struct {
	// Name is the parameter's name.
	Name string
	// Default is the Starlark text of its default value, "" when the
	// parameter is required. It is a literal (None, True, 4, "30m", {}),
	// the value an absent or None argument takes.
	Default string
	// Desc says what it is and what values it takes.
	Desc string
	// Variadic marks *name (any number of positional arguments).
	Variadic bool
	// Kwargs marks **name (any keyword arguments).
	Kwargs bool
}

// ModuleDoc documents a module (a namespace of builtins).
type ModuleDoc struct {
	// Name is the full dotted name, such as "compute.jobs".
	Name string
	// Summary is one line saying what the module is for.
	Summary string
}

// Signature renders the call signature, such as
// `compute.jobs.wait(job, timeout="30m", poll="5s", fail_on_error=True)`.
func (d Doc) Signature() string {
	if d.Value {
		return d.Name
	}
	parts := make([]string, len(d.Params))
	for i, p := range d.Params {
		parts[i] = p.String()
	}
	return d.Name + "(" + strings.Join(parts, ", ") + ")"
}

// String renders the parameter as in a signature: `name`, `name=default`,
// `*name` or `**name`.
func (p ParamDoc) String() string {
	switch {
	case p.Variadic:
		return "*" + p.Name
	case p.Kwargs:
		return "**" + p.Name
	case p.Default != "":
		return p.Name + "=" + p.Default
	}
	return p.Name
}

// Module returns the module part of the name ("compute.jobs" for
// "compute.jobs.create"), "" for a top-level builtin such as fail.
func (d Doc) Module() string {
	i := strings.LastIndexByte(d.Name, '.')
	if i < 0 {
		return ""
	}
	return d.Name[:i]
}

// Member returns the last part of the name ("create").
func (d Doc) Member() string {
	return d.Name[strings.LastIndexByte(d.Name, '.')+1:]
}

// AcceptsKeyword reports whether a call may pass name= (a named parameter,
// or anything when the builtin takes **kwargs).
func (d Doc) AcceptsKeyword(name string) bool {
	for _, p := range d.Params {
		if p.Kwargs || (!p.Variadic && p.Name == name) {
			return true
		}
	}
	return false
}

// MaxPositional returns how many positional arguments a call may pass, or
// -1 for any number (*args).
func (d Doc) MaxPositional() int {
	n := 0
	for _, p := range d.Params {
		switch {
		case p.Variadic:
			return -1
		case p.Kwargs:
		default:
			n++
		}
	}
	return n
}

// ParamNames returns the names of the named parameters (neither *args nor
// **kwargs), in order.
func (d Doc) ParamNames() []string {
	var out []string
	for _, p := range d.Params {
		if !p.Variadic && !p.Kwargs {
			out = append(out, p.Name)
		}
	}
	return out
}

// Docs returns the documentation of every predeclared builtin and
// constant, sorted by name: the Docs of the registry, which also bind the
// builtins' arguments. Each call returns a fresh slice.
func Docs() []Doc { return slices.Clone(registryDocs()) }

// registryDocs is the documentation of the registry, sorted by name, built
// once: glrun check looks names up for every dotted name of every file, and
// the registry does not change while glrun runs. Callers must not modify it.
var registryDocs = sync.OnceValue(func() []Doc {
	reg := registry()
	all := make([]Doc, len(reg))
	for i, b := range reg {
		all[i] = b.Doc
	}
	return all
})

// LookupDoc returns the documentation of the builtin or constant name.
func LookupDoc(name string) (Doc, bool) {
	docs := registryDocs()
	i, ok := slices.BinarySearchFunc(docs, name, func(d Doc, n string) int { return strings.Compare(d.Name, n) })
	if !ok {
		return Doc{}, false
	}
	return docs[i], true
}

// Modules returns every module with its summary, sorted by name. The slice
// is the caller's own.
func Modules() []ModuleDoc { return slices.Clone(moduleDocs()) }

// moduleDocs is the sorted module list, built once: glrun check looks a
// module up for every dotted name in every runbook (see IsModule).
var moduleDocs = sync.OnceValue(func() []ModuleDoc {
	mods := []ModuleDoc{
		{"compute", "Compute Ops Management: jobs, async operations, servers, groups, firmware bundles, approvals, schedules."},
		{"compute.approvals", "Change control: approval policies, and the approval requests of the jobs they cover."},
		{"compute.approvals.policies", "Approval policies: which actions on which groups need whose approval."},
		{"compute.approvals.requests", "Approval requests: approve, decline or cancel a job waiting for approval."},
		{"compute.async_ops", "Asynchronous operations (group firmware updates and the like), with cursor pagination."},
		{"compute.firmware_bundles", "Firmware bundles (SPPs) a server or group can be updated to."},
		{"compute.groups", "Server groups, and their firmware compliance."},
		{"compute.jobs", "Jobs: create one from a template on a server or group, wait for it, read it."},
		{"compute.schedules", "Schedules: run a job later, or every interval, and read its run history."},
		{"compute.servers", "Servers: find the targets of a runbook."},
		{"identity", "GreenLake identity."},
		{"identity.users", "Workspace users: find, invite, update, delete."},
		{"json", "JSON encoding and decoding (go.starlark.net's json module)."},
		{"log", "Log lines on glrun's standard error (and in its JSON logs)."},
		{"odata", "OData filters: safe interpolation, builders, local evaluation."},
		{"parallel", "Run a function over items on several threads."},
		{"time", "Times and durations (go.starlark.net's time module, on glrun's clock)."},
		{"workspaces", "GreenLake workspaces."},
		{"workspaces.credentials", "API client credentials of the workspace."},
	}
	mods = append(mods, platformModules()...)
	sort.Slice(mods, func(i, j int) bool { return mods[i].Name < mods[j].Name })
	return mods
})

// Members returns the names directly below prefix ("" for the top level):
// module names and builtin names, sorted, without duplicates. Lint uses it
// for did-you-mean suggestions.
func Members(prefix string) []string {
	seen := map[string]bool{}
	add := func(full string) {
		rest := full
		if prefix != "" {
			if !strings.HasPrefix(full, prefix+".") {
				return
			}
			rest = full[len(prefix)+1:]
		}
		if i := strings.IndexByte(rest, '.'); i >= 0 {
			rest = rest[:i]
		}
		seen[rest] = true
	}
	for _, d := range registryDocs() {
		add(d.Name)
	}
	for _, m := range moduleDocs() {
		add(m.Name)
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// IsModule reports whether name is a module (compute, compute.jobs ...).
func IsModule(name string) bool {
	_, ok := slices.BinarySearchFunc(moduleDocs(), name, func(m ModuleDoc, n string) int { return strings.Compare(m.Name, n) })
	return ok
}
