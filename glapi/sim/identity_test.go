package sim

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestUsers(t *testing.T) {
	h := newHarness(t, Options{})
	r := h.do("POST", "/identity/v1/users", map[string]any{"email": "pat.new@example.com", "sendWelcomeEmail": false})
	if r.status != 201 || r.body["message"] == nil {
		t.Fatalf("invite: %d %v", r.status, r.body)
	}
	loc := r.header.Get("Location")
	u := h.get(loc, 200).body
	if u["username"] != "pat.new@example.com" || u["userStatus"] != "UNVERIFIED" {
		t.Errorf("invited user %v", u)
	}
	checkError(t, "invite again", h.do("POST", "/identity/v1/users", map[string]any{"email": "pat.new@example.com"}), 409)
	if r := h.do("PUT", loc, map[string]any{"language": "de", "idleTimeout": 900}); r.status != 200 || r.body["message"] == nil {
		t.Errorf("PUT: %d %v", r.status, r.body)
	}
	checkError(t, "bad language", h.do("PUT", loc, map[string]any{"language": "xx"}), 400)
	checkError(t, "bad idleTimeout", h.do("PUT", loc, map[string]any{"idleTimeout": -5}), 400)
	if r := h.do("DELETE", loc, nil); r.status != 204 {
		t.Errorf("DELETE: %d", r.status)
	}
	checkError(t, "deleted", h.do("GET", loc, nil), 404)
	byName := h.get("/identity/v1/users?filter="+q("username eq 'jane.doe@example.com'"), 200).items()
	if len(byName) != 1 {
		t.Errorf("find by username: %v", byName)
	}
	h.sim.AddUser("extra@example.com", "VERIFIED")
	if n := len(h.get("/identity/v1/users", 200).items()); n != 11 {
		t.Errorf("%d users after AddUser", n)
	}
}

func TestIdentityRateLimit(t *testing.T) {
	h := newHarness(t, Options{})
	for i := 0; i < 300; i++ {
		h.get("/identity/v1/users?limit=1", 200)
	}
	r := h.do("GET", "/identity/v1/users?limit=1", nil)
	checkError(t, "301st request", r, 429)
	if ra := r.header.Get("Retry-After"); ra != "60" {
		t.Errorf("Retry-After %q, want 60", ra)
	}
	h.get("/compute-ops-mgmt/v1/servers?limit=1", 200) // COM is not limited
	h.clk.Advance(time.Minute)
	h.get("/identity/v1/users?limit=1", 200)
}

func TestCredentials(t *testing.T) {
	h := newHarness(t, Options{})
	r := h.do("POST", "/workspaces/v1/credentials", map[string]any{"credentialName": "pat automation"})
	if r.status != 201 {
		t.Fatalf("create: %d %v", r.status, r.body)
	}
	id, secret := r.body["id"].(string), r.body["clientSecret"].(string)
	if len(secret) != 32 || r.body["clientId"] != id {
		t.Errorf("created credential %v", r.body)
	}
	checkError(t, "duplicate name", h.do("POST", "/workspaces/v1/credentials", map[string]any{"credentialName": "pat automation"}), 409)
	h.getToken(id, secret) // the new credential can get tokens
	reset := h.do("POST", "/workspaces/v1/credentials/"+id+"/reset", nil)
	newSecret, _ := reset.body["clientSecret"].(string)
	if reset.status != 200 || newSecret == "" || newSecret == secret {
		t.Fatalf("reset: %d %v", reset.status, reset.body)
	}
	h.getToken(id, newSecret)
	tenant := ""
	for _, c := range h.get("/workspaces/v1/credentials", 200).items() {
		m := c.(map[string]any)
		if at, ok := m["associatedTenant"].(map[string]any); ok {
			uri := at["resourceUri"].(string)
			tenant = uri[strings.LastIndex(uri, "/")+1:]
		}
	}
	got := h.get("/workspaces/v1/credentials?filter="+q("tenantId eq '"+tenant+"'"), 200)
	if len(got.items()) != 1 || got.items()[0].(map[string]any)["credentialName"] != "ci-pipeline" {
		t.Errorf("tenantId filter: %v", got.items())
	}
	if r := h.do("DELETE", "/workspaces/v1/credentials/"+id, nil); r.status != 204 {
		t.Errorf("delete: %d", r.status)
	}
	checkError(t, "delete again", h.do("DELETE", "/workspaces/v1/credentials/"+id, nil), 404)
	for _, c := range h.sim.Credentials() {
		if s, ok := c["clientSecret"].(interface{ Reveal() string }); !ok || s.Reveal() == "" {
			t.Errorf("credential %s: clientSecret is not a Secret", c.ID())
		}
	}
}

func TestRequestLog(t *testing.T) {
	h := newHarness(t, Options{})
	sid := h.serverID("prod-db-03")
	req, _ := http.NewRequest("GET", h.srv.URL+"/compute-ops-mgmt/v1/servers/"+pathID(sid)+"?select=name", nil)
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("Tenant-Acid", "2f3e4d5c-0000-4000-8000-1234567890ab")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cr := h.do("POST", "/workspaces/v1/credentials", map[string]any{"credentialName": "leak test"})
	h.do("GET", "/compute-ops-mgmt/v1/jobs/nope", nil)

	entries := h.sim.Requests()
	want := []struct {
		method, path string
		status       int
	}{
		{"POST", tokenPath, 200},
		{"GET", "/compute-ops-mgmt/v1/servers/" + sid, 200},
		{"POST", "/workspaces/v1/credentials", 201},
		{"GET", "/compute-ops-mgmt/v1/jobs/nope", 404},
	}
	if len(entries) != len(want) {
		t.Fatalf("%d log entries, want %d: %+v", len(entries), len(want), entries)
	}
	for i, w := range want {
		e := entries[i]
		if e.Method != w.method || e.Path != w.path || e.Status != w.status || !e.Time.Equal(start) {
			t.Errorf("entry %d: %+v, want %v", i, e, w)
		}
	}
	if entries[1].Query != "select=name" || entries[1].TenantACID != "2f3e4d5c-0000-4000-8000-1234567890ab" {
		t.Errorf("query/tenant not logged: %+v", entries[1])
	}
	logText := h.log.String()
	sc := bufio.NewScanner(strings.NewReader(logText))
	lines := 0
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		for _, k := range []string{"time", "method", "path", "query", "status", "fault"} {
			if _, ok := m[k]; !ok {
				t.Errorf("log line lacks %s: %s", k, sc.Text())
			}
		}
		lines++
	}
	if lines != len(want) {
		t.Errorf("%d log lines", lines)
	}
	for _, secret := range []string{DemoClientSecret, h.token, cr.body["clientSecret"].(string)} {
		if strings.Contains(logText, secret) {
			t.Errorf("request log contains a secret")
		}
	}
}
