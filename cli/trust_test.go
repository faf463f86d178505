package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/exitcode"
	"glrun/glapi/sim"
)

// writeRunbook writes src as NAME in a fresh directory and returns its path.
func writeRunbook(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestValidationErrorAfterChangesIsARunbookFailure: exit 2 promises that
// nothing was sent. A runbook that started jobs and then called a builtin
// with a bad argument, a filter that does not parse or undecodable JSON
// exits 1 instead, and its report says what it sent and what is still
// running. The same mistake before any change still exits 2.
func TestValidationErrorAfterChangesIsARunbookFailure(t *testing.T) {
	t.Parallel()
	const start = "def main():\n" +
		"    s = compute.servers.list()\n" +
		"    jobs = [compute.jobs.create(\"restart\", x) for x in s[:2]]\n"
	cases := []struct {
		name, mistake, msg string
	}{
		{"a bad duration", `compute.jobs.wait_all(jobs, timeout = "30 minutes")`, `parameter "timeout": want a duration`},
		{"a list where one job is expected", `compute.jobs.wait(jobs)`, `parameter "job": want a job record`},
		{"a filter that does not parse", `compute.servers.list(filter = "name eq")`, `filter syntax error`},
		{"undecodable JSON", `json.decode("{")`, `json.decode: at offset 1`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := writeRunbook(t, "mistake.star", start+"    "+tc.mistake+"\n")
			r := glrunSim(t, newTestSim(t), "run", "--sim", p)
			if r.code != exitcode.Failed {
				t.Fatalf("exit %d, want %d (changes were sent)\n%s", r.code, exitcode.Failed, r.stderr)
			}
			for _, want := range []string{tc.msg, "mistake.star failed after", "2 changes", "2 job(s) still in flight"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
		})
	}
	t.Run("before any change", func(t *testing.T) {
		t.Parallel()
		p := writeRunbook(t, "early.star", "def main():\n    compute.servers.list(filter = \"name eq\")\n")
		r := glrunSim(t, newTestSim(t), "run", "--sim", p)
		if r.code != exitcode.Usage || len(r.mutations()) != 0 {
			t.Fatalf("exit %d with %d changes, want %d and none\n%s", r.code, len(r.mutations()), exitcode.Usage, r.stderr)
		}
	})
}

// TestToolMessagesCountInEnglish: check, lint and fmt say "1 file", not
// "1 files", in their summaries and failures, and a dry run "1 change
// planned".
func TestToolMessagesCountInEnglish(t *testing.T) {
	t.Parallel()
	good := writeRunbook(t, "good.star", "\"\"\"Say hello.\"\"\"\n\ndef main():\n    \"\"\"Say hello.\"\"\"\n    return \"hello\"\n")
	bad := writeRunbook(t, "bad.star", "def main(:\n")
	messy := writeRunbook(t, "messy.star", "def main():\n    return  1\n")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"check", good}, "1 file ok"},
		{[]string{"check", bad}, "1 of 1 file has errors"},
		{[]string{"lint", good}, "1 file, no findings"},
		{[]string{"lint", messy}, "in 1 file"},
		{[]string{"fmt", "--check", bad}, "1 of 1 file does not parse"},
		{[]string{"fmt", "--check", messy}, "1 of 1 file needs formatting"},
		{[]string{"run", "--sim", "--dry-run", writeRunbook(t, "one.star", "def main():\n    compute.jobs.create(\"restart\", compute.servers.list()[0])\n")}, "; 1 change planned, none sent"},
	}
	for _, tc := range cases {
		r := glrunTool(t, "", tc.args...)
		if got := r.stdout + r.stderr; !strings.Contains(got, tc.want) || strings.Contains(got, "1 files") {
			t.Errorf("glrun %s: want %q, got:\n%s", strings.Join(tc.args[:len(tc.args)-1], " "), tc.want, got)
		}
	}
}

