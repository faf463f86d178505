package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"glrun/glapi"
	"glrun/glapi/odata"
)

// store holds what a dry run has "created": synthesized objects by planned
// id, what it deleted, and the predicted effects of planned jobs on
// servers. Callers serialize access.
type store struct {
	objs    map[string]*entry
	order   []string // planned ids, oldest first
	counter map[string]int
	deleted map[string]bool
	// effects are the changes finished planned jobs made to servers, by
	// server id, in order.
	effects map[string][]serverChange
	// plat holds the plan's changes to devices (see platform.go).
	plat *platformState
}

// entry is one synthesized object of a collection: a *plannedJob,
// *plannedUser or *plannedCredential, or the body of any other creation
// (map[string]any) with its id.
type entry struct {
	coll string
	rec  any
}

// plannedJob is a job a dry run created, as GET /jobs/{id} shows it.
type plannedJob struct {
	ID              string         `json:"id"`
	Type            string         `json:"type"`
	ResourceURI     string         `json:"resourceUri"`
	Name            string         `json:"name"`
	Generation      int            `json:"generation"`
	CreatedAt       string         `json:"createdAt"`
	UpdatedAt       string         `json:"updatedAt"`
	JobTemplate     string         `json:"jobTemplate"`
	Resource        jobResource    `json:"resource"`
	JobParams       map[string]any `json:"jobParams"`
	Results         map[string]any `json:"results"`
	State           string         `json:"state"`
	ResultCode      *string        `json:"resultCode"`
	Status          string         `json:"status"`
	StatusDetails   any            `json:"statusDetails"`
	ProgressPercent int            `json:"progressPercent"`

	// read: whether it has been read since it was created (it is then
	// finished, and its effect shows).
	read bool
}

// jobResource is the resource a job runs on.
type jobResource struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// plannedUser is the user an invitation creates.
type plannedUser struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	Username    string `json:"username"`
	UserStatus  string `json:"userStatus"`
	Generation  int    `json:"generation"`
	CreatedAt   string `json:"createdAt"`
	UpdatedAt   string `json:"updatedAt"`
	ResourceURI string `json:"resourceUri"`
}

// plannedCredential is a created credential, without its secret.
type plannedCredential struct {
	ID                                string `json:"id"`
	ClientID                          string `json:"clientId"`
	CredentialName                    string `json:"credentialName"`
	Type                              string `json:"type"`
	Generation                        int    `json:"generation"`
	CreatedAt                         string `json:"createdAt"`
	UpdatedAt                         string `json:"updatedAt"`
	AssociatedTenant                  any    `json:"associatedTenant,omitempty"`
	AssociatedServiceManagerProvision any    `json:"associatedServiceManagerProvision,omitempty"`
}

// serverChange is the predicted change of a finished planned job to one
// server: its power state, its firmware bundle ("" unchanged).
type serverChange struct {
	power  string
	bundle string
}

// Statuses of planned jobs.
const (
	statusPlannedPending  = "Pending (planned: this job is created when the plan is applied)"
	statusPlannedComplete = "Complete (planned: the outcome is known only when the plan is applied)"
)

func newStore() *store {
	return &store{
		objs:    map[string]*entry{},
		counter: map[string]int{},
		deleted: map[string]bool{},
		effects: map[string][]serverChange{},
		plat:    newPlatformState(),
	}
}

// newID returns the next planned id of a kind: plan-job-0001 ...
func (s *store) newID(kind string) string {
	s.counter[kind]++
	return fmt.Sprintf("plan-%s-%04d", kind, s.counter[kind])
}

// add stores a synthesized object.
func (s *store) add(id, coll string, rec any) {
	s.objs[id] = &entry{coll: coll, rec: rec}
	s.order = append(s.order, id)
}

// stamp formats t as the APIs do.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// newJob synthesizes the answer to a job creation: a PENDING job.
func (s *store) newJob(req glapi.JobCreate, now time.Time) *plannedJob {
	id := s.newID("job")
	name := req.JobTemplate
	if t, ok := glapi.TemplateByID(req.JobTemplate); ok {
		name = t.Name
	}
	params := copyMap(req.JobParams)
	if params == nil {
		params = map[string]any{}
	}
	j := &plannedJob{
		ID:          id,
		Type:        "compute-ops-mgmt/job",
		ResourceURI: glapi.URI(glapi.CollectionJobs, id),
		Name:        name,
		Generation:  1,
		CreatedAt:   stamp(now),
		UpdatedAt:   stamp(now),
		JobTemplate: req.JobTemplate,
		Resource:    jobResource{ID: req.ResourceID, Type: req.ResourceType},
		JobParams:   params,
		Results:     map[string]any{},
		State:       glapi.JobPending,
		Status:      statusPlannedPending,
	}
	s.add(id, glapi.CollectionJobs, j)
	return j
}

