package builtins

import (
	"sync"

	"go.starlark.net/starlark"

	"glrun/glapi"
)

// resourceNames remembers the names of the servers and groups a run has
// seen (listed, fetched, or given to compute.jobs.create as records), so
// that job labels in logs, progress bars and errors say "prod-web-01"
// rather than an id. Its methods may be called from several goroutines.
type resourceNames struct {
	mu    sync.Mutex
	names map[string]string // resource id -> name
}

// note remembers the name of obj when it is a server or a group.
func (n *resourceNames) note(obj glapi.Object) {
	if n == nil || !namedType(obj.String("type")) {
		return
	}
	n.set(obj.ID(), obj.String("name"))
}

// noteValue remembers the name of v when it is a server or group record.
func (n *resourceNames) noteValue(v starlark.Value) {
	r, ok := v.(*Record)
	if n == nil || !ok {
		return
	}
	typ, _ := r.Field("type")
	id, _ := r.Field("id")
	name, _ := r.Field("name")
	t, _ := typ.(starlark.String)
	i, _ := id.(starlark.String)
	nm, _ := name.(starlark.String)
	if namedType(string(t)) {
		n.set(string(i), string(nm))
	}
}

func (n *resourceNames) set(id, name string) {
	if id == "" || name == "" {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.names == nil {
		n.names = map[string]string{}
	}
	n.names[id] = name
}

// name returns the name of the resource id, or "" when none was seen.
func (n *resourceNames) name(id string) string {
	if n == nil {
		return ""
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.names[id]
}

// namedType reports whether records of type typ name a job's resource.
func namedType(typ string) bool {
	switch normalizeResourceType(typ) {
	case glapi.ResourceServer, glapi.ResourceGroup:
		return true
	}
	return false
}

// resourceNamesOf returns env's names of resources, nil without an env.
func resourceNamesOf(env *Env) *resourceNames {
	if env == nil {
		return nil
	}
	env.namesOnce.Do(func() { env.names = &resourceNames{} })
	return env.names
}