// TestDocsOutsideTheRepositoryWritesNothing: 'glrun docs' without --out
// regenerates docs/builtins.md only in glrun's own repository; anywhere
// else it writes nothing, exits 2 and says to use --out.
func TestDocsOutsideTheRepositoryWritesNothing(t *testing.T) {
	if !isGlrunRepository("..") {
		t.Error("the repository root is not recognised as glrun's repository")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	r := glrunTool(t, "", "docs")
	if r.code != exitcode.Usage || !strings.Contains(r.stderr, "nothing was written") || !strings.Contains(r.stderr, "--out -") {
		t.Errorf("docs outside the repository: exit %d, stderr %q; want 2 and a hint", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "docs")); !os.IsNotExist(err) {
		t.Errorf("docs outside the repository created a docs folder (stat: %v)", err)
	}
	if r := glrunTool(t, "", "docs", "--out", "ref.md"); r.code != 0 {
		t.Errorf("docs --out ref.md: exit %d: %s", r.code, r.stderr)
	}
}

// TestJobsNeverWaitedForAreWarned: a runbook that creates jobs and ends
// without waiting succeeds, but its report warns that the jobs were still
// running (in the text summary and in -o json).
func TestJobsNeverWaitedForAreWarned(t *testing.T) {
	t.Parallel()
	p := writeRunbook(t, "nowait.star", "def main():\n    for s in compute.servers.list()[:3]:\n        compute.jobs.create(\"restart\", s)\n")
	const want = "3 jobs were still PENDING when the runbook ended; they keep running in GreenLake"
	r := glrunSim(t, newTestSim(t), "run", "--sim", p)
	if r.code != exitcode.OK || !strings.Contains(r.stderr, "glrun: warning: "+want) {
		t.Errorf("exit %d, want 0 and the warning %q:\n%s", r.code, want, r.stderr)
	}
	r = glrunSim(t, newTestSim(t), "run", "--sim", "-o", "json", p)
	var rep struct{ Warnings []string }
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || len(rep.Warnings) != 1 || !strings.HasPrefix(rep.Warnings[0], want) {
		t.Errorf("-o json warnings = %q (err %v), want %q", rep.Warnings, err, want)
	}
	// A run whose jobs all finished has nothing to warn about.
	r = glrunSim(t, newTestSim(t), "run", "--sim", "../runbooks/power_cycle.star", "group=prod-web")
	if strings.Contains(r.stderr, "warning") {
		t.Errorf("power_cycle warns:\n%s", r.stderr)
	}
}

// TestCheckCatchesMisspeltBuiltinsAndTemplates: 'glrun check' knows what
// lint and the runtime know. A misspelt member of a builtin module, a
// literal job template alias that does not exist and an undefined name
// each get a did-you-mean and exit 2; 'glrun run', which checks first,
// sends nothing, though the mistakes come after a change.
func TestCheckCatchesMisspeltBuiltinsAndTemplates(t *testing.T) {
	t.Parallel()
	const head = "def main():\n    s = compute.servers.list()[0]\n    job = compute.jobs.create(\"restart\", s)\n    compute.jobs.wait_all([job])\n"
	cases := []struct {
		name, line, want string
	}{
		{"misspelt member", "compute.groups.lst()", `compute.groups has no member lst (did you mean "list"?)`},
		{"misspelt module", "compute.group.list()", `compute has no member group (did you mean "groups"?)`},
		{"misspelt template", `compute.jobs.wait_all([compute.jobs.create("restrat", s)])`, `unknown job template "restrat" (did you mean restart?)`},
		{"misspelt template by keyword", `compute.jobs.wait_all([compute.jobs.create(template = "power_of", resource = s)])`, `unknown job template "power_of" (did you mean power_off?)`},
		{"undefined function", "chunk([1], 1)", "undefined: chunk (did you mean chunks?)"},
		{"undefined module", "compte.servers.list()", "undefined: compte (did you mean compute?)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := writeRunbook(t, "typo.star", head+"    "+tc.line+"\n")
			c := glrunTool(t, "", "check", p)
			if c.code != exitcode.Usage || !strings.Contains(c.stderr, "typo.star:5:") || !strings.Contains(c.stderr, tc.want) {
				t.Errorf("check: exit %d, want 2 and %q at typo.star:5:\n%s", c.code, tc.want, c.stderr)
			}
			r := glrunSim(t, newTestSim(t), "run", "--sim", p)
			if r.code != exitcode.Usage || len(r.requests) != 0 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("run: exit %d after %d requests, want 2, none sent and %q:\n%s", r.code, len(r.requests), tc.want, r.stderr)
			}
		})
	}
	// One check reports every mistake of a file, in the order of its lines.
	all := writeRunbook(t, "typos.star", "def main():\n    g = compute.groups.lst()\n    h = compute.group.list()\n"+
		"    s = compute.servers.list()[0]\n    compute.jobs.create(\"restrat\", s)\n    x = chunk([1], 1)\n    compte.servers.list()\n")
	c := glrunTool(t, "", "check", all)
	wants := []string{
		`typos.star:2:24: compute.groups has no member lst (did you mean "list"?)`,
		`typos.star:3:17: compute has no member group (did you mean "groups"?)`,
		`typos.star:5:25: compute.jobs.create: unknown job template "restrat" (did you mean restart?)`,
		"typos.star:6:9: undefined: chunk (did you mean chunks?)",
		"typos.star:7:5: undefined: compte (did you mean compute?)",
	}
	last := -1
	for _, w := range wants {
		i := strings.Index(c.stderr, w)
		if i < 0 || i < last {
			t.Errorf("check of several typos: want %q (after the previous ones) in:\n%s", w, c.stderr)
		}
		last = i
	}
	// A name bound in the runbook is not the builtin module.
	p := writeRunbook(t, "shadow.star", "def main():\n    compute = {\"groups\": 1}\n    return compute[\"groups\"]\n")
	if c := glrunTool(t, "", "check", p); c.code != exitcode.OK {
		t.Errorf("check of a local named compute: exit %d\n%s", c.code, c.stderr)
	}
}

