package builtins

import (
	"bytes"
	"strings"
	"testing"

	"go.starlark.net/starlark"
)

// apiPredeclared returns identity and workspaces bound to a client of f,
// and the log buffer of the env and the client.
func apiPredeclared(t *testing.T, f *fakeGL) (starlark.StringDict, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	env, _ := testEnv(&logs)
	env.Client = f.client(t, &logs)
	pre := helperPredeclared(env)
	pre["identity"] = identityModule(env)
	pre["workspaces"] = workspacesModule(env)
	pre["odata"] = odataModule()
	return pre, &logs
}

func TestIdentityUsers(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"list reads every page", `print([u.username for u in identity.users.list()])`,
			`["ann@example.com", "bob@example.com", "cy@example.com"]`},
		{"list limit", `print(len(identity.users.list(limit=1)))`, "1"},
		{"list filter string", `print([u.id for u in identity.users.list(filter="username eq 'bob@example.com'")])`, `["u-2"]`},
		{"list filter value", `print([u.id for u in identity.users.list(filter=odata.startswith("username", "c"))])`, `["u-3"]`},
		{"get", `print(identity.users.get("u-1").username)`, "ann@example.com"},
		{"get by record", `u = identity.users.get("u-1"); print(identity.users.get(u).id)`, "u-1"},
		{"find present", `print(identity.users.find("bob@example.com").id)`, "u-2"},
		{"find absent", `print(identity.users.find("zed@example.com"))`, "None"},
		{"invite then find", `
r = identity.users.invite("new@example.com", send_welcome_email=False)
print(r.message, r.location)
print(identity.users.find("new@example.com").userStatus)`, "User invited /identity/v1/users/u-new-1\nUNVERIFIED"},
		{"update", `print(identity.users.update("u-1", language="de", idle_timeout=900).message)`, "User updated"},
		{"delete", `identity.users.delete("u-2"); print(identity.users.find("bob@example.com"))`, "None"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pre, _ := apiPredeclared(t, newFakeGL())
			out, err := runStar(t, pre, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(out); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestIdentityUpdateSendsOnlyWhatIsGiven(t *testing.T) {
	f := newFakeGL()
	pre, _ := apiPredeclared(t, f)
	if _, err := runStar(t, pre, `identity.users.update("u-1", idle_timeout=600)`); err != nil {
		t.Fatal(err)
	}
	if got := f.bodies[len(f.bodies)-1]; !strings.Contains(got, `"idleTimeout":600`) || strings.Contains(got, "language") {
		t.Errorf("PUT body %s, want only idleTimeout", got)
	}
}

func TestIdentityArgumentErrors(t *testing.T) {
	tests := []argErrorCase{
		{"list filter type", `identity.users.list(filter=3)`, []string{`identity.users.list: parameter "filter": want an OData filter`, "got int 3"}},
		{"list filter syntax", `identity.users.list(filter="username eq")`, []string{`identity.users.list: parameter "filter"`, `got string "username eq"`, "column"}},
		{"list limit range", `identity.users.list(limit=0)`, []string{`identity.users.list: parameter "limit": want an int from 1 to`, "got int 0"}},
		{"list unknown kw", `identity.users.list(limt=3)`, []string{`identity.users.list: parameter "limt"`, `did you mean "limit"`}},
		{"get missing", `identity.users.get()`, []string{`identity.users.get: parameter "id": want a user id string or a user record with an id, got nothing`}},
		{"get type", `identity.users.get(7)`, []string{`identity.users.get: parameter "id"`, "got int 7"}},
		{"find type", `identity.users.find(None)`, []string{`identity.users.find: parameter "username": want a username (email address) string, got None`}},
		{"find empty", `identity.users.find("")`, []string{`identity.users.find: parameter "username"`, `got string ""`}},
		{"invite bad email", `identity.users.invite("not-an-email")`, []string{`identity.users.invite: parameter "email": want an email address string`, `got string "not-an-email"`}},
		{"invite no domain dot", `identity.users.invite("a@b")`, []string{`parameter "email"`, `got string "a@b"`}},
		{"invite welcome type", `identity.users.invite("a@b.com", send_welcome_email="yes")`, []string{`identity.users.invite: parameter "send_welcome_email": want True or False, got string "yes"`}},
		{"update nothing", `identity.users.update("u-1")`, []string{`identity.users.update: parameter "language": want at least one of language= or idle_timeout=`, "got neither"}},
		{"update language", `identity.users.update("u-1", language="fr")`, []string{`identity.users.update: parameter "language": want one of "en", "de", "es", got string "fr"`}},
		{"update idle negative", `identity.users.update("u-1", idle_timeout=-5)`, []string{`identity.users.update: parameter "idle_timeout": want an int from 1 to`, "got int -5"}},
		{"update idle type", `identity.users.update("u-1", idle_timeout="30m")`, []string{`parameter "idle_timeout"`, `got string "30m"`}},
		{"delete missing", `identity.users.delete()`, []string{`identity.users.delete: parameter "id"`, "got nothing"}},
		{"delete too many", `identity.users.delete("a", "b")`, []string{"identity.users.delete: want at most 1 positional arguments (id), got 2"}},
	}
	checkArgErrorsSendNothing(t, tests)
}

func TestIdentityAPIErrorNamesTheBuiltin(t *testing.T) {
	pre, _ := apiPredeclared(t, newFakeGL())
	_, err := runStar(t, pre, `identity.users.get("nobody")`)
	wantErr(t, err, "identity.users.get: ", "404")
}

func TestNoClientConfigured(t *testing.T) {
	env, _ := testEnv(new(bytes.Buffer))
	pre := starlark.StringDict{"identity": identityModule(env), "workspaces": workspacesModule(env)}
	_, err := runStar(t, pre, `identity.users.find("a@b.com")`)
	wantErr(t, err, "identity.users.find: no GreenLake client is configured")
	_, err = runStar(t, pre, `workspaces.credentials.list()`)
	wantErr(t, err, "workspaces.credentials.list: no GreenLake client is configured")
}

// argErrorCase is a call with wrong arguments and the substrings its error
// must contain.
type argErrorCase struct {
	name string
	src  string
	want []string
}

// checkArgErrorsSendNothing runs each case against a fake GreenLake: each
// must fail with its message, and none may send a request.
func checkArgErrorsSendNothing(t *testing.T, tests []argErrorCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGL()
			pre, _ := apiPredeclared(t, f)
			_, err := runStar(t, pre, tt.src)
			wantErr(t, err, tt.want...)
			if n := len(f.sent()); n != 0 {
				t.Errorf("an invalid call sent %d requests: %v", n, f.sent())
			}
		})
	}
}
