package plan

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"glrun/clock"
	"glrun/glapi"
)

var storeEpoch = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// fakeAPI answers the reads a dry run lets through: two servers, on, with
// bundle b0, and empty lists of everything else. It fails the test on
// any change: a dry run never sends one.
type fakeAPI struct{ t *testing.T }

func (f fakeAPI) server(id string) map[string]any {
	return map[string]any{
		"id": id, "name": "srv-" + id,
		"hardware":          map[string]any{"powerState": glapi.PowerOn},
		"firmwareBundleUri": glapi.URI(glapi.CollectionFirmwareBundles, "b0"),
	}
}

func (f fakeAPI) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet {
		f.t.Errorf("a dry run sent %s %s", req.Method, req.URL.Path)
	}
	c, _ := glapi.CallOf(req)
	var v any
	switch {
	case c.Collection == glapi.CollectionServers && c.ID != "":
		v = f.server(c.ID)
	case c.Collection == glapi.CollectionServers:
		v = map[string]any{"items": []any{f.server("s1"), f.server("s2")}, "count": 2, "offset": 0, "total": 2}
	case c.ID != "":
		return jsonResponse(req, http.StatusNotFound, map[string]any{"message": "not found"}, nil), nil
	default:
		v = map[string]any{"items": []any{}, "count": 0, "offset": 0, "total": 0}
	}
	return jsonResponse(req, http.StatusOK, v, nil), nil
}

// dryRunner sends requests, described as glapi describes them, through a
// DryRun over fakeAPI.
type dryRunner struct {
	t  *testing.T
	dr *DryRun
}

func newDryRunner(t *testing.T) *dryRunner {
	return &dryRunner{t: t, dr: NewDryRun(clock.NewVirtual(storeEpoch))}
}

// do sends METHOD collection[/id[/action]] with body and query, and
// returns the status, the decoded answer and the Location header.
func (r *dryRunner) do(method, coll, id, action string, query url.Values, body any) (int, map[string]any, string) {
	r.t.Helper()
	call := glapi.Call{Collection: coll, ID: id, Action: action, Method: method,
		Mutates: method != http.MethodGet, Resource: coll[strings.LastIndexByte(coll, '/')+1:]}
	p := coll
	if id != "" {
		p += "/" + url.PathEscape(id)
	}
	if action != "" {
		p += "/" + action
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			r.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	u := "https://api.example.com" + p
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(glapi.WithCall(context.Background(), call), method, u, rd)
	if err != nil {
		r.t.Fatal(err)
	}
	resp, err := r.dr.RoundTrip(req, fakeAPI{r.t})
	if err != nil {
		r.t.Fatalf("%s %s: %v", method, p, err)
	}
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			r.t.Fatalf("%s %s: answer %q is not a JSON object: %v", method, p, b, err)
		}
	}
	return resp.StatusCode, out, resp.Header.Get("Location")
}

// serverState is what the test reads of a server: power and bundle.
type serverState struct{ Power, Bundle string }

func stateOf(o map[string]any) serverState {
	hw, _ := o["hardware"].(map[string]any)
	p, _ := hw["powerState"].(string)
	b, _ := o["firmwareBundleUri"].(string)
	return serverState{p, glapi.IDOf(b)}
}