// TestApplyStopListsTheJobsItStarted: an apply that stops (on drift, or on
// its --timeout) lists the jobs it had started and which are still in
// flight, as a run's report does.
func TestApplyStopListsTheJobsItStarted(t *testing.T) {
	t.Parallel()
	s := newTestSim(t)
	path, _ := makePlanFile(t, s, "../runbooks/power_cycle.star", "group=lab", "batch=4")
	// After the preflight passed, the third restart becomes lab-03, not the
	// planned lab-04: the per-change check stops the apply there.
	a := glrunApplyDriftingAfterPreflight(t, s, func() { setPower(t, s, "lab-03", "ON") }, "apply", "--sim", path)
	if a.code != exitcode.Drift {
		t.Fatalf("exit %d, want %d\n%s", a.code, exitcode.Drift, a.stderr)
	}
	for _, want := range []string{"apply stopped before change #3 of 9", "glrun: jobs: 2 (2 PENDING)", "2 job(s) still in flight in GreenLake"} {
		if !strings.Contains(a.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, a.stderr)
		}
	}
	if n := strings.Count(a.stderr, " restart on "); n != 2 {
		t.Errorf("%d started jobs listed, want 2:\n%s", n, a.stderr)
	}
}

// stallClock is a virtual clock on which, once a sleep has carried the
// simulated time past at, every later sleep lasts until the run's context
// ends: a wait that outlasts the run's --timeout in real time.
type stallClock struct {
	*clock.Virtual
	at time.Time
}

// Sleep advances the time, or blocks until ctx ends once past at.
func (c *stallClock) Sleep(ctx context.Context, d time.Duration) error {
	if !c.Now().Before(c.at) {
		<-ctx.Done()
		return ctx.Err()
	}
	return c.Virtual.Sleep(ctx, d)
}

// TestContextErrorsReadInPlainWords: a run stopped by its --timeout or by
// Ctrl-C while a builtin waits says so in words ("the run's --timeout of
// 1s ran out", "interrupted"), never Go's "context deadline exceeded" or
// "context canceled", in its message and in the -o json report. (The
// --timeout is a second of real time, long enough for the run to reach its
// wait on a busy machine.)
func TestContextErrorsReadInPlainWords(t *testing.T) {
	t.Parallel()
	args := []string{"../runbooks/power_cycle.star", "group=prod-web", "batch=16"}
	cases := []struct {
		name  string
		flags []string
		clk   func(cancel context.CancelFunc) clock.Clock
		code  int
		want  string
		why   string // how the message ends
	}{
		{"--timeout", []string{"--timeout", "1s"}, func(context.CancelFunc) clock.Clock {
			return &stallClock{Virtual: clock.NewVirtual(relStart), at: relStart.Add(30 * time.Second)}
		}, exitcode.Timeout, "compute.jobs.wait_all: stopped while waiting for job ", ": the run's --timeout of 1s ran out\n"},
		{"Ctrl-C", nil, func(cancel context.CancelFunc) clock.Clock {
			return &cancelClock{Virtual: clock.NewVirtual(relStart), at: relStart.Add(30 * time.Second), cancel: cancel}
		}, exitcode.Interrupted, "compute.jobs.wait_all: stopped while waiting for job ", ": interrupted\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, output := range []string{"text", "json"} {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				s := sim.New(sim.Options{Clock: tc.clk(cancel), TokenClock: clock.NewVirtual(relStart)})
				var out, errb bytes.Buffer
				all := append(append([]string{"run", "--sim", "-o", output}, tc.flags...), args...)
				code := Execute(ctx, all, streams{in: strings.NewReader(""), out: &out, err: &errb, sim: s})
				got := out.String() + errb.String()
				if code != tc.code || !strings.Contains(got, tc.want) || !strings.Contains(got, tc.why) {
					t.Errorf("-o %s: exit %d, want %d and %q ... %q:\n%s", output, code, tc.code, tc.want, tc.why, got)
				}
				for _, jargon := range []string{"context deadline exceeded", "context canceled"} {
					if strings.Contains(got, jargon) {
						t.Errorf("-o %s prints %q:\n%s", output, jargon, got)
					}
				}
			}
		})
	}
}
