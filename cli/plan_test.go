package cli

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"glrun/glapi/sim"
	"glrun/plan"
)

// exampleRunbooks are the example runbooks with the parameters the plan
// tests use; each must plan to the end against the simulator.
var exampleRunbooks = []struct {
	name   string // golden file stem
	file   string
	params []string
	// changes is how many mutations the plan must hold.
	changes int
}{
	{"power_cycle", "../runbooks/power_cycle.star", []string{"group=lab", "batch=4"}, 9},
	{"firmware_update", "../runbooks/firmware_update.star", []string{"group=prod-web"}, 4},
	{"onboard_user", "../runbooks/onboard_user.star", []string{"email=ana@example.com"}, 2},
	{"offboard_user", "../runbooks/offboard_user.star", []string{"email=jane.doe@example.com"}, 4},
	{"failed_jobs", "../runbooks/failed_jobs.star", []string{"days=7"}, 0},
	{"onboard_server", "../runbooks/onboard_server.star", []string{"serial=CZ2401ONB1", "part=P52534-B21", "group=lab"}, 7},
}

// makePlanFile runs 'glrun plan --sim ARGS --out FILE' against s and returns
// the saved plan's path and the result.
func makePlanFile(t *testing.T, s *sim.Sim, file string, params ...string) (string, result) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "change.plan.json")
	args := append([]string{"plan", "--sim", file}, params...)
	r := glrunSim(t, s, append(args, "--out", out)...)
	if r.code != 0 {
		t.Fatalf("glrun plan: exit %d\n%s", r.code, r.stderr)
	}
	return out, r
}

// readPlan reads a saved plan.
func readPlan(t *testing.T, path string) *plan.Plan {
	t.Helper()
	p, err := plan.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// sentChange is a mutation as the simulator received it.
type sentChange struct{ Method, Path string }

func sentChanges(r result) []sentChange {
	var out []sentChange
	for _, e := range r.mutations() {
		out = append(out, sentChange{e.Method, e.Path})
	}
	return out
}

// plannedChanges are the plan's mutations with the planned ids replaced by
// the real ones (from the simulator's jobs, in creation order).
func plannedChanges(p *plan.Plan, real map[string]string) []sentChange {
	var out []sentChange
	for _, m := range p.Mutations {
		path := m.Path
		for planned, id := range real {
			path = strings.ReplaceAll(path, planned, id)
		}
		out = append(out, sentChange{m.Method, path})
	}
	return out
}

// For every example runbook: the plan sends no change (the simulator's
// request log shows reads only), and applying it sends exactly the planned
// changes, in order, and succeeds.
func TestEveryExampleRunbookPlansWithoutChangesAndAppliesExactlyThePlan(t *testing.T) {
	t.Parallel()
	for _, rb := range exampleRunbooks {
		t.Run(rb.name, func(t *testing.T) {
			s := newTestSim(t)
			path, r := makePlanFile(t, s, rb.file, rb.params...)
			if got := sentChanges(r); len(got) != 0 {
				t.Fatalf("planning sent changes: %v", got)
			}
			if len(r.requests) == 0 {
				t.Errorf("planning sent no reads at all")
			}
			p := readPlan(t, path)
			if len(p.Mutations) != rb.changes {
				t.Fatalf("%d planned changes, want %d:\n%s", len(p.Mutations), rb.changes, r.stdout)
			}
			for _, m := range p.Mutations {
				if m.Description == "" || strings.HasPrefix(m.Description, m.Method+" ") {
					t.Errorf("change #%d has no description an operator understands: %q", m.Seq, m.Description)
				}
			}
			a := glrunSim(t, s, "apply", "--sim", path)
			if a.code != 0 {
				t.Fatalf("glrun apply: exit %d\n%s", a.code, a.stderr)
			}
			if diff := cmp.Diff(plannedChanges(p, nil), sentChanges(a)); diff != "" {
				t.Errorf("apply sent other changes than planned (-planned +sent):\n%s", diff)
			}
			if !strings.Contains(a.stderr, "planned changes sent") {
				t.Errorf("apply does not say what it sent:\n%s", a.stderr)
			}
		})
	}
}

// 'glrun run --dry-run' prints the plan and sends no change.
func TestRunDryRunPrintsThePlanAndSendsNoChange(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	r := glrunSim(t, s, "run", "--sim", "--dry-run", "../runbooks/power_cycle.star", "group=prod-db", "batch=4")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if got := sentChanges(r); len(got) != 0 {
		t.Fatalf("a dry run sent changes: %v", got)
	}
	for _, want := range []string{"Plan for ../runbooks/power_cycle.star", "+ #1", "restart server prod-db-01", "via job template Server Restart", "Plan: 11 to create, 0 to update, 0 to delete."} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the printed plan lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "prod-db-12") {
		t.Errorf("prod-db-12 is off and must not be restarted:\n%s", r.stdout)
	}
	j := glrunSim(t, s, "run", "--sim", "--dry-run", "-o", "json", "../runbooks/power_cycle.star", "group=prod-db")
	if j.code != 0 {
		t.Fatalf("exit %d\n%s", j.code, j.stderr)
	}
	if _, err := plan.Parse([]byte(j.stdout)); err != nil {
		t.Errorf("run --dry-run -o json is not a plan: %v\n%s", err, j.stdout)
	}
}

