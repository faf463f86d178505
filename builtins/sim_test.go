package builtins

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
)

// TestOnboardAgainstTheSimulator runs an onboarding runbook body with every
// predeclared module against the simulator over real HTTP.
func TestOnboardAgainstTheSimulator(t *testing.T) {
	vc := clock.NewVirtual(helperEpoch)
	s := sim.New(sim.Options{Clock: vc, Seed: 1})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := glapi.New(glapi.Config{BaseURL: srv.URL, ClientID: sim.DemoClientID,
		ClientSecret: glapi.NewSecret(sim.DemoClientSecret), Clock: vc, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	pre := Predeclared(&Env{Client: c, Clock: vc, Log: logger})
	src := `
email = "new.operator@example.com"
before = len(identity.users.list())
if identity.users.find(email) == None:
    r = identity.users.invite(email, send_welcome_email=False)
    log.info("invited", location=r.location)
u = identity.users.find(email)
print(u.username, len(identity.users.list()) == before + 1)
cred = workspaces.credentials.create("svc-new-operator")
print(cred.credentialName, cred.clientSecret)
log.info("credential", credential=cred)
mine = [x for x in workspaces.credentials.list() if x.credentialName == "svc-new-operator"]
print(len(mine))
workspaces.credentials.delete(cred)
identity.users.delete(u)
print(identity.users.find(email), [x for x in workspaces.credentials.list() if x.credentialName == "svc-new-operator"])
`
	out, err := runStar(t, pre, src)
	if err != nil {
		t.Fatal(err)
	}
	want := "new.operator@example.com True\nsvc-new-operator <redacted>\n1\nNone []"
	if got := strings.TrimSpace(out); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if strings.Contains(logs.String()+out, sim.DemoClientSecret) {
		t.Error("the client secret leaked into the output or logs")
	}
}
