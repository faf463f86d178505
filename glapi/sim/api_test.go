package sim

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestTokenEndpoint(t *testing.T) {
	h := newHarness(t, Options{})
	cases := []struct {
		name   string
		form   url.Values
		basic  [2]string
		status int
		errStr string
	}{
		{"form body", url.Values{"grant_type": {"client_credentials"}, "client_id": {DemoClientID}, "client_secret": {DemoClientSecret}}, [2]string{}, 200, ""},
		{"basic auth", url.Values{"grant_type": {"client_credentials"}}, [2]string{DemoClientID, DemoClientSecret}, 200, ""},
		{"wrong secret", url.Values{"grant_type": {"client_credentials"}, "client_id": {DemoClientID}, "client_secret": {"nope"}}, [2]string{}, 401, "invalid_client"},
		{"no credentials", url.Values{"grant_type": {"client_credentials"}}, [2]string{}, 401, "invalid_client"},
		{"wrong grant", url.Values{"grant_type": {"password"}, "client_id": {DemoClientID}, "client_secret": {DemoClientSecret}}, [2]string{}, 400, "unsupported_grant_type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", h.srv.URL+tokenPath, strings.NewReader(c.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if c.basic[0] != "" {
				req.SetBasicAuth(c.basic[0], c.basic[1])
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, c.status)
			}
			var body map[string]any
			decodeJSON(t, resp, &body)
			if c.status == 200 {
				if body["token_type"] != "Bearer" || body["access_token"] == "" || body["expires_in"] != float64(7200) {
					t.Errorf("token answer %v", body)
				}
			} else if body["error"] != c.errStr {
				t.Errorf("error %v, want %s", body["error"], c.errStr)
			}
		})
	}
}