// A dry run sees what it "created": a job it created reads back COMPLETE,
// a user it invited is found by identity.users.find, a credential it
// created is listed, and deleted objects disappear from lists.
func TestDryRunReadsSeeThePlannedObjects(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rbPath := filepath.Join(dir, "seen.star")
	src := `
def main():
    srv = compute.servers.list(filter = odata.filter("name eq {}", "lab-01"))[0]
    job = compute.jobs.create("power_off", srv)
    done = compute.jobs.wait(job, timeout = "10m", poll = "5s")
    after = compute.servers.get(srv.id)
    identity.users.invite("zoe@example.com")
    zoe = identity.users.find("zoe@example.com")
    cred = workspaces.credentials.create("zoe automation")
    names = [c.credentialName for c in workspaces.credentials.list()]
    jane = identity.users.find("jane.doe@example.com")
    identity.users.delete(jane.id)
    checks = {
        "the job reads back COMPLETE": done.state == "COMPLETE",
        "the job has a planned id": job.id == "plan-job-0001",
        "the power-off shows on the server": after.hardware.powerState == "OFF",
        "the invited user is found": zoe != None and zoe.id == "plan-user-0001",
        "the credential is listed": "zoe automation" in names,
        "the secret is redacted": str(cred.clientSecret) == "<redacted>",
        "the deleted user is gone": identity.users.find("jane.doe@example.com") == None,
    }
    for what, ok in checks.items():
        if not ok:
            fail("dry run: not true: " + what)
`
	if err := os.WriteFile(rbPath, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newTestSim(t)
	out := filepath.Join(dir, "p.json")
	r := glrunSim(t, s, "plan", "--sim", rbPath, "--out", out)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if got := sentChanges(r); len(got) != 0 {
		t.Fatalf("planning sent changes: %v", got)
	}
	p := readPlan(t, out)
	want := []string{"power off server lab-01", "invite user zoe@example.com", "create API credential 'zoe automation'", "delete user jane.doe@example.com"}
	if len(p.Mutations) != len(want) {
		t.Fatalf("%d changes, want %d: %+v", len(p.Mutations), len(want), p.Mutations)
	}
	for i, w := range want {
		if !strings.HasPrefix(p.Mutations[i].Description, w) {
			t.Errorf("change #%d: %q, want it to start with %q", i+1, p.Mutations[i].Description, w)
		}
	}
	if p.Mutations[0].Creates != "plan-job-0001" || p.Mutations[1].Creates != "plan-user-0001" || p.Mutations[2].Creates != "plan-credential-0001" {
		t.Errorf("planned ids: %q %q %q", p.Mutations[0].Creates, p.Mutations[1].Creates, p.Mutations[2].Creates)
	}
	if srv, _ := s.ServerByName("lab-01"); field(srv, "hardware", "powerState") != "ON" {
		t.Errorf("the dry run powered lab-01 off for real")
	}
	if hasUser(s.Users(), "zoe@example.com") || !hasUser(s.Users(), "jane.doe@example.com") {
		t.Errorf("the dry run changed the users for real")
	}
}

// A plan never holds a secret: not the API client's, not a credential's
// (created or reset), neither in the file nor in its rendering.
func TestPlansNeverHoldSecrets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rbPath := filepath.Join(dir, "secrets.star")
	src := `
def main():
    made = workspaces.credentials.create("robot")
    log.info("made", secret = made.clientSecret)
    ci = [c for c in workspaces.credentials.list() if c.credentialName == "ci-pipeline"][0]
    again = workspaces.credentials.reset(ci.id)
    print("reset", again.clientSecret)
    return {"made": str(made.clientSecret), "reset": str(again.clientSecret)}
`
	if err := os.WriteFile(rbPath, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newTestSim(t)
	out := filepath.Join(dir, "p.json")
	r := glrunSim(t, s, "plan", "--sim", rbPath, "--out", out)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	file, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	show := glrunSim(t, s, "show", out)
	showJSON := glrunSim(t, s, "show", "-o", "json", out)
	dry := glrunSim(t, s, "run", "--sim", "--dry-run", rbPath)
	secrets := []string{sim.DemoClientSecret}
	for _, c := range s.Credentials() {
		if sec, ok := c["clientSecret"].(interface{ Reveal() string }); ok && sec.Reveal() != "" {
			secrets = append(secrets, sec.Reveal())
		}
	}
	hex32 := regexp.MustCompile(`\b[0-9a-f]{32}\b`)
	for name, text := range map[string]string{
		"plan file": string(file), "plan output": r.stdout + r.stderr, "show": show.stdout + show.stderr,
		"show -o json": showJSON.stdout, "run --dry-run": dry.stdout + dry.stderr,
	} {
		for _, sec := range secrets {
			if strings.Contains(text, sec) {
				t.Errorf("%s holds a secret %s…", name, sec[:4])
			}
		}
		for _, m := range hex32.FindAllString(text, -1) {
			if m != sim.DemoWorkspaceID { // the workspace a plan records: an id, not a secret
				t.Errorf("%s holds something that looks like a secret: %s…", name, m[:4])
			}
		}
	}
	if !strings.Contains(string(file), "reset the secret of API credential 'ci-pipeline'") {
		t.Errorf("the reset is not described:\n%s", file)
	}
	if !strings.Contains(r.stderr, "<redacted>") {
		t.Errorf("the synthesized secret should print as <redacted>:\n%s", r.stderr)
	}
}

// The plans of the example runbooks are stable (golden files in
// testdata/plans, rewritten with -update), and 'glrun show' renders them
// as the golden .txt files say; -o json prints the plan itself.
func TestShowGolden(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "testdata", "plans")
	for _, rb := range exampleRunbooks {
		t.Run(rb.name, func(t *testing.T) {
			planFile := filepath.Join(dir, rb.name+".plan.json")
			if updating() {
				s := newTestSim(t)
				path, _ := makePlanFile(t, s, rb.file, rb.params...)
				p := readPlan(t, path)
				normalize(p)
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := p.WriteFile(planFile); err != nil {
					t.Fatal(err)
				}
			}
			show := glrunSim(t, nil, "show", planFile)
			if show.code != 0 {
				t.Fatalf("glrun show: exit %d\n%s", show.code, show.stderr)
			}
			if strings.Contains(show.stdout, "\x1b[") {
				t.Errorf("show coloured output that is not a terminal")
			}
			golden(t, filepath.Join(dir, rb.name+".show.txt"), []byte(show.stdout))
			js := glrunSim(t, nil, "show", "-o", "json", planFile)
			want, err := os.ReadFile(planFile)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), js.stdout); diff != "" {
				t.Errorf("show -o json is not the plan (-file +shown):\n%s", diff)
			}
		})
	}
}

// The golden plans still match what planning the example runbooks gives
// (only time, version, git and hashes normalized).
func TestExamplePlansMatchTheGoldenPlans(t *testing.T) {
	t.Parallel()
	for _, rb := range exampleRunbooks {
		t.Run(rb.name, func(t *testing.T) {
			s := newTestSim(t)
			path, _ := makePlanFile(t, s, rb.file, rb.params...)
			got := readPlan(t, path)
			normalize(got)
			gb, err := got.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("..", "testdata", "plans", rb.name+".plan.json"), gb)
		})
	}
}

// normalize blanks what changes between runs and commits.
func normalize(p *plan.Plan) {
	p.Created = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p.Glrun = "test"
	// Where the runbook is seen from the plan file and the checkout's top
	// depends on the machine: as if the plan were saved beside the golden.
	name := path.Base(p.Runbook.Path)
	p.Runbook.FromPlan = "../../runbooks/" + name
	p.Runbook.Git = &plan.Git{Commit: "0123456789abcdef0123456789abcdef01234567", Dirty: false, Path: "runbooks/" + name}
	const sum = "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e"
	p.Runbook.SHA256 = sum
	for i := range p.Runbook.Files {
		p.Runbook.Files[i].SHA256 = sum
	}
}