// A planned job is answered with a planned id and PENDING; read back it is
// COMPLETE with SUCCESS, and reads of the servers it runs on (one by id
// and in lists) show the effect its template has.
func TestDryRunJobsFinishWithTheirEffect(t *testing.T) {
	tmpl := func(alias string) glapi.JobTemplate {
		t.Helper()
		tp, err := glapi.LookupTemplate(alias)
		if err != nil {
			t.Fatal(err)
		}
		return tp
	}
	unchanged := serverState{glapi.PowerOn, "b0"}
	cases := []struct {
		alias, resource string
		params          map[string]any
		want            map[string]serverState // by server id
	}{
		{"power_off", "s1", nil, map[string]serverState{"s1": {glapi.PowerOff, "b0"}, "s2": unchanged}},
		{"power_on", "s1", nil, map[string]serverState{"s1": unchanged}},
		{"restart", "s2", nil, map[string]serverState{"s1": unchanged, "s2": unchanged}},
		{"firmware_update", "s1", map[string]any{"bundle_id": "b1"},
			map[string]serverState{"s1": {glapi.PowerOn, "b1"}, "s2": unchanged}},
		{"firmware_update", "s1", map[string]any{"bundle_id": "b1", "power_off": true},
			map[string]serverState{"s1": {glapi.PowerOff, "b1"}}},
		{"group_firmware_update", "g1", map[string]any{"bundle_id": "b2", "devices": []any{"s2"}},
			map[string]serverState{"s1": unchanged, "s2": {glapi.PowerOn, "b2"}}},
		{"collect_server_inventory", "s1", nil, map[string]serverState{"s1": unchanged}},
	}
	for _, tc := range cases {
		t.Run(tc.alias, func(t *testing.T) {
			r := newDryRunner(t)
			tp := tmpl(tc.alias)
			body := glapi.JobCreate{JobTemplate: tp.ID, ResourceID: tc.resource, ResourceType: tp.ResourceType, JobParams: tc.params}
			status, job, loc := r.do(http.MethodPost, glapi.CollectionJobs, "", "", nil, body)
			if status != http.StatusCreated || job["id"] != "plan-job-0001" || job["state"] != glapi.JobPending ||
				loc != glapi.URI(glapi.CollectionJobs, "plan-job-0001") {
				t.Fatalf("creation answered %d %v (Location %q); want 201, plan-job-0001, PENDING", status, job, loc)
			}
			// Before the job is read, the servers are as they were.
			if _, srv, _ := r.do(http.MethodGet, glapi.CollectionServers, tc.resource, "", nil, nil); tc.resource[0] == 's' && stateOf(srv) != unchanged {
				t.Errorf("server read before the job finished: %+v, want it unchanged", stateOf(srv))
			}
			status, job, _ = r.do(http.MethodGet, glapi.CollectionJobs, "plan-job-0001", "", nil, nil)
			if status != http.StatusOK || job["state"] != glapi.JobComplete || job["resultCode"] != glapi.ResultSuccess ||
				job["progressPercent"] != 100.0 || job["name"] != tp.Name {
				t.Errorf("job read back: %d %v; want COMPLETE, SUCCESS, 100%%, named %q", status, job, tp.Name)
			}
			res, _ := job["resource"].(map[string]any)
			if res["id"] != tc.resource || res["type"] != tp.ResourceType {
				t.Errorf("job resource = %v", res)
			}
			for id, want := range tc.want {
				_, srv, _ := r.do(http.MethodGet, glapi.CollectionServers, id, "", nil, nil)
				if got := stateOf(srv); got != want {
					t.Errorf("server %s read by id: %+v, want %+v", id, got, want)
				}
			}
			_, page, _ := r.do(http.MethodGet, glapi.CollectionServers, "", "", nil, nil)
			items, _ := page["items"].([]any)
			for _, it := range items {
				o, _ := it.(map[string]any)
				id, _ := o["id"].(string)
				if want, ok := tc.want[id]; ok && stateOf(o) != want {
					t.Errorf("server %s in a list: %+v, want %+v", id, stateOf(o), want)
				}
			}
			if m := r.dr.Mutations(); len(m) != 1 || m[0].Action != ActionCreate || m[0].Creates != "plan-job-0001" ||
				m[0].Collection != glapi.CollectionJobs {
				t.Errorf("mutations = %+v", m)
			}
		})
	}
}

// A planned job set to a state by PATCH keeps it; read back it does not
// turn COMPLETE, and has no effect.
func TestDryRunPatchedJobKeepsItsState(t *testing.T) {
	r := newDryRunner(t)
	tp, _ := glapi.LookupTemplate("power_off")
	r.do(http.MethodPost, glapi.CollectionJobs, "", "", nil, glapi.JobCreate{JobTemplate: tp.ID, ResourceID: "s1", ResourceType: tp.ResourceType})
	_, job, _ := r.do(http.MethodPatch, glapi.CollectionJobs, "plan-job-0001", "", nil, map[string]any{"state": glapi.JobError})
	if job["state"] != glapi.JobError {
		t.Errorf("PATCH answered %v, want state ERROR", job)
	}
	if _, job, _ = r.do(http.MethodGet, glapi.CollectionJobs, "plan-job-0001", "", nil, nil); job["state"] != glapi.JobError {
		t.Errorf("read back: %v, want state ERROR", job)
	}
	if _, srv, _ := r.do(http.MethodGet, glapi.CollectionServers, "s1", "", nil, nil); stateOf(srv).Power != glapi.PowerOn {
		t.Errorf("a job set to ERROR powered the server off: %+v", stateOf(srv))
	}
	if m := r.dr.Mutations(); len(m) != 2 || m[1].Action != ActionUpdate || m[1].Description != "set job plan-job-0001 to ERROR" {
		t.Errorf("mutations = %+v", m)
	}
}

