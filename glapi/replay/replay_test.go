package replay

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
)

var start = time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)

// fixture is a simulator on a virtual clock behind a loopback server.
type fixture struct {
	sim *sim.Sim
	clk *clock.Virtual
	url string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clk := clock.NewVirtual(start)
	s := sim.New(sim.Options{Clock: clk})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &fixture{sim: s, clk: clk, url: srv.URL}
}

// client returns a client whose innermost transport is rt.
func client(t *testing.T, base string, secret string, clk clock.Clock, rt http.RoundTripper) *glapi.Client {
	t.Helper()
	c, err := glapi.New(glapi.Config{
		BaseURL:      base,
		ClientID:     sim.DemoClientID,
		ClientSecret: glapi.NewSecret(secret),
		Transport:    rt,
		Clock:        clk,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// scenario is what the tests record and replay: find the servers, restart
// one and poll its job until it finishes, and create a credential (whose
// answer holds a client secret). It returns what a runbook would print.
func scenario(ctx context.Context, c *glapi.Client, clk clock.Clock, server string) ([]string, error) {
	var out []string
	servers, err := c.Servers.List(ctx, glapi.ListOptions{})
	if err != nil {
		return nil, err
	}
	out = append(out, "servers: "+itoa(len(servers)))
	job, err := c.Jobs.Create(ctx, glapi.JobCreate{JobTemplate: mustTemplate("restart"), ResourceID: server, ResourceType: "compute-ops-mgmt/server"})
	if err != nil {
		return nil, err
	}
	id, _ := job["id"].(string)
	for {
		j, err := c.Jobs.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, "job "+j["state"].(string))
		if j["state"] == "COMPLETE" || j["state"] == "ERROR" {
			break
		}
		if err := clk.Sleep(ctx, 30*time.Second); err != nil {
			return nil, err
		}
	}
	cred, err := c.Credentials.Create(ctx, glapi.CredentialCreate{CredentialName: "ci automation"})
	if err != nil {
		return nil, err
	}
	out = append(out, "credential "+cred["credentialName"].(string))
	return out, nil
}

func mustTemplate(alias string) string {
	tpl, err := glapi.LookupTemplate(alias)
	if err != nil {
		panic(err)
	}
	return tpl.ID
}

// record runs the scenario against a fresh simulator, recording into a
// cassette in a temporary directory, and returns the cassette, what the
// scenario printed and the credential's secret.
func record(t *testing.T) (file string, out []string, secret string) {
	t.Helper()
	f := newFixture(t)
	rec, err := Record(filepath.Join(t.TempDir(), "run"), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := client(t, f.url, sim.DemoClientSecret, f.clk, rec)
	out, err = scenario(context.Background(), c, f.clk, f.sim.ServerIDs()[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, cr := range f.sim.Credentials() {
		if s, ok := cr["clientSecret"].(glapi.Secret); ok {
			secret = s.Reveal()
		}
	}
	if secret == "" {
		t.Fatal("the simulator holds no credential secret")
	}
	return rec.File(), out, secret
}

func TestRecordThenReplayGivesTheSameAnswersWithoutNetwork(t *testing.T) {
	file, want, _ := record(t)
	p, _, got, err := replayScenario(t, file)
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("replay printed\n%s\nrecording printed\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(want) < 4 || want[1] == want[len(want)-2] {
		t.Errorf("the scenario should poll a job through several states, got %q", want)
	}
	if left := p.Unplayed(); len(left) != 0 {
		t.Errorf("interactions left unplayed: %q", left)
	}
}

// firstServerOf returns the server the recorded restart ran on.
func firstServerOf(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`\\?"resourceId\\?":\s*\\?"([^"\\]+)`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no resourceId in %s", file)
	}
	return string(m[1])
}

func TestCassetteHoldsNoSecret(t *testing.T) {
	file, _, credSecret := record(t)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for name, bad := range map[string]string{
		"demo client secret":  sim.DemoClientSecret,
		"credential's secret": credSecret,
	} {
		if strings.Contains(text, bad) {
			t.Errorf("cassette holds the %s", name)
		}
	}
	for name, re := range map[string]*regexp.Regexp{
		"bearer token":       regexp.MustCompile(`Bearer [A-Za-z0-9._~+/=-]{8,}`),
		"clientSecret value": regexp.MustCompile(`clientSecret\\?"\s*:\s*\\?"[^<\\"]`),
		"access_token value": regexp.MustCompile(`access_token\\?"\s*:\s*\\?"[^<\\"]`),
		"client_secret form": regexp.MustCompile(`client_secret=[^%<]`),
	} {
		if m := re.FindString(text); m != "" {
			t.Errorf("cassette holds a %s: %q", name, m)
		}
	}
	if !strings.Contains(text, Redacted) {
		t.Errorf("cassette shows no %s marker; was anything redacted?", Redacted)
	}
}

func TestDivergenceNamesRequestClosestAndDifference(t *testing.T) {
	file, _, _ := record(t)
	p, err := Open(file)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewVirtual(p.Start())
	c := client(t, "http://replay.invalid", "placeholder", clk, p)
	ctx := context.Background()
	if _, err := c.Servers.List(ctx, glapi.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Jobs.Create(ctx, glapi.JobCreate{JobTemplate: mustTemplate("restart"), ResourceID: "not-the-recorded-server", ResourceType: "compute-ops-mgmt/server"})
	var de *DivergenceError
	if !errors.As(err, &de) {
		t.Fatalf("got %v, want a *DivergenceError", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"POST /compute-ops-mgmt/v1/jobs",
		`"not-the-recorded-server"`,
		"closest recorded (interaction",
		`body.resourceId: "not-the-recorded-server" (request) vs "` + firstServerOf(t, file) + `" (recorded)`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
}

func TestReplayAnswersRepeatedPollsInOrder(t *testing.T) {
	file, want, _ := record(t)
	_, c, got, err := replayScenario(t, file)
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, l := range got {
		if strings.HasPrefix(l, "job ") {
			states = append(states, l)
		}
	}
	var wantStates []string
	for _, l := range want {
		if strings.HasPrefix(l, "job ") {
			wantStates = append(wantStates, l)
		}
	}
	if strings.Join(states, ",") != strings.Join(wantStates, ",") {
		t.Errorf("polls answered %q, recorded %q", states, wantStates)
	}
	// One poll more than recorded: the recording has no answer left.
	_, err = c.Jobs.Get(context.Background(), jobIDOf(t, file))
	var de *DivergenceError
	if !errors.As(err, &de) || !de.AlreadyReplayed {
		t.Fatalf("an extra poll: got %v, want a divergence on an already replayed interaction", err)
	}
}

func jobIDOf(t *testing.T, file string) string {
	t.Helper()
	p, err := Open(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.shapes {
		if s.method == "GET" && strings.HasPrefix(s.path, "/compute-ops-mgmt/v1/jobs/") {
			return strings.TrimPrefix(s.path, "/compute-ops-mgmt/v1/jobs/")
		}
	}
	t.Fatal("no job poll recorded")
	return ""
}

func TestOpenMissingCassetteSaysHowToRecord(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml: no such file") || !strings.Contains(err.Error(), "--record") {
		t.Fatalf("got %v", err)
	}
}

// replayScenario replays the recorded scenario of file against no host at
// all (a request that reached the network would fail), on a virtual clock
// starting where the recording did. It returns the player and the client,
// for more requests, with what the scenario printed.
func replayScenario(t *testing.T, file string) (*Player, *glapi.Client, []string, error) {
	t.Helper()
	p, err := Open(file)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewVirtual(p.Start())
	c := client(t, "http://replay.invalid", "placeholder", clk, p)
	got, err := scenario(context.Background(), c, clk, firstServerOf(t, file))
	return p, c, got, err
}
