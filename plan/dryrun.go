package plan

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/internal/httpbody"
)

// DryRun is the glapi.Mode of 'glrun plan' and 'run --dry-run': reads are
// sent; mutations are not. Each mutation is recorded, described, and
// answered with a plausible synthesized response (a created job gets a
// planned id such as plan-job-0001 and reads back COMPLETE; an invited user
// and a created credential get planned ids too; a credential's secret is
// always redacted). Later reads see the synthesized objects: a GET of a
// planned id answers from the plan, lists get the planned objects their
// filter matches, deleted objects are hidden, and servers read after a
// planned job finished show its predicted effect (power state, firmware
// bundle). It is safe for concurrent use.
type DryRun struct {
	clock clock.Clock
	seen  *catalog

	mu        sync.Mutex
	store     *store
	mutations []Mutation
	batches   map[*glapi.Batch]int // parallel.map calls, numbered from 1
}

// NewDryRun returns a dry-run mode; clk stamps synthesized objects (nil:
// the wall clock).
func NewDryRun(clk clock.Clock) *DryRun {
	if clk == nil {
		clk = clock.Real{}
	}
	return &DryRun{clock: clk, seen: newCatalog(), store: newStore(), batches: map[*glapi.Batch]int{}}
}

// Mutations returns the mutations recorded so far, in order.
func (d *DryRun) Mutations() []Mutation {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Mutation(nil), d.mutations...)
}

// RoundTrip sends reads (adjusting their answers to what the plan has
// changed so far) and records and answers mutations without sending them.
func (d *DryRun) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	c := callOf(req)
	if !c.Mutates {
		return d.read(req, c, next)
	}
	r, err := requestOf(req)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	names := &recordingNamer{from: d.seen}
	text := deriveText(r, names)
	m := Mutation{
		Seq:         len(d.mutations) + 1,
		Action:      text.Action,
		Method:      r.Method,
		Path:        r.Path,
		Query:       r.Query,
		Body:        r.Body,
		Description: text.Description,
		Collection:  text.Collection,
		Pending:     text.Pending,
		Names:       names.used,
		Batch:       d.batchOf(req),
	}
	if c.DryRunnable {
		v, refusal, err := checkWithPlatform(req, r, next)
		if err != nil {
			return nil, err
		}
		m.Verdict = v
		if refusal != nil {
			// The API refused it: the client fails with its message, and
			// the plan with it; nothing is synthesized.
			d.mutations = append(d.mutations, m)
			return refusal, nil
		}
	}
	if resp, created, made, ok := d.synthesizePlatform(req, c, r, d.clock.Now()); ok {
		m.Creates, m.Makes = created, made
		d.mutations = append(d.mutations, m)
		return resp, nil
	}
	resp, created := d.synthesize(req, c, r, next)
	m.Creates = created
	d.mutations = append(d.mutations, m)
	return resp, nil
}

// batchOf numbers the parallel.map call req was made in (0: none), in the
// order their first changes came. Callers hold d.mu.
func (d *DryRun) batchOf(req *http.Request) int {
	b, ok := glapi.BatchOf(req.Context())
	if !ok {
		return 0
	}
	n, ok := d.batches[b]
	if !ok {
		n = len(d.batches) + 1
		d.batches[b] = n
	}
	return n
}

// read answers a read (c describes it): from the plan for planned or
// deleted objects, else from the API with the plan's changes applied to
// the answer.
func (d *DryRun) read(req *http.Request, c glapi.Call, next http.RoundTripper) (*http.Response, error) {
	now := d.clock.Now()
	if c.ID != "" && c.Action == "" {
		d.mu.Lock()
		o, planned := d.store.read(c.ID, now)
		deleted := d.store.deleted[c.ID]
		d.mu.Unlock()
		switch {
		case planned:
			return jsonResponse(req, http.StatusOK, o, nil), nil
		case deleted:
			return jsonResponse(req, http.StatusNotFound, map[string]any{
				"httpStatusCode": http.StatusNotFound,
				"message":        c.ID + " was deleted by an earlier change of this plan",
			}, nil), nil
		}
	}
	resp, err := next.RoundTrip(req)
	if err != nil || resp.StatusCode < 200 || resp.StatusCode > 299 || req.Method != http.MethodGet {
		return resp, err
	}
	b, err := httpbody.Response(resp)
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the answer: %w", req.Method, req.URL.Path, err)
	}
	v, err := decode(b)
	if err != nil {
		return resp, nil // not JSON: leave it to the client to complain
	}
	page, ok := v.(map[string]any)
	if !ok {
		return resp, nil
	}
	d.mu.Lock()
	if c.Collection == glapi.CollectionServiceManagers {
		d.store.plat.observeManagers(page)
	}
	switch {
	case c.ID == "":
		d.store.adjustList(c.Collection, req.URL.Query().Get("filter"), page, now)
	case c.Action == "":
		d.store.overlay(c.Collection, page)
	}
	d.mu.Unlock()
	d.seen.observe(page)
	if res, ok := page["Resources"].([]any); ok && c.Collection == glapi.CollectionSCIMGroups && c.ID == "" {
		// A SCIM list of groups (its members' lists hold users under the
		// same ids as identity's, but without their username: not kept).
		d.seen.observe(map[string]any{"items": res})
	}
	out, err := json.Marshal(page)
	if err != nil {
		return nil, fmt.Errorf("%s %s: re-encoding the answer: %w", req.Method, req.URL.Path, err)
	}
	replaceBody(resp, out)
	return resp, nil
}

