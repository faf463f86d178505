package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"glrun/exitcode"
	"glrun/glapi"
	"glrun/glapi/sim"
	"glrun/internal/testgit"
	"glrun/plan"
)

// The requester and the approver of the change-control tests: two API
// clients of one 'glrun sim serve', each with its own identity.
const (
	requesterID, requesterSecret, requesterEmail = "requester", "requester-secret-0451", "ops@example.com"
	approverID, approverSecret, approverEmail    = "approver", "approver-secret-0452", "sec@example.com"
)

// credsEnv is an environment holding one client's credentials (and an
// empty configuration directory).
func credsEnv(t *testing.T, id, secret string) map[string]string {
	return map[string]string{"GREENLAKE_CLIENT_ID": id, "GREENLAKE_CLIENT_SECRET": secret, "XDG_CONFIG_HOME": t.TempDir()}
}

func getenvOf(env map[string]string) func(string) string {
	return func(name string) string { return env[name] }
}

// changeControlSim starts 'glrun sim serve' in another process with the
// requester and the approver as clients, and a policy (created through the
// API by the demo client) under which resets on prod-db and lab need 1 of
// sec@example.com. It returns the base URL and the request log's path.
func changeControlSim(t *testing.T) (string, string) {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "requests.jsonl")
	base := startSimServe(t, "--time-scale", "1200", "--request-log", logPath,
		"--client", requesterID+":"+requesterSecret+":"+requesterEmail,
		"--client", approverID+":"+approverSecret+":"+approverEmail)
	c := apiClient(t, base, sim.DemoClientID, sim.DemoClientSecret)
	ctx := context.Background()
	var res []glapi.PolicyResource
	for _, name := range []string{"prod-db", "lab"} {
		gs, err := c.Groups.List(ctx, glapi.ListOptions{Filter: "name eq '" + name + "'"})
		if err != nil || len(gs) != 1 {
			t.Fatalf("group %s: %v %v", name, gs, err)
		}
		res = append(res, glapi.PolicyResource{ResourceID: gs[0].String("id"), ResourceType: glapi.ResourceGroup})
	}
	_, err := c.ApprovalPolicies.Create(ctx, glapi.ApprovalPolicy{Name: "prod resets", PolicyData: &glapi.PolicyData{
		Approvables: []glapi.Approvable{{ApprovableName: "Reset", Approvers: []glapi.Approver{{Email: approverEmail}}, MinApprovers: 1}},
		Resources:   res,
	}})
	if err != nil {
		t.Fatal(err)
	}
	return base, logPath
}