func TestBearerRequired(t *testing.T) {
	h := newHarness(t, Options{TokenTTL: time.Hour})
	cases := []struct{ name, auth, path string }{
		{"missing", "", "/compute-ops-mgmt/v1/servers"},
		{"unknown", "Bearer 0123456789abcdef", "/identity/v1/users"},
		{"not bearer", "Basic Zm9vOmJhcg==", "/workspaces/v1/credentials"},
	}
	for _, c := range cases {
		req, _ := http.NewRequest("GET", h.srv.URL+c.path, nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		decodeJSON(t, resp, &body)
		resp.Body.Close()
		checkError(t, c.name, result{resp.StatusCode, resp.Header, body}, 401)
	}
	h.get("/compute-ops-mgmt/v1/servers", 200)
	h.clk.Advance(time.Hour)
	checkError(t, "expired", h.do("GET", "/compute-ops-mgmt/v1/servers", nil), 401)
}

func TestListEndpointsAndEnvelopes(t *testing.T) {
	h := newHarness(t, Options{})
	cases := []struct {
		path  string
		total int
		keys  []string
	}{
		{"/compute-ops-mgmt/v1/servers", 40, []string{"offset", "count", "total", "items"}},
		{"/compute-ops-mgmt/v1/groups", 3, []string{"offset", "count", "total", "items"}},
		{"/compute-ops-mgmt/v1/firmware-bundles?limit=100", 4, []string{"offset", "count", "total", "items"}},
		{"/compute-ops-mgmt/v1/jobs", 17, []string{"offset", "count", "total", "items"}},
		// One page holds all 12: the last page has no next (TestAnswersFitTheSpecs).
		{"/compute-ops-mgmt/v1/async-operations", 12, []string{"count", "total", "items"}},
		{"/identity/v1/users", 10, []string{"offset", "count", "total", "items"}},
		{"/workspaces/v1/credentials", 3, []string{"count", "items"}},
	}
	for _, c := range cases {
		r := h.get(c.path, 200)
		for _, k := range c.keys {
			if _, ok := r.body[k]; !ok {
				t.Errorf("%s: envelope lacks %s", c.path, k)
			}
		}
		if got := len(r.items()); got != c.total {
			t.Errorf("%s: %d items, want %d", c.path, got, c.total)
		}
		if tot, ok := r.body["total"]; ok && tot != float64(c.total) {
			t.Errorf("%s: total %v, want %d", c.path, tot, c.total)
		}
	}
	// firmware-bundles defaults to 10 a page; the others to their max.
	if r := h.get("/compute-ops-mgmt/v1/firmware-bundles", 200); r.body["count"] != float64(4) {
		t.Errorf("bundles: count %v", r.body["count"])
	}
	for _, c := range h.get("/workspaces/v1/credentials", 200).items() {
		if _, ok := c.(map[string]any)["clientSecret"]; ok {
			t.Errorf("credential list shows a clientSecret: %v", c)
		}
	}
}

func TestGetOne(t *testing.T) {
	h := newHarness(t, Options{})
	job := h.get("/compute-ops-mgmt/v1/jobs", 200).items()[0].(map[string]any)["id"].(string)
	op := h.get("/compute-ops-mgmt/v1/async-operations", 200).items()[0].(map[string]any)["id"].(string)
	user := h.get("/identity/v1/users", 200).items()[0].(map[string]any)["id"].(string)
	gid := h.groupID("prod-web")
	cases := []struct{ path, wantID string }{
		{"/compute-ops-mgmt/v1/jobs/" + job, job},
		{"/compute-ops-mgmt/v1/async-operations/" + op, op},
		{"/compute-ops-mgmt/v1/servers/" + pathID(h.serverID("prod-web-01")), h.serverID("prod-web-01")},
		{"/compute-ops-mgmt/v1/groups/" + gid, gid},
		{"/compute-ops-mgmt/v1/firmware-bundles/" + h.sim.NewestBundleID(), h.sim.NewestBundleID()},
		{"/identity/v1/users/" + user, user},
	}
	for _, c := range cases {
		if got := h.get(c.path, 200).body["id"]; got != c.wantID {
			t.Errorf("%s: id %v", c.path, got)
		}
	}
	if n := len(h.get("/compute-ops-mgmt/v1/groups/"+gid+"/devices", 200).items()); n != 16 {
		t.Errorf("prod-web devices: %d, want 16", n)
	}
	if n := len(h.get("/compute-ops-mgmt/v1/groups/"+gid+"/compliance", 200).items()); n != 16 {
		t.Errorf("prod-web compliance: %d, want 16", n)
	}
}

func TestErrors(t *testing.T) {
	h := newHarness(t, Options{})
	sid := h.serverID("prod-web-01")
	cases := []struct {
		name, method, path string
		body               any
		ctype              string
		status             int
	}{
		{"unknown job", "GET", "/compute-ops-mgmt/v1/jobs/00000000-0000-4000-8000-000000000000", nil, "", 404},
		{"unknown server", "GET", "/compute-ops-mgmt/v1/servers/P00000-B21%2BNOPE", nil, "", 404},
		{"unknown group", "GET", "/compute-ops-mgmt/v1/groups/nope", nil, "", 404},
		{"unknown bundle", "GET", "/compute-ops-mgmt/v1/firmware-bundles/nope", nil, "", 404},
		{"unknown async op", "GET", "/compute-ops-mgmt/v1/async-operations/nope", nil, "", 404},
		{"unknown user", "GET", "/identity/v1/users/nope", nil, "", 404},
		{"unknown credential", "DELETE", "/workspaces/v1/credentials/nope", nil, "", 404},
		{"unknown path", "GET", "/compute-ops-mgmt/v1/nothing", nil, "", 404},
		{"servers limit above 100", "GET", "/compute-ops-mgmt/v1/servers?limit=101", nil, "", 400},
		{"jobs limit above 1000", "GET", "/compute-ops-mgmt/v1/jobs?limit=1001", nil, "", 400},
		{"negative offset", "GET", "/compute-ops-mgmt/v1/groups?offset=-1", nil, "", 400},
		{"async limit not a number", "GET", "/compute-ops-mgmt/v1/async-operations?limit=ten", nil, "", 400},
		{"async bad cursor", "GET", "/compute-ops-mgmt/v1/async-operations?next=nope", nil, "", 400},
		{"users limit 0", "GET", "/identity/v1/users?limit=0", nil, "", 400},
		{"users limit 601", "GET", "/identity/v1/users?limit=601", nil, "", 400},
		{"bad filter", "GET", "/compute-ops-mgmt/v1/jobs?filter=" + q("state == 'ERROR'"), nil, "", 400},
		{"unknown filter property", "GET", "/identity/v1/users?filter=" + q("colour eq 'red'"), nil, "", 400},
		{"POST text/plain", "POST", "/compute-ops-mgmt/v1/jobs", map[string]any{}, "text/plain", 415},
		{"PATCH as application/json", "PATCH", "/compute-ops-mgmt/v1/jobs/x", map[string]any{"state": "ERROR"}, "application/json", 415},
		{"PUT user text/plain", "PUT", "/identity/v1/users/x", map[string]any{}, "text/plain", 415},
		{"method not allowed", "DELETE", "/compute-ops-mgmt/v1/servers/" + pathID(sid), nil, "", 405},
		{"job body not JSON", "POST", "/compute-ops-mgmt/v1/jobs", "not an object", "", 400},
		{"job without template", "POST", "/compute-ops-mgmt/v1/jobs", map[string]any{"resourceId": sid, "resourceType": "compute-ops-mgmt/server"}, "", 400},
		{"job unknown template", "POST", "/compute-ops-mgmt/v1/jobs", map[string]any{"jobTemplate": "nope", "resourceId": sid, "resourceType": "compute-ops-mgmt/server"}, "", 400},
		{"job wrong resource type", "POST", "/compute-ops-mgmt/v1/jobs", map[string]any{"jobTemplate": "30110551-cad6-4069-95b8-dbce9bbd8525", "resourceId": sid, "resourceType": "compute-ops-mgmt/group"}, "", 400},
		{"job unknown server", "POST", "/compute-ops-mgmt/v1/jobs", map[string]any{"jobTemplate": "30110551-cad6-4069-95b8-dbce9bbd8525", "resourceId": "P0+X", "resourceType": "compute-ops-mgmt/server"}, "", 400},
		{"firmware without bundle_id", "POST", "/compute-ops-mgmt/v1/jobs", map[string]any{"jobTemplate": "fd54a96c-cabc-42e3-aee3-374a2d009dba", "resourceId": sid, "resourceType": "compute-ops-mgmt/server"}, "", 400},
		{"firmware unknown bundle", "POST", "/compute-ops-mgmt/v1/jobs", map[string]any{"jobTemplate": "fd54a96c-cabc-42e3-aee3-374a2d009dba", "resourceId": sid, "resourceType": "compute-ops-mgmt/server", "jobParams": map[string]any{"bundle_id": "nope"}}, "", 400},
		{"group update foreign device", "POST", "/compute-ops-mgmt/v1/jobs", map[string]any{"jobTemplate": "91159b5e-9eeb-11ec-a9da-00155dc0a0c0", "resourceId": h.groupID("lab"), "resourceType": "compute-ops-mgmt/group", "jobParams": map[string]any{"devices": []string{sid}}}, "", 400},
		{"invite bad email", "POST", "/identity/v1/users", map[string]any{"email": "not-an-email"}, "", 400},
		{"credential without name", "POST", "/workspaces/v1/credentials", map[string]any{}, "", 400},
	}
	for _, c := range cases {
		var r result
		if c.ctype != "" {
			r = h.do(c.method, c.path, c.body, c.ctype)
		} else {
			r = h.do(c.method, c.path, c.body)
		}
		checkError(t, c.name, r, c.status)
	}
}

func TestOffsetPaginationPastOnePage(t *testing.T) {
	h := newHarness(t, Options{})
	for _, c := range []struct {
		path  string
		limit int
		total int
	}{
		{"/compute-ops-mgmt/v1/servers", 15, 40},
		{"/compute-ops-mgmt/v1/jobs", 5, 17},
		{"/compute-ops-mgmt/v1/groups", 2, 3},
		{"/compute-ops-mgmt/v1/firmware-bundles", 3, 4},
		{"/identity/v1/users", 4, 10},
	} {
		seen := map[string]bool{}
		pages := 0
		for off := 0; ; off += c.limit {
			r := h.get(c.path+"?offset="+itoa(off)+"&limit="+itoa(c.limit), 200)
			if r.body["offset"] != float64(off) || r.body["total"] != float64(c.total) || r.body["count"] != float64(len(r.items())) {
				t.Fatalf("%s offset %d: envelope %v/%v/%v", c.path, off, r.body["offset"], r.body["count"], r.body["total"])
			}
			if len(r.items()) == 0 {
				break
			}
			pages++
			for _, id := range ids(r.items()) {
				if seen[id] {
					t.Fatalf("%s: %s on two pages", c.path, id)
				}
				seen[id] = true
			}
		}
		if len(seen) != c.total || pages != (c.total+c.limit-1)/c.limit {
			t.Errorf("%s: %d items over %d pages, want %d", c.path, len(seen), pages, c.total)
		}
	}
}

func TestCursorPagination(t *testing.T) {
	h := newHarness(t, Options{})
	seen := map[string]bool{}
	path := "/compute-ops-mgmt/v1/async-operations?limit=5"
	pages := 0
	for {
		r := h.get(path, 200)
		pages++
		for _, id := range ids(r.items()) {
			seen[id] = true
		}
		if r.body["total"] != float64(12) {
			t.Fatalf("total %v", r.body["total"])
		}
		next, _ := r.body["next"].(string)
		if next == "" {
			break
		}
		path = "/compute-ops-mgmt/v1/async-operations?limit=5&next=" + next
	}
	if len(seen) != 12 || pages != 3 {
		t.Errorf("%d operations over %d pages, want 12 over 3", len(seen), pages)
	}
}

func TestPlusInIDs(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.serverID("prod-db-03")
	if !strings.Contains(id, "+") {
		t.Fatalf("server id %q has no +", id)
	}
	if got := h.get("/compute-ops-mgmt/v1/servers/"+pathID(id), 200).body["id"]; got != id {
		t.Errorf("%%2B path: got %v", got)
	}
	enc := "/compute-ops-mgmt/v1/servers?filter=" + q("id eq '"+id+"'")
	if got := ids(h.get(enc, 200).items()); len(got) != 1 || got[0] != id {
		t.Errorf("%%2B filter: got %v", got)
	}
	raw := "/compute-ops-mgmt/v1/servers?filter=" + strings.ReplaceAll(q("id eq '"+id+"'"), "%2B", "+")
	if got := h.get(raw, 200).items(); len(got) != 0 {
		t.Errorf("raw + filter found %v; a real server decodes + as a space", ids(got))
	}
}

func TestFilteredListsOverDemoFleet(t *testing.T) {
	h := newHarness(t, Options{})
	names := func(path string) []string {
		var out []string
		for _, it := range h.get(path, 200).items() {
			m := it.(map[string]any)
			n, _ := m["name"].(string)
			if n == "" {
				n, _ = m["username"].(string)
			}
			if n == "" {
				n, _ = m["credentialName"].(string)
			}
			out = append(out, n)
		}
		sort.Strings(out)
		return out
	}
	cases := []struct {
		path string
		want []string
	}{
		{"/compute-ops-mgmt/v1/servers?filter=" + q("hardware/powerState eq 'OFF'"), []string{"lab-03", "lab-07", "lab-11", "prod-db-12"}},
		{"/compute-ops-mgmt/v1/servers?filter=" + q("startswith(name, 'prod-db') and hardware/powerState eq 'ON' and contains(name, '-1')"), []string{"prod-db-10", "prod-db-11"}},
		{"/compute-ops-mgmt/v1/groups?filter=" + q("name in ('lab', 'prod-db')"), []string{"lab", "prod-db"}},
		{"/identity/v1/users?filter=" + q("userStatus eq 'UNVERIFIED'"), []string{"contractor@example.com", "new.hire@example.com"}},
		{"/compute-ops-mgmt/v1/jobs?filter=" + q("state eq 'ERROR'"), []string{"FirmwareUpdate.New", "IloOnlyFirmwareUpdate", "Restart", "Restart"}},
	}
	for _, c := range cases {
		if got := names(c.path); strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s:\n got %v\nwant %v", c.path, got, c.want)
		}
	}
	failed := h.get("/compute-ops-mgmt/v1/async-operations?filter="+q("state eq 'FAILED'"), 200)
	if n := len(failed.items()); n != 4 {
		t.Errorf("failed async operations: %d, want 4", n)
	}
	for _, it := range failed.items() {
		if it.(map[string]any)["error"] == nil {
			t.Errorf("failed operation without error: %v", it)
		}
	}
}

func itoa(n int) string { return strconvItoa(n) }
