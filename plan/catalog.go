package plan

import (
	"sync"
)

// catalog remembers the objects read answers carried, by id, so that
// changes can be described by name ("server prod-web-03") rather than by
// id only.
type catalog struct {
	mu   sync.Mutex
	objs map[string]map[string]any
}

func newCatalog() *catalog { return &catalog{objs: map[string]map[string]any{}} }

// observe records the object, or the items of the list page, in v.
func (c *catalog) observe(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if items, ok := m["items"].([]any); ok {
		for _, it := range items {
			c.add(it)
		}
		return
	}
	c.add(m)
}

// add records one object. Callers hold c.mu.
func (c *catalog) add(v any) {
	o, ok := v.(map[string]any)
	if !ok {
		return
	}
	if id, ok := o["id"].(string); ok && id != "" {
		c.objs[id] = o
	}
}

// get returns the object with that id, if one was seen.
func (c *catalog) get(id string) (map[string]any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.objs[id]
	return o, ok
}

// str returns the string field key of the object with that id, or "".
func (c *catalog) str(id, key string) string {
	o, ok := c.get(id)
	if !ok {
		return ""
	}
	s, _ := o[key].(string)
	return s
}