func apiClient(t *testing.T, base, id, secret string) *glapi.Client {
	t.Helper()
	c, err := glapi.New(glapi.Config{BaseURL: base, ClientID: id, ClientSecret: glapi.NewSecret(secret)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// glrunOtherProcess runs glrun with args in another process with env as its
// whole GREENLAKE_* environment, and waits for it.
func glrunOtherProcess(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GREENLAKE_") && !strings.HasPrefix(kv, "GLRUN_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, execArgsEnv+"="+strings.Join(args, "\x1f"))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// An apply against a group under an approval policy completes once the
// approver runs 'glrun approve PLAN' in another process: it approves the
// plan's requests batch by batch (--wait), and leaves an unrelated pending
// request (a reset on lab, not in the plan) pending. The plan says which
// changes need approval, and show prints it.
func TestApplyUnderApprovalPolicyCompletesOnceApproved(t *testing.T) {
	t.Parallel()
	base, logPath := changeControlSim(t)
	req := credsEnv(t, requesterID, requesterSecret)
	appr := credsEnv(t, approverID, approverSecret)
	dir := t.TempDir()
	planPath := filepath.Join(dir, "restart.plan.json")

	r := glrunEnv(t, nil, getenvOf(req), "plan", "--base-url", base, "../runbooks/power_cycle.star", "group=prod-db", "batch=5", "poll=1s", "--out", planPath)
	if r.code != 0 {
		t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
	}
	p := readPlan(t, planPath)
	for _, m := range p.Mutations {
		if m.Approval == nil || m.Approval.Policy != "prod resets" || m.Approval.Approvers[0] != approverEmail {
			t.Fatalf("change #%d %s: approval %+v, want policy 'prod resets' naming %s", m.Seq, m.Description, m.Approval, approverEmail)
		}
	}
	show := glrunTool(t, "", "show", planPath)
	if want := "needs approval: policy prod resets, 1 of " + approverEmail; !strings.Contains(show.stdout, want) {
		t.Errorf("show lacks %q:\n%s", want, show.stdout)
	}

	// Someone else's pending request, on a lab server: not in the plan.
	other := apiClient(t, base, sim.DemoClientID, sim.DemoClientSecret)
	labSrv := firstServerOf(t, other, "lab")
	unrelated, err := other.Jobs.Create(context.Background(), glapi.JobCreate{JobTemplate: templateID(t, "restart"), ResourceID: labSrv, ResourceType: glapi.ResourceServer})
	if err != nil {
		t.Fatal(err)
	}

	// The apply waits for approval; the approver approves from another process.
	applied := make(chan result, 1)
	go func() {
		applied <- glrunEnv(t, nil, getenvOf(req), "apply", "--base-url", base, planPath)
	}()
	ap := glrunOtherProcess(t, appr, "approve", "--base-url", base, "--wait", "2m", "--poll", "200ms", "--remarks", "CHG-1234", "-o", "json", planPath)
	a := <-applied
	if a.code != 0 {
		t.Fatalf("apply: exit %d\n%s\napprove:\n%s%s", a.code, a.stderr, ap.stdout, ap.stderr)
	}
	if ap.code != 0 {
		t.Fatalf("approve: exit %d\n%s%s", ap.code, ap.stdout, ap.stderr)
	}
	for _, secret := range []string{approverSecret, requesterSecret} {
		if strings.Contains(ap.stdout+ap.stderr+a.stdout+a.stderr, secret) {
			t.Error("a client secret was printed")
		}
	}
	var rep approveReport
	if err := json.Unmarshal([]byte(ap.stdout), &rep); err != nil {
		t.Fatalf("approve -o json: %v\n%s", err, ap.stdout)
	}
	if len(rep.Decided) != len(p.Mutations) || len(rep.Conflicts) != 0 || len(rep.Waiting) != 0 {
		t.Errorf("approve decided %d requests (want %d, one per planned change), %d conflicts, waiting %v", len(rep.Decided), len(p.Mutations), len(rep.Conflicts), rep.Waiting)
	}
	for _, d := range rep.Decided {
		if d.State != glapi.ApprovalApproved || d.Requester != requesterEmail {
			t.Errorf("decided %+v, want APPROVED, requested by %s", d, requesterEmail)
		}
	}
	// The unrelated request is still pending, and was reported as left alone.
	reqs, err := other.ApprovalRequests.List(context.Background(), glapi.ListOptions{Filter: "operation/id eq '" + unrelated.String("id") + "'"})
	if err != nil || len(reqs) != 1 || reqs[0].String("approvalState") != glapi.ApprovalPending {
		t.Errorf("the unrelated request: %v %v, want one, PENDING", reqs, err)
	}
	found := false
	for _, d := range rep.Unrelated {
		found = found || d.Request == reqs[0].String("id")
	}
	if !found {
		t.Errorf("approve did not report the unrelated request %s as left alone: %+v", reqs[0].String("id"), rep.Unrelated)
	}

	// The simulator's log: one decision sent per planned change, each on one
	// of the plan's requests, none on any other.
	ours := map[string]bool{}
	for _, d := range rep.Decided {
		ours[d.Request] = true
	}
	decisions := 0
	for _, e := range requestLog(t, logPath, 0) {
		if id, ok := strings.CutSuffix(strings.TrimPrefix(e.Path, glapi.CollectionApprovalRequests+"/"), "/approve"); ok && e.Method == "POST" {
			decisions++
			if !ours[id] {
				t.Errorf("a decision was sent on request %s, which is not one of the plan's", id)
			}
		}
	}
	if decisions != len(p.Mutations) {
		t.Errorf("%d decisions sent, want %d (one per planned change)", decisions, len(p.Mutations))
	}

	// Run again, it finds the plan's requests decided and has nothing to wait for.
	again := glrunEnv(t, nil, getenvOf(appr), "approve", "--base-url", base, "--wait", "10m", "-o", "json", planPath)
	var rep2 approveReport
	if err := json.Unmarshal([]byte(again.stdout), &rep2); err != nil || again.code != 0 {
		t.Fatalf("approve again: exit %d, %v\n%s%s", again.code, err, again.stdout, again.stderr)
	}
	if len(rep2.Decided) != 0 || len(rep2.Earlier) != len(p.Mutations) {
		t.Errorf("approve again: decided %d, earlier %d; want 0 and %d", len(rep2.Decided), len(rep2.Earlier), len(p.Mutations))
	}
}

// A declined request fails the apply with the approver's remarks.
func TestDeclinedRequestFailsTheApplyWithTheRemarks(t *testing.T) {
	t.Parallel()
	base, _ := changeControlSim(t)
	req := credsEnv(t, requesterID, requesterSecret)
	appr := credsEnv(t, approverID, approverSecret)
	planPath := filepath.Join(t.TempDir(), "restart.plan.json")
	if r := glrunEnv(t, nil, getenvOf(req), "plan", "--base-url", base, "../runbooks/power_cycle.star", "group=prod-db", "batch=20", "poll=1s", "--out", planPath); r.code != 0 {
		t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
	}
	applied := make(chan result, 1)
	go func() { applied <- glrunEnv(t, nil, getenvOf(req), "apply", "--base-url", base, planPath) }()
	ap := glrunOtherProcess(t, appr, "approve", "--base-url", base, "--decline", "--remarks", "not during the freeze", "--wait", "1m", "--poll", "200ms", planPath)
	a := <-applied
	if ap.code != 0 || !strings.Contains(ap.stdout, "declined request") {
		t.Errorf("approve --decline: exit %d\n%s%s", ap.code, ap.stdout, ap.stderr)
	}
	if a.code != exitcode.Failed || !strings.Contains(a.stderr, "DECLINED by "+approverEmail) || !strings.Contains(a.stderr, `"not during the freeze (glrun plan `+readPlan(t, planPath).Fingerprint()+`)"`) {
		t.Errorf("apply: exit %d, want a failure naming the approver and the remarks:\n%s", a.code, a.stderr)
	}
}

// approve refuses a plan it must not act on, before sending anything: not
// a plan (exit 2), another target or a runbook changed since (exit 3); a
// pending request that claims a planned server with other parameters is not
// approved (exit 3).
func TestApproveRefuses(t *testing.T) {
	t.Parallel()
	base, logPath := changeControlSim(t)
	req := credsEnv(t, requesterID, requesterSecret)
	appr := credsEnv(t, approverID, approverSecret)
	dir := t.TempDir()
	planPath := filepath.Join(dir, "restart.plan.json")
	if r := glrunEnv(t, nil, getenvOf(req), "plan", "--base-url", base, "../runbooks/power_cycle.star", "group=prod-db", "--out", planPath); r.code != 0 {
		t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
	}
	p := readPlan(t, planPath)

	notAPlan := filepath.Join(dir, "tampered.json")
	b, _ := os.ReadFile(planPath)
	if err := os.WriteFile(notAPlan, bytes.Replace(b, []byte(`"seq": 2`), []byte(`"seq": 7`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	otherTarget := filepath.Join(dir, "other-target.json")
	p2 := *p
	p2.Target.Compute = "https://us-west.api.greenlake.hpe.com"
	if err := p2.WriteFile(otherTarget); err != nil {
		t.Fatal(err)
	}
	changedRunbook := filepath.Join(dir, "changed-runbook.json")
	p3 := *p
	p3.Runbook.Files = append([]plan.File(nil), p.Runbook.Files...)
	p3.Runbook.Files[0].SHA256 = strings.Repeat("0", 64)
	if err := p3.WriteFile(changedRunbook); err != nil {
		t.Fatal(err)
	}
	// The reviewed plan, committed; then edited (still a valid plan: one
	// restart moved to another server).
	edited := committedThenEdited(t, b, []byte(p.Mutations[0].Body.(map[string]any)["resourceId"].(string)), []byte("P00000-B21+EDITED"))
	before := logLines(t, logPath)
	for _, tt := range []struct {
		path string
		code int
		want string
	}{
		{notAPlan, exitcode.Usage, "field mutations[1].seq"},
		{edited, exitcode.Drift, "has changes since it was committed"},
		{otherTarget, exitcode.Drift, "the target differs from the plan"},
		{changedRunbook, exitcode.Drift, "the runbook files differ from the plan"},
	} {
		r := glrunEnv(t, nil, getenvOf(appr), "approve", "--base-url", base, tt.path)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) || !strings.Contains(r.stderr, "approve refused") {
			t.Errorf("approve %s: exit %d, want %d and %q:\n%s", filepath.Base(tt.path), r.code, tt.code, tt.want, r.stderr)
		}
	}
	if after := logLines(t, logPath); after != before {
		t.Errorf("a refused approve sent %d requests", after-before)
	}

	// Nothing applies the plan: --wait runs out with the planned changes
	// still waiting for approval.
	w := glrunEnv(t, nil, getenvOf(appr), "approve", "--base-url", base, "--wait", "300ms", "--poll", "100ms", planPath)
	if w.code != exitcode.Timeout || !strings.Contains(w.stderr, "--wait 300ms ran out: planned change(s) #1, #2") {
		t.Errorf("approve --wait with nothing applied: exit %d, want 4:\n%s%s", w.code, w.stdout, w.stderr)
	}

	// A pending restart of a planned server with parameters the plan does
	// not have: it claims a planned resource but differs from the plan.
	var first glapiJob
	if err := decodeInto(p.Mutations[0].Body, &first); err != nil {
		t.Fatal(err)
	}
	c := apiClient(t, base, requesterID, requesterSecret)
	odd, err := c.Jobs.Create(context.Background(), glapi.JobCreate{JobTemplate: first.JobTemplate, ResourceID: first.ResourceID, ResourceType: first.ResourceType,
		JobParams: map[string]any{"force": true}})
	if err != nil {
		t.Fatalf("create a restart with parameters the plan does not have: %v", err)
	}
	r := glrunEnv(t, nil, getenvOf(appr), "approve", "--base-url", base, planPath)
	if r.code != exitcode.Drift || !strings.Contains(r.stdout, "NOT approved request") || !strings.Contains(r.stdout, "differs from it") {
		t.Errorf("approve with a differing request: exit %d, want 3:\n%s%s", r.code, r.stdout, r.stderr)
	}
	reqs, _ := c.ApprovalRequests.List(context.Background(), glapi.ListOptions{Filter: "operation/id eq '" + odd.String("id") + "'"})
	if len(reqs) != 1 || reqs[0].String("approvalState") != glapi.ApprovalPending {
		t.Errorf("the differing request: %v, want it still PENDING", reqs)
	}
}

// committedThenEdited commits content (a plan file) in a new git
// repository, then replaces old by new in the working copy, and returns
// the file's path.
func committedThenEdited(t *testing.T, content, old, new []byte) string {
	t.Helper()
	dir, git := testgit.Repo(t)
	path := filepath.Join(dir, "reviewed.plan.json")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	git("add", "reviewed.plan.json")
	git("commit", "-q", "-m", "the reviewed plan")
	if err := os.WriteFile(path, bytes.Replace(content, old, new, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// glapiJob is the part of a planned job creation the tests read.
type glapiJob struct {
	JobTemplate  string `json:"jobTemplate"`
	ResourceID   string `json:"resourceId"`
	ResourceType string `json:"resourceType"`
}

func decodeInto(v any, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// logLines counts the lines of the simulator's request log.
func logLines(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(b, []byte("\n"))
}

func firstServerOf(t *testing.T, c *glapi.Client, group string) string {
	t.Helper()
	gs, err := c.Groups.List(context.Background(), glapi.ListOptions{Filter: "name eq '" + group + "'"})
	if err != nil || len(gs) != 1 {
		t.Fatalf("group %s: %v", group, err)
	}
	devs, _ := gs[0]["devices"].([]any)
	if len(devs) == 0 {
		t.Fatalf("group %s has no servers", group)
	}
	id, _ := devs[0].(map[string]any)["deviceId"].(string)
	return id
}

func templateID(t *testing.T, alias string) string {
	t.Helper()
	tmpl, err := glapi.LookupTemplate(alias)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl.ID
}

// Against 'glrun sim serve' in another process: a server powered off
// between plan and apply makes the preflight refuse the apply, and the
// simulator's request log shows that the apply sent no change at all.
func TestPreflightDriftSendsNothingAgainstSimServe(t *testing.T) {
	t.Parallel()
	base, logPath := changeControlSim(t)
	req := credsEnv(t, requesterID, requesterSecret)
	dir := t.TempDir()
	planPath := filepath.Join(dir, "restart.plan.json")
	if r := glrunEnv(t, nil, getenvOf(req), "plan", "--base-url", base, "../runbooks/power_cycle.star", "group=prod-db", "--out", planPath); r.code != 0 {
		t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
	}
	off := filepath.Join(dir, "off.star")
	if err := os.WriteFile(off, []byte(`def main():
    s = compute.servers.list(filter = "name eq 'prod-db-03'")[0]
    compute.jobs.wait(compute.jobs.create("power_off", s), timeout = "5m", poll = "1s")
`), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := glrunEnv(t, nil, getenvOf(credsEnv(t, sim.DemoClientID, sim.DemoClientSecret)), "run", "--base-url", base, off); r.code != 0 {
		t.Fatalf("powering prod-db-03 off: exit %d\n%s", r.code, r.stderr)
	}
	before := logMutations(t, logPath)
	if before == 0 {
		t.Fatal("the request log shows no change, not even the power-off: it is not being written")
	}
	a := glrunEnv(t, nil, getenvOf(req), "apply", "--base-url", base, planPath)
	if a.code != exitcode.Drift || !strings.Contains(a.stderr, "apply refused by the preflight, nothing was sent") ||
		!strings.Contains(a.stderr, "#3 planned: restart server prod-db-03") {
		t.Fatalf("apply: exit %d, want 3 naming prod-db-03:\n%s", a.code, a.stderr)
	}
	if after := logMutations(t, logPath); after != before {
		t.Errorf("the simulator's request log shows %d change(s) sent by a refused apply", after-before)
	}
}

// logMutations counts the changes (not GET, not token requests) in the
// simulator's request log.
func logMutations(t *testing.T, path string) int {
	t.Helper()
	n := 0
	for _, e := range requestLog(t, path, 0) {
		if e.Method != "GET" && e.Path != "/as/token.oauth2" {
			n++
		}
	}
	return n
}
