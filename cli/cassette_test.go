package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"glrun/exitcode"
	"glrun/glapi/sim"
)

// recordCassettes re-records the cassettes in testdata/cassettes from
// 'glrun sim serve' in another process, with their golden outputs:
//
//	go test ./cli -run TestCassettes -record-cassettes
var recordCassettes = flag.Bool("record-cassettes", false, "re-record testdata/cassettes from 'glrun sim serve' in another process")

const cassetteDir = "../testdata/cassettes"

// cassetteRuns are the runs recorded into testdata/cassettes: the cassette
// name and the runbook with its parameters.
var cassetteRuns = []struct {
	name string
	args []string
}{
	{"power_cycle", []string{"../runbooks/power_cycle.star", "group=prod-db", "batch=4", "poll=1s"}},
	{"firmware_update", []string{"../runbooks/firmware_update.star", "group=lab", "batch=5", "poll=1s"}},
	{"onboard_user", []string{"../runbooks/onboard_user.star", "email=cassette.test@example.com"}},
	{"power_cycle_unknown_group", []string{"../runbooks/power_cycle.star", "group=no-such-group"}},
	{"onboard_server", []string{"../runbooks/onboard_server.star", "serial=CZ2401ONB2", "part=P52534-B21", "group=lab", "poll=5s"}},
	// Last, so that the audit log holds the changes recorded before it; an
	// absolute since= (a duration would depend on the time of the replay).
	{"audit_report", []string{"../runbooks/audit_report.star", "since=2020-01-01T00:00:00Z"}},
}

// simServeProcess starts 'glrun sim serve' in its own process and returns
// its base URL and a function that stops it (and waits for it to exit).
func simServeProcess(t *testing.T, extra ...string) (string, func()) {
	t.Helper()
	args := append([]string{"sim", "serve", "--addr", "127.0.0.1:0"}, extra...)
	cmd, out := glrunProcess(t, args...)
	for out.Scan() {
		if rest, ok := strings.CutPrefix(out.Text(), "glrun simulator listening on "); ok {
			go func() {
				for out.Scan() {
				}
			}()
			stop := func() {
				_ = cmd.Process.Signal(os.Interrupt)
				_ = cmd.Wait()
			}
			return strings.TrimSpace(rest), stop
		}
	}
	t.Fatalf("glrun sim serve did not say where it listens: %v", out.Err())
	return "", nil
}

// goldenOf is what a run printed on stdout, the error it reported (the
// stderr lines naming a runbook position; the others hold timings) and how
// it exited.
func goldenOf(r result) string {
	var errs strings.Builder
	for _, l := range strings.Split(r.stderr, "\n") {
		if errorLine.MatchString(l) {
			errs.WriteString("stderr: " + l + "\n")
		}
	}
	return fmt.Sprintf("%s%sexit %d\n", r.stdout, errs.String(), r.code)
}

var errorLine = regexp.MustCompile(`^glrun: [\w./-]+\.star:\d+`)

// recordAgainst records each run against a 'glrun sim serve' process into
// dir, returning the goldens by name. The process is stopped before it
// returns.
func recordAgainst(t *testing.T, dir string) map[string]string {
	t.Helper()
	base, stop := simServeProcess(t, "--time-scale", "1200")
	defer stop()
	env := demoEnv(t)
	out := map[string]string{}
	for _, run := range cassetteRuns {
		file := filepath.Join(dir, run.name+".yaml")
		args := append([]string{"run", "--base-url", base, "--record", file}, run.args...)
		r := glrunEnv(t, nil, env, args...)
		if r.code != 0 && r.code != 1 {
			t.Fatalf("recording %s: exit %d\n%s", run.name, r.code, r.stderr)
		}
		out[run.name] = goldenOf(r)
	}
	return out
}

// replayRun replays a cassette with the run's arguments. A replay reads
// no credentials: the environment does not matter.
func replayRun(t *testing.T, file string, args []string) result {
	t.Helper()
	return glrunSim(t, nil, append([]string{"run", "--replay", file}, args...)...)
}