// synthesize answers a mutation (c describes it, r is its request) as the
// API would, storing what it creates. It returns the answer and the
// planned id it introduced. Callers hold d.mu.
func (d *DryRun) synthesize(req *http.Request, c glapi.Call, r Request, next http.RoundTripper) (*http.Response, string) {
	body, _ := r.Body.(map[string]any)
	now := d.clock.Now()
	if o, ok := changeControlAnswer(c, body, d.store, d.seen, now); ok {
		return jsonResponse(req, http.StatusOK, o, nil), ""
	}
	switch {
	case c.Method == http.MethodDelete:
		d.store.remove(c.ID)
		return jsonResponse(req, http.StatusNoContent, nil, nil), ""
	case c.IsJobCreation():
		var jc glapi.JobCreate
		_ = decodeInto(r.Body, &jc) // the redacted body: a planned job never holds a secret
		j := d.store.newJob(jc, now)
		o := toMap(j)
		d.seen.observe(o)
		return jsonResponse(req, http.StatusCreated, o, http.Header{"Location": {j.ResourceURI}}), j.ID
	case c.Collection == glapi.CollectionJobs && c.Method == http.MethodPatch && c.ID != "":
		return jsonResponse(req, http.StatusOK, d.patchJob(req, c.ID, body, next, now), nil), ""
	case c.Collection == glapi.CollectionUsers && c.Method == http.MethodPost && c.ID == "":
		email, _ := body["email"].(string)
		u := d.store.newUser(email, now)
		d.seen.observe(toMap(u))
		return jsonResponse(req, http.StatusCreated, map[string]any{"message": "User invited successfully"},
			http.Header{"Location": {u.ResourceURI}}), u.ID
	case c.Collection == glapi.CollectionUsers && c.Method == http.MethodPut:
		return jsonResponse(req, http.StatusOK, map[string]any{"message": "User preferences updated successfully"}, nil), ""
	case c.Collection == glapi.CollectionCredentials && c.Method == http.MethodPost && c.ID == "":
		cred := d.store.newCredential(body, now)
		o := toMap(cred)
		d.seen.observe(o)
		return jsonResponse(req, http.StatusCreated, withSecret(o), nil), cred.ID
	case c.Collection == glapi.CollectionCredentials && c.Action == "reset":
		o, ok := d.store.read(c.ID, now)
		if !ok {
			o, ok = d.seen.get(c.ID)
		}
		if !ok {
			o = map[string]any{"id": c.ID, "clientId": c.ID}
		}
		return jsonResponse(req, http.StatusOK, withSecret(o), nil), ""
	case c.Method == http.MethodPost && c.ID == "":
		o := d.store.newObject(c, body, now)
		id, _ := o["id"].(string)
		return jsonResponse(req, http.StatusCreated, o, nil), id
	}
	return jsonResponse(req, http.StatusOK, map[string]any{}, nil), ""
}

// patchJob answers PATCH /jobs/{id}: a planned job changes in the plan; a
// real one is read (reads are sent) and shown with the new state.
func (d *DryRun) patchJob(req *http.Request, id string, body map[string]any, next http.RoundTripper, now time.Time) map[string]any {
	state, _ := body["state"].(string)
	if o, ok := d.store.setJobState(id, state, now); ok {
		return o
	}
	o := map[string]any{"id": id}
	if got, err := getJSON(req.Context(), req, next); err == nil {
		o = got
	}
	if state != "" {
		o["state"] = state
	}
	return o
}

// getJSON sends a GET of req's URL (with its headers) and decodes the answer.
func getJSON(ctx context.Context, req *http.Request, next http.RoundTripper) (map[string]any, error) {
	get, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL.String(), nil)
	if err != nil {
		return nil, err
	}
	for k, vs := range req.Header {
		if !strings.EqualFold(k, "Content-Type") {
			get.Header[k] = vs
		}
	}
	resp, err := next.RoundTrip(get)
	if err != nil {
		return nil, err
	}
	b, err := httpbody.Response(resp)
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d", req.URL.Path, resp.StatusCode)
	}
	v, err := decode(b)
	o, ok := v.(map[string]any)
	if err != nil || !ok {
		return nil, fmt.Errorf("GET %s: not a JSON object", req.URL.Path)
	}
	return o, nil
}

// withSecret returns a credential answer with its clientSecret: always the
// redacted value, never anything that looks like a real secret.
func withSecret(o map[string]any) map[string]any {
	out := make(map[string]any, len(o)+1)
	for k, v := range o {
		out[k] = v
	}
	out["clientSecret"] = glapi.Redacted
	return out
}