// newUser synthesizes the user an invitation of email creates.
func (s *store) newUser(email string, now time.Time) *plannedUser {
	id := s.newID("user")
	u := &plannedUser{
		ID:          id,
		Type:        "user",
		Username:    email,
		UserStatus:  "UNVERIFIED",
		Generation:  1,
		CreatedAt:   stamp(now),
		UpdatedAt:   stamp(now),
		ResourceURI: glapi.URI(glapi.CollectionUsers, id),
	}
	s.add(id, glapi.CollectionUsers, u)
	return u
}

// newCredential synthesizes a created credential (without its secret).
func (s *store) newCredential(body map[string]any, now time.Time) *plannedCredential {
	id := s.newID("credential")
	name, _ := body["credentialName"].(string)
	c := &plannedCredential{
		ID:                                id,
		ClientID:                          id,
		CredentialName:                    name,
		Type:                              "credentials",
		Generation:                        1,
		CreatedAt:                         stamp(now),
		UpdatedAt:                         stamp(now),
		AssociatedTenant:                  body["associatedTenant"],
		AssociatedServiceManagerProvision: body["associatedServiceManagerProvision"],
	}
	s.add(id, glapi.CollectionCredentials, c)
	return c
}

// newObject synthesizes any other created object of a collection: the body
// with an id.
func (s *store) newObject(c glapi.Call, body map[string]any, now time.Time) map[string]any {
	o := copyMap(body)
	if o == nil {
		o = map[string]any{}
	}
	id := s.newID(strings.ToLower(strings.TrimSuffix(c.Resource, "s")))
	o["id"] = id
	o["createdAt"] = stamp(now)
	glapi.CompleteCreated(c.Collection, o)
	s.add(id, c.Collection, o)
	return copyMap(o)
}

// read returns a planned object as a read shows it now: a job read after
// its creation has finished (COMPLETE, SUCCESS), and its effect shows.
func (s *store) read(id string, now time.Time) (map[string]any, bool) {
	e, ok := s.objs[id]
	if !ok {
		return nil, false
	}
	if j, ok := e.rec.(*plannedJob); ok && !j.read {
		j.read = true
		if !glapi.JobFinished(j.State) {
			s.finish(j, now)
		}
	}
	o := toMap(e.rec)
	s.overlay(e.coll, o)
	return o, true
}

// finish makes a planned job end well at now and records its effect.
func (s *store) finish(j *plannedJob, now time.Time) {
	success := glapi.ResultSuccess
	j.State = glapi.JobComplete
	j.ResultCode = &success
	j.Status = statusPlannedComplete
	j.ProgressPercent = 100
	j.UpdatedAt = stamp(now)
	s.addEffects(j)
}

// setJobState applies PATCH {"state": ...} to a planned job.
func (s *store) setJobState(id, state string, now time.Time) (map[string]any, bool) {
	e, ok := s.objs[id]
	if !ok {
		return nil, false
	}
	j, ok := e.rec.(*plannedJob)
	if !ok {
		return nil, false
	}
	if state != "" {
		j.read = true
		j.State = state
		j.UpdatedAt = stamp(now)
	}
	return toMap(j), true
}

// remove records a deletion.
func (s *store) remove(id string) {
	if id == "" {
		return
	}
	s.deleted[id] = true
	if _, ok := s.objs[id]; ok {
		delete(s.objs, id)
		for i, o := range s.order {
			if o == id {
				s.order = append(s.order[:i], s.order[i+1:]...)
				break
			}
		}
	}
}