// Record against the stand-alone simulator, stop it, replay: the same
// output and exit code, with nothing listening any more.
func TestRecordAgainstSimServeStopItThenReplay(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	recorded := recordAgainst(t, dir) // the simulator process has exited here
	for _, run := range cassetteRuns {
		t.Run(run.name, func(t *testing.T) {
			start := time.Now()
			r := replayRun(t, filepath.Join(dir, run.name+".yaml"), run.args)
			t.Logf("replay of %s took %s", run.name, time.Since(start))
			if got, want := goldenOf(r), recorded[run.name]; got != want {
				t.Errorf("replay printed\n%s\nthe recording printed\n%s\nstderr:\n%s", got, want, r.stderr)
			}
			if !strings.Contains(r.stderr, "replay: nothing is sent") && !strings.Contains(r.stderr, "glrun:") {
				t.Errorf("stderr does not describe the replay:\n%s", r.stderr)
			}
		})
	}
}

// The cassettes kept in testdata replay to their golden outputs.
func TestCassettesReplayToTheirGoldenOutput(t *testing.T) {
	t.Parallel()
	if *recordCassettes {
		goldens := recordAgainst(t, cassetteDir)
		for name, g := range goldens {
			if err := os.WriteFile(filepath.Join(cassetteDir, name+".golden"), []byte(g), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, run := range cassetteRuns {
		t.Run(run.name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(cassetteDir, run.name+".golden"))
			if err != nil {
				t.Fatalf("%v (go test ./cli -run TestCassettes -record-cassettes records it)", err)
			}
			r := replayRun(t, filepath.Join(cassetteDir, run.name+".yaml"), run.args)
			if got := goldenOf(r); got != string(want) {
				t.Errorf("replay printed\n%s\nwant (%s.golden)\n%s\nstderr:\n%s", got, run.name, want, r.stderr)
			}
		})
	}
}

// A replay whose run asks for something else fails, naming the request,
// the closest recorded one and what differs.
func TestReplayDivergenceNamesTheDifference(t *testing.T) {
	t.Parallel()
	r := replayRun(t, filepath.Join(cassetteDir, "onboard_user.yaml"), []string{"../runbooks/onboard_user.star", "email=someone.else@example.com"})
	if r.code != exitcode.Failed {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitcode.Failed, r.stderr)
	}
	for _, want := range []string{
		"replay diverged",
		"holds no answer for GET /identity/v1/users?filter=",
		"someone.else%40example.com",
		"closest recorded (interaction",
		`differs: query filter: "username eq 'someone.else@example.com'" (request) vs "username eq 'cassette.test@example.com'" (recorded)`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	// A divergence is permanent and nothing was sent: not retried, and not
	// an "outcome unknown"; spaces show as %20, as they travel.
	for _, unwanted := range []string{"attempt", "outcome", "filter=username+eq"} {
		if strings.Contains(r.stderr, unwanted) {
			t.Errorf("stderr has %q:\n%s", unwanted, r.stderr)
		}
	}
}

func TestReplayFlagsRefuseATarget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"run", "--replay", "x.yaml", "--sim", "../runbooks/failed_jobs.star"}, "--replay and --sim do not go together"},
		{[]string{"run", "--replay", "x.yaml", "--base-url", "http://127.0.0.1:1", "../runbooks/failed_jobs.star"}, "--replay and --base-url do not go together"},
		{[]string{"run", "--replay", filepath.Join(t.TempDir(), "absent.yaml"), "../runbooks/failed_jobs.star"}, "absent.yaml: no such file"},
	}
	for _, tt := range tests {
		r := glrunSim(t, nil, tt.args...)
		if r.code != exitcode.Usage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

// No cassette in testdata holds the demo secret, a bearer token or a
// clientSecret value.
func TestCassettesHoldNoSecrets(t *testing.T) {
	t.Parallel()
	bearer := regexp.MustCompile(`Bearer\s+[A-Za-z0-9\-._~+/]+=*`)
	clientSecret := regexp.MustCompile(`(?i)(client_?secret|access_token|refresh_token)\\?"?\s*[:=]\s*\\?"?([^"\\<%&,}\s]+)`)
	var files []string
	_ = filepath.WalkDir("..", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") && strings.Contains(filepath.ToSlash(p), "/testdata/") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 2 {
		t.Fatalf("found %d cassettes under testdata, want at least 2", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if strings.Contains(text, sim.DemoClientSecret) {
			t.Errorf("%s holds the demo client secret", f)
		}
		if m := bearer.FindString(text); m != "" {
			t.Errorf("%s holds a bearer token: %q", f, m)
		}
		for _, m := range clientSecret.FindAllStringSubmatch(text, -1) {
			t.Errorf("%s holds a %s value: %q", f, m[1], m[2])
		}
	}
}

// go test ./... runs the runbooks' own tests.
func TestRunbookTestsPass(t *testing.T) {
	t.Parallel()
	r := glrunSim(t, nil, "test", "../runbooks")
	if r.code != 0 {
		t.Fatalf("glrun test ../runbooks: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if last := lines[len(lines)-1]; !regexp.MustCompile(`^\d+ passed, 0 failed$`).MatchString(last) {
		t.Errorf("last line %q, want \"N passed, 0 failed\"", last)
	}
}

func TestTestCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"test", "../runtest/testdata/failing"}, exitcode.Failed, []string{"FAIL ../runtest/testdata/failing/failing_test.star: test_collects_every_failure", "failing_test.star:9: assert.eq: got \"ok\", want \"failed\"", "1 passed, 3 failed"}},
		{[]string{"test", "-run", "^test_passes$", "../runtest/testdata/failing"}, exitcode.OK, []string{"ok   ../runtest/testdata/failing/failing_test.star: test_passes", "1 passed, 0 failed"}},
		{[]string{"test", "-v", "-run=collects", "../runtest/testdata/failing"}, exitcode.Failed, []string{"=== RUN", "INFO greeting name=prod-web"}},
		{[]string{"test", "-run", "(", "../runbooks"}, exitcode.Usage, []string{"-run \"(\": not a regular expression"}},
		{[]string{"test", "-run", "nothing-at-all", "../runbooks"}, exitcode.Usage, []string{"no test matches -run"}},
		{[]string{"test", "../cli"}, exitcode.Usage, []string{"no *_test.star files in ../cli"}},
		{[]string{"test", "--help"}, exitcode.OK, []string{"runbook.run(path, **params)", "glrun test runbooks/"}},
	}
	for _, tt := range tests {
		r := glrunSim(t, nil, tt.args...)
		if r.code != tt.code {
			t.Errorf("%q: exit %d, want %d\n%s%s", tt.args, r.code, tt.code, r.stdout, r.stderr)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(r.stdout+r.stderr, w) {
				t.Errorf("%q: output lacks %q:\n%s%s", tt.args, w, r.stdout, r.stderr)
			}
		}
	}
}

