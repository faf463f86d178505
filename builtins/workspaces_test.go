package builtins

import (
	"strings"
	"testing"
)

func TestWorkspacesCredentials(t *testing.T) {
	f := newFakeGL()
	pre, logs := apiPredeclared(t, f)
	src := `
c = workspaces.credentials.create("ci-robot")
print(c.credentialName, c.clientSecret, type(c.clientSecret))
print(c)
log.info("created", credential=c, secret=c.clientSecret)
r = workspaces.credentials.reset(c)
print(r.clientSecret, r.clientSecret == c.clientSecret)
print([x.credentialName for x in workspaces.credentials.list()])
workspaces.credentials.delete(c.id)
print(workspaces.credentials.list())
`
	out, err := runStar(t, pre, src)
	if err != nil {
		t.Fatal(err)
	}
	want := `ci-robot <redacted> secret
{"clientId":"cid-cred-1","clientSecret":"<redacted>","credentialName":"ci-robot","id":"cred-1"}
<redacted> False
["ci-robot"]
[]`
	if got := strings.TrimSpace(out); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for name, text := range map[string]string{"output": out, "log": logs.String()} {
		if strings.Contains(text, "topsecret") || strings.Contains(text, fakeSecret) {
			t.Errorf("a secret leaked into the %s:\n%s", name, text)
		}
	}
	wantReqs := []string{
		"POST /workspaces/v1/credentials", "POST /workspaces/v1/credentials/cred-1/reset",
		"GET /workspaces/v1/credentials", "DELETE /workspaces/v1/credentials/cred-1", "GET /workspaces/v1/credentials",
	}
	if got := strings.Join(f.sent(), "\n"); got != strings.Join(wantReqs, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", got, strings.Join(wantReqs, "\n"))
	}
}

func TestWorkspacesCreateAssociations(t *testing.T) {
	f := newFakeGL()
	pre, _ := apiPredeclared(t, f)
	if _, err := runStar(t, pre, `workspaces.credentials.create("x", tenant="t-1", service_manager_provision="p-1")`); err != nil {
		t.Fatal(err)
	}
	body := f.bodies[0]
	for _, want := range []string{`"credentialName":"x"`, `/workspaces/v1/workspaces/t-1`, `p-1`} {
		if !strings.Contains(body, want) {
			t.Errorf("POST body %s lacks %s", body, want)
		}
	}
}

func TestWorkspacesArgumentErrors(t *testing.T) {
	tests := []argErrorCase{
		{"create missing name", `workspaces.credentials.create()`, []string{`workspaces.credentials.create: parameter "name": want a credential name string, got nothing`}},
		{"create name type", `workspaces.credentials.create(5)`, []string{`parameter "name"`, "got int 5"}},
		{"create blank name", `workspaces.credentials.create("  ")`, []string{`parameter "name"`, `got string "  "`}},
		{"create tenant type", `workspaces.credentials.create("x", tenant=1)`, []string{`workspaces.credentials.create: parameter "tenant": want a tenant workspace id string`, "got int 1"}},
		{"create smp type", `workspaces.credentials.create("x", service_manager_provision=[])`, []string{`parameter "service_manager_provision"`, "got list []"}},
		{"create unknown kw", `workspaces.credentials.create("x", tennant="t")`, []string{`parameter "tennant"`, `did you mean "tenant"`}},
		{"list filter", `workspaces.credentials.list(filter="tenantId eq")`, []string{`workspaces.credentials.list: parameter "filter"`, "column"}},
		{"list limit not offered", `workspaces.credentials.list(limit=3)`, []string{`workspaces.credentials.list: parameter "limit": want one of the parameters filter`}},
		{"reset missing", `workspaces.credentials.reset()`, []string{`workspaces.credentials.reset: parameter "id": want a credential id string or a credential record with an id, got nothing`}},
		{"delete type", `workspaces.credentials.delete(True)`, []string{`workspaces.credentials.delete: parameter "id"`, "got bool True"}},
	}
	checkArgErrorsSendNothing(t, tests)
}