// A planned invitation creates a user that reads and lists (filtered)
// see; a planned delete hides it again.
func TestDryRunUsers(t *testing.T) {
	r := newDryRunner(t)
	status, ans, loc := r.do(http.MethodPost, glapi.CollectionUsers, "", "", nil,
		map[string]any{"email": "ana@example.com", "sendWelcomeEmail": false})
	if status != http.StatusCreated || ans["message"] == nil || loc != glapi.URI(glapi.CollectionUsers, "plan-user-0001") {
		t.Fatalf("invitation answered %d %v (Location %q)", status, ans, loc)
	}
	_, u, _ := r.do(http.MethodGet, glapi.CollectionUsers, "plan-user-0001", "", nil, nil)
	if diff := cmp.Diff(map[string]any{
		"id": "plan-user-0001", "type": "user", "username": "ana@example.com", "userStatus": "UNVERIFIED",
		"generation": 1.0, "createdAt": "2026-03-04T05:06:07.000Z", "updatedAt": "2026-03-04T05:06:07.000Z",
		"resourceUri": "/identity/v1/users/plan-user-0001",
	}, u); diff != "" {
		t.Errorf("planned user (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		filter string
		want   float64
	}{
		{"", 1},
		{"username eq 'ana@example.com'", 1},
		{"username eq 'bob@example.com'", 0},
	} {
		q := url.Values{}
		if tc.filter != "" {
			q.Set("filter", tc.filter)
		}
		if _, page, _ := r.do(http.MethodGet, glapi.CollectionUsers, "", "", q, nil); page["total"] != tc.want {
			t.Errorf("list with filter %q: total %v, want %v", tc.filter, page["total"], tc.want)
		}
	}
	if status, _, _ := r.do(http.MethodPut, glapi.CollectionUsers, "plan-user-0001", "", nil, map[string]any{"language": "de"}); status != http.StatusOK {
		t.Errorf("update answered %d", status)
	}
	if status, _, _ := r.do(http.MethodDelete, glapi.CollectionUsers, "plan-user-0001", "", nil, nil); status != http.StatusNoContent {
		t.Errorf("delete answered %d, want 204", status)
	}
	if status, _, _ := r.do(http.MethodGet, glapi.CollectionUsers, "plan-user-0001", "", nil, nil); status != http.StatusNotFound {
		t.Errorf("read after the planned delete answered %d, want 404", status)
	}
	if _, page, _ := r.do(http.MethodGet, glapi.CollectionUsers, "", "", nil, nil); page["total"] != 0.0 {
		t.Errorf("list after the planned delete: %v", page)
	}
	var actions []string
	for _, m := range r.dr.Mutations() {
		actions = append(actions, m.Action+" "+m.Description)
	}
	want := []string{
		"create invite user ana@example.com (no welcome email)",
		"update update the preferences of user ana@example.com (plan-user-0001): language=de",
		"delete delete user ana@example.com (plan-user-0001) from the workspace",
	}
	if diff := cmp.Diff(want, actions); diff != "" {
		t.Errorf("mutations (-want +got):\n%s", diff)
	}
}

// A planned credential is answered with a planned id and a redacted
// secret (also on reset); lists filtered by tenant see it; a planned
// delete hides it.
func TestDryRunCredentials(t *testing.T) {
	r := newDryRunner(t)
	status, cred, _ := r.do(http.MethodPost, glapi.CollectionCredentials, "", "", nil, map[string]any{
		"credentialName":   "ci",
		"associatedTenant": map[string]any{"resourceUri": "/workspaces/v1/workspaces/t1"},
	})
	if status != http.StatusCreated || cred["id"] != "plan-credential-0001" || cred["clientId"] != "plan-credential-0001" ||
		cred["credentialName"] != "ci" || cred["clientSecret"] != glapi.Redacted {
		t.Fatalf("creation answered %d %v", status, cred)
	}
	if _, ok := cred["associatedServiceManagerProvision"]; ok {
		t.Errorf("an association not asked for appears: %v", cred)
	}
	for _, tc := range []struct {
		filter string
		want   float64
	}{
		{"tenantId eq 't1'", 1},
		{"tenantId eq 't2'", 0},
	} {
		q := url.Values{"filter": {tc.filter}}
		if _, page, _ := r.do(http.MethodGet, glapi.CollectionCredentials, "", "", q, nil); page["total"] != tc.want {
			t.Errorf("list with filter %q: total %v, want %v", tc.filter, page["total"], tc.want)
		}
	}
	_, reset, _ := r.do(http.MethodPost, glapi.CollectionCredentials, "plan-credential-0001", "reset", nil, nil)
	if reset["id"] != "plan-credential-0001" || reset["clientSecret"] != glapi.Redacted {
		t.Errorf("reset answered %v", reset)
	}
	r.do(http.MethodDelete, glapi.CollectionCredentials, "plan-credential-0001", "", nil, nil)
	if _, page, _ := r.do(http.MethodGet, glapi.CollectionCredentials, "", "", nil, nil); page["total"] != 0.0 {
		t.Errorf("list after the planned delete: %v", page)
	}
	var got []string
	for _, m := range r.dr.Mutations() {
		got = append(got, m.Action+" "+m.Creates+" "+m.Description)
	}
	want := []string{
		"create plan-credential-0001 create API credential 'ci' for tenant t1",
		"update  reset the secret of API credential 'ci' (client id plan-credential-0001)",
		"delete  delete API credential 'ci' (client id plan-credential-0001)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mutations (-want +got):\n%s", diff)
	}
}