// addEffects records the predicted effect of a finished job on servers,
// as its template's glapi.Effect says: the power state after it and the
// firmware bundle it installs. A group job's effect is predicted for the
// servers its jobParams devices name (the plan does not know the members
// of a group otherwise); an iLO update and a compliance calculation change
// nothing the plan can predict.
func (s *store) addEffects(j *plannedJob) {
	eff := glapi.EffectOf(j.JobTemplate)
	ch := serverChange{power: eff.PowerAfter(j.JobParams), bundle: eff.Bundle(j.JobParams)}
	if ch == (serverChange{}) {
		return
	}
	servers := []string{j.Resource.ID}
	if eff.EachServer {
		servers = glapi.Devices(j.JobParams)
	}
	for _, sid := range servers {
		s.effects[sid] = append(s.effects[sid], ch)
	}
}

// overlay applies the predicted effects to a server read from the API.
func (s *store) overlay(coll string, o map[string]any) {
	if coll == glapi.CollectionDevices {
		s.plat.overlayDevice(o)
		return
	}
	if coll != glapi.CollectionServers {
		return
	}
	id, _ := o["id"].(string)
	for _, ch := range s.effects[id] {
		if ch.power != "" {
			if hw, ok := o["hardware"].(map[string]any); ok {
				hw["powerState"] = ch.power
			}
		}
		if ch.bundle != "" {
			o["firmwareBundleUri"] = glapi.URI(glapi.CollectionFirmwareBundles, ch.bundle)
		}
	}
}

// adjustList changes one page of a list answer as the plan would have
// changed the list: the predicted effects on servers, deleted objects
// hidden (when the page is the whole list), and the planned objects of
// the collection that the filter matches added on the last page (the
// total counts them on every page, so paging stays consistent).
func (s *store) adjustList(coll, filter string, page map[string]any, now time.Time) {
	items, ok := page["items"].([]any)
	if !ok {
		return
	}
	for _, it := range items {
		if o, ok := it.(map[string]any); ok {
			s.overlay(coll, o)
		}
	}
	total, hasTotal := number(page["total"])
	offset, _ := number(page["offset"])
	next, _ := page["next"].(string)
	last := next == "" && (!hasTotal || offset+len(items) >= total)
	if last && offset == 0 {
		kept := items[:0]
		for _, it := range items {
			if o, ok := it.(map[string]any); ok && s.deleted[fmt.Sprint(o["id"])] {
				total--
				continue
			}
			kept = append(kept, it)
		}
		items = kept
	}
	var expr odata.Expr
	if strings.TrimSpace(filter) != "" {
		e, err := odata.Parse(filter)
		if err != nil {
			return
		}
		expr = e
	}
	var add []any
	for _, id := range s.order {
		if s.objs[id].coll != coll {
			continue
		}
		o, _ := s.read(id, now)
		if expr != nil && !odata.Eval(expr, filterView(coll, o)) {
			continue
		}
		add = append(add, o)
	}
	total += len(add)
	if last {
		items = append(items, add...)
	}
	page["items"] = items
	if _, ok := page["count"]; ok {
		page["count"] = len(items)
	}
	if hasTotal {
		page["total"] = total
	}
}

// filterView is an object as a list filter sees it (a credential's
// tenantId comes from its associated tenant, as in the API).
func filterView(coll string, o map[string]any) map[string]any {
	if coll != glapi.CollectionCredentials {
		return o
	}
	v := copyMap(o)
	if t, ok := o["associatedTenant"].(map[string]any); ok {
		uri, _ := t["resourceUri"].(string)
		v["tenantId"] = glapi.IDOf(uri)
	}
	return v
}

// number reads a JSON number.
func number(v any) (int, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	case float64:
		return int(n), true
	case int:
		return n, true
	}
	return 0, false
}

// toMap renders a record as the JSON object an answer carries (numbers as
// json.Number, as decoded answers hold them).
func toMap(rec any) map[string]any {
	if m, ok := rec.(map[string]any); ok {
		return copyMap(m)
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return map[string]any{}
	}
	v, err := decode(b)
	m, ok := v.(map[string]any)
	if err != nil || !ok {
		return map[string]any{}
	}
	return m
}

// decodeInto decodes a JSON value (such as a request body) into out.
func decodeInto(v any, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(out)
}

// copyMap deep-copies a JSON object.
func copyMap(o map[string]any) map[string]any {
	if o == nil {
		return nil
	}
	return deepCopy(o).(map[string]any)
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = deepCopy(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = deepCopy(x)
		}
		return out
	}
	return v
}