// BenchmarkReplayLongestCassette replays the largest cassette in testdata.
func BenchmarkReplayLongestCassette(b *testing.B) {
	best, size := "", int64(0)
	var args []string
	for _, run := range cassetteRuns {
		fi, err := os.Stat(filepath.Join(cassetteDir, run.name+".yaml"))
		if err == nil && fi.Size() > size {
			best, size, args = run.name, fi.Size(), run.args
		}
	}
	if best == "" {
		b.Fatal("no cassette in testdata/cassettes")
	}
	file := filepath.Join(cassetteDir, best+".yaml")
	b.Logf("cassette %s (%d bytes)", file, size)
	argv := append([]string{"run", "--replay", file}, args...)
	for b.Loop() {
		var out, errb bytes.Buffer
		if code := Execute(context.Background(), argv, streams{in: strings.NewReader(""), out: &out, err: &errb}); code != 0 {
			b.Fatalf("replay exit %d: %s", code, errb.String())
		}
	}
}

// A replay of a run that waited more than thirty simulated minutes takes
// none of them: the replay's clock is virtual.
func TestReplayOfALongWaitTakesNoWallTime(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "long.yaml")
	args := []string{"../runbooks/firmware_update.star", "group=lab", "batch=2", "poll=5m"}
	rec := glrunSim(t, newTestSim(t), append([]string{"run", "--sim", "--record", file}, args...)...)
	if rec.code != 0 {
		t.Fatalf("recording: exit %d\n%s", rec.code, rec.stderr)
	}
	r := replayRun(t, file, args)
	if goldenOf(r) != goldenOf(rec) {
		t.Fatalf("replay printed\n%s\nrecording printed\n%s", goldenOf(r), goldenOf(rec))
	}
	m := regexp.MustCompile(`\(simulated ([0-9hms.]+)\)`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("the replay's report gives no simulated time:\n%s", r.stderr)
	}
	waited, err := time.ParseDuration(m[1])
	t.Logf("the replay waited %s of simulated time", waited)
	if err != nil || waited < 30*time.Minute {
		t.Errorf("the replay waited %s of simulated time (%v), want at least 30m", m[1], err)
	}
}
