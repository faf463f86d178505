package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"time"

	"glrun/glapi"
)

// obj is a JSON object: a record as answers and filters see it, or a
// free-form part of one (job parameters, tags, firmware bundles).
type obj = map[string]any

// render returns a record in the API's JSON shape, through its json tags.
func render(v any) obj {
	b, err := json.Marshal(v)
	if err != nil {
		panic("sim: rendering a record: " + err.Error()) // records hold JSON values only
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var o obj
	if err := d.Decode(&o); err != nil {
		panic("sim: rendering a record: " + err.Error())
	}
	return o
}

// ordered holds records by id, in the order they were added.
type ordered[T any] struct {
	m     map[string]T
	order []string
}

func newOrdered[T any]() *ordered[T] { return &ordered[T]{m: map[string]T{}} }

func (c *ordered[T]) add(id string, v T) {
	if _, ok := c.m[id]; !ok {
		c.order = append(c.order, id)
	}
	c.m[id] = v
}

func (c *ordered[T]) get(id string) (T, bool) {
	v, ok := c.m[id]
	return v, ok
}

func (c *ordered[T]) del(id string) bool {
	if _, ok := c.m[id]; !ok {
		return false
	}
	delete(c.m, id)
	for i, x := range c.order {
		if x == id {
			c.order = append(c.order[:i:i], c.order[i+1:]...)
			break
		}
	}
	return true
}

// list returns the records, oldest first.
func (c *ordered[T]) list() []T {
	out := make([]T, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, c.m[id])
	}
	return out
}

// views renders records in the API's JSON shape.
func views[T any](l []T) []obj {
	out := make([]obj, len(l))
	for i, r := range l {
		out[i] = render(r)
	}
	return out
}

// renderer is a record with a rendering of its own (a computed field,
// a nested shape) rather than its json tags alone.
type renderer interface{ render() obj }

// rendered returns records that render themselves, in order.
func rendered[T renderer](l []T) []obj {
	out := make([]obj, len(l))
	for i, r := range l {
		out[i] = r.render()
	}
	return out
}

// state is everything the simulator knows. It is guarded by Sim.mu.
type state struct {
	rng *rand.Rand

	servers  *ordered[*server]
	groups   *ordered[*group]
	bundles  *ordered[obj]
	users    *ordered[*user]
	asyncOps *ordered[*asyncOp]
	jobs     map[string]*job
	jobOrder []*job // oldest first
	// activeJobs are the jobs not yet done (and some just done), the only
	// ones advance looks at.
	activeJobs []*job
	// jobsVersion counts the changes of jobs: a cached filtered list of
	// jobs is good while it stays the same.
	jobsVersion uint64
	// jobFilter is the last filtered list of jobs (a listing reads it a
	// page at a time).
	jobFilter jobFilterCache
	// templates holds one copy of each job template the jobs point to, by
	// id and alias.
	templates map[string]*glapi.JobTemplate
	creds     *ordered[*credential]

	// bundleOrder lists bundle ids oldest first; the last is the newest.
	bundleOrder []string
	// bundleVersions holds each bundle's component versions.
	bundleVersions map[string]componentVersions
	// groupBaseline is each group's firmware baseline bundle id.
	groupBaseline map[string]string
	// groupMembers lists each group's server ids.
	groupMembers map[string][]string
	// compliance holds each group's device compliance records.
	compliance map[string][]obj
	// secrets holds each credential's client secret, by credential id.
	secrets map[string]string
	// failNext counts the jobs to fail next, by template id.
	failNext map[string]int
	// jobFailures are the targeted failures of FailJob still to happen.
	jobFailures []*jobFailureRule
	// serverSeq numbers servers added after the demo fleet.
	serverSeq int
	// plat holds the platform APIs' records (devices, subscriptions...).
	plat *platform
	// cc is the change control (approvals, schedules); see Sim.cc.
	cc *changeControl
}

// template returns the state's shared copy of t.
func (st *state) template(t glapi.JobTemplate) *glapi.JobTemplate {
	key := t.ID + "\x00" + t.Alias
	if p, ok := st.templates[key]; ok {
		return p
	}
	if st.templates == nil {
		st.templates = make(map[string]*glapi.JobTemplate)
	}
	st.templates[key] = &t
	return &t
}

// uuid returns a random (seeded) version 4 UUID.
func (st *state) uuid() string { return uuidFrom(st.rng) }

// uuidFrom returns a version 4 UUID drawn from rng.
func uuidFrom(rng *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.Intn(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// hex32 returns 32 random (seeded) hex digits, the shape of GreenLake
// client secrets and firmware bundle ids.
func (st *state) hex32() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(st.rng.Intn(256))
	}
	return fmt.Sprintf("%x", b[:])
}

// ts formats t the way the COM and identity APIs do.
func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// credTS formats t the way the workspaces credentials API does.
func credTS(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000000") }

// deepCopy copies a JSON-shaped value.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	case []obj:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	default:
		return v
	}
}

func copyObj(o obj) obj { return deepCopy(o).(map[string]any) }

// toObject returns o as a client would decode it: a glapi.Object with
// numbers as json.Number.
func toObject(o obj) glapi.Object {
	b, err := json.Marshal(o)
	if err != nil {
		return glapi.Object(copyObj(o))
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out glapi.Object
	if err := d.Decode(&out); err != nil {
		return glapi.Object(copyObj(o))
	}
	return out
}

// len returns the number of records.
func (c *ordered[T]) len() int { return len(c.order) }
