package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/exitcode"
	"glrun/glapi/sim"
)

// errorsDocRow is one row of the table in docs/errors.md.
type errorsDocRow struct {
	n      int
	prints string // the "What glrun prints" column
	exit   int
	test   string // the first test the row names, with its subtest: the row's key
}

// errorsDocRows parses the table of docs/errors.md.
func errorsDocRows(t *testing.T) []errorsDocRow {
	t.Helper()
	doc, err := os.ReadFile("../docs/errors.md")
	if err != nil {
		t.Fatal(err)
	}
	testRE := regexp.MustCompile("`(Test[^`]*)`")
	var rows []errorsDocRow
	for _, line := range strings.Split(string(doc), "\n") {
		cols := strings.Split(line, "|")
		if len(cols) != 8 {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(cols[1]))
		if err != nil {
			continue
		}
		code, _ := strconv.Atoi(strings.TrimSpace(cols[4]))
		r := errorsDocRow{n: n, prints: cols[3], exit: code}
		if m := testRE.FindStringSubmatch(cols[6]); m != nil {
			r.test = m[1]
		}
		rows = append(rows, r)
	}
	return rows
}

// codeSpans returns the code spans of a Markdown text: `x` and “x `y` z“.
func codeSpans(md string) []string {
	var out []string
	for _, m := range regexp.MustCompile("``\\s?(.+?)\\s?``|`([^`]+)`").FindAllStringSubmatch(md, -1) {
		out = append(out, m[1]+m[2])
	}
	return out
}

// placeholderRE finds what a code span of the doc leaves open: "..." (any
// text on the line) and the upper-case names that stand for a value.
var placeholderRE = regexp.MustCompile(`\.\.\.|…|\b(?:FILE|LINE|COL|NAME2?|SERIAL|RUNBOOK|RESOURCE|BUILTIN|TEMPLATE|MESSAGE|URL|PATH|METHOD|ID|OTHER|LOC|DURATION|N|P|H|X)\b`)

// spanPattern turns a code span of the doc into a regular expression:
// "..." matches any text on the line, a placeholder any word.
func spanPattern(span string) *regexp.Regexp {
	var b strings.Builder
	last := 0
	for _, loc := range placeholderRE.FindAllStringIndex(span, -1) {
		b.WriteString(regexp.QuoteMeta(span[last:loc[0]]))
		if p := span[loc[0]:loc[1]]; p == "..." || p == "…" {
			b.WriteString(`.*?`)
		} else {
			b.WriteString(`\S+?`)
		}
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(span[last:]))
	return regexp.MustCompile(b.String())
}

// docCase runs a row's failure in-process: what glrun printed (stdout and
// standard error) and its exit code.
type docCase struct {
	run func(t *testing.T) (code int, printed string)
	// spans are the indexes of the row's code spans that must be printed;
	// nil means the first one.
	spans []int
}

// glrunDoc runs glrun with args, a --sim in them on a fresh simulator.
func glrunDoc(args ...string) func(t *testing.T) (int, string) {
	return func(t *testing.T) (int, string) {
		r := glrunSim(t, newTestSim(t), args...)
		return r.code, r.stdout + r.stderr
	}
}

// runbookDoc runs 'glrun run --sim' on a runbook with source src.
func runbookDoc(src string, flags ...string) func(t *testing.T) (int, string) {
	return func(t *testing.T) (int, string) {
		p := writeRunbook(t, "rb.star", src)
		return glrunDoc(append(append([]string{"run", "--sim"}, flags...), p)...)(t)
	}
}

// faultyDoc runs a runbook against a simulator that injects faults.
func faultyDoc(faults string, args ...string) func(t *testing.T) (int, string) {
	return func(t *testing.T) (int, string) {
		f, err := sim.ParseFaults(faults)
		if err != nil {
			t.Fatal(err)
		}
		s := sim.New(sim.Options{Clock: clock.NewVirtual(relStart), TokenClock: clock.NewVirtual(relStart), Faults: f})
		r := glrunSim(t, s, append([]string{"run", "--sim"}, args...)...)
		return r.code, r.stdout + r.stderr
	}
}

// clockDoc runs power_cycle.star on a simulator whose clock clk makes
// (it may interrupt the run through cancel).
func clockDoc(clk func(cancel context.CancelFunc) clock.Clock, flags ...string) func(t *testing.T) (int, string) {
	return func(t *testing.T) (int, string) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s := sim.New(sim.Options{Clock: clk(cancel), TokenClock: clock.NewVirtual(relStart)})
		var out, errb bytes.Buffer
		args := append(append([]string{"run", "--sim"}, flags...), "../runbooks/power_cycle.star", "group=prod-web", "batch=16")
		code := Execute(ctx, args, streams{in: strings.NewReader(""), out: &out, err: &errb, sim: s})
		return code, out.String() + errb.String()
	}
}

// hostileDoc runs 'glrun run' of a runbook with source src against a
// server on loopback that answers the token endpoint with token (nil: a
// token) and everything else with api: a GreenLake gone wrong.
func hostileDoc(token, api http.HandlerFunc, src string) func(t *testing.T) (int, string) {
	return func(t *testing.T) (int, string) {
		if token == nil {
			token = func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"access_token":"tok-1","token_type":"Bearer","expires_in":3600}`)
			}
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/token.oauth2") {
				token(w, r)
				return
			}
			api(w, r)
		}))
		t.Cleanup(srv.Close)
		p := writeRunbook(t, "rb.star", src)
		r := glrunEnv(t, nil, demoEnv(t), "run", "--base-url", srv.URL, p)
		if strings.Contains(r.stdout+r.stderr, sim.DemoClientSecret) {
			t.Errorf("the client secret is printed:\n%s", r.stdout+r.stderr)
		}
		return r.code, r.stdout + r.stderr
	}
}

// answerJSON writes status and body as a JSON answer.
func answerJSON(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// getJob is a runbook that reads the job j1.
const getJob = "def main():\n    return compute.jobs.get(\"j1\")\n"

// errorsDocCases are the rows of docs/errors.md run in-process, by the
// first test each row names.
var errorsDocCases = map[string]docCase{
	"TestBadRunbooks/syntax_error.star":    {run: glrunDoc("run", "--sim", "../testdata/bad/syntax_error.star")},
	"TestBadRunbooks/unknown_builtin.star": {run: runbookDoc("def main():\n    chunk([1], 1)\n")},
	"TestCheckCatchesMisspeltBuiltinsAndTemplates": {run: runbookDoc(
		"def main():\n    compute.groups.lst()\n    compute.jobs.create(\"restrat\", \"s\")\n"), spans: []int{0, 1}},
	"TestBadRunbooks/load_parent.star":     {run: glrunDoc("run", "--sim", "../testdata/bad/load_parent.star")},
	"TestBadRunbooks/no_main.star":         {run: glrunDoc("run", "--sim", "../testdata/bad/no_main.star")},
	"TestBadRunbooks/list_repeat.star":     {run: glrunDoc("run", "--sim", "../testdata/bad/list_repeat.star")},
	"TestBadRunbooks/json_deep.star":       {run: glrunDoc("run", "--sim", "../testdata/bad/json_deep.star")},
	"TestBadRunbooks/parallel_nested.star": {run: glrunDoc("run", "--sim", "../testdata/bad/parallel_nested.star")},
	"TestCallUsageErrors":                  {run: glrunDoc("run", "--sim", "../runbooks/power_cycle.star")},
	"TestBadRunbooks/wrong_types.star":     {run: glrunDoc("run", "--sim", "../testdata/bad/wrong_types.star")},
	"TestFilterEncodedAndValidated":        {run: runbookDoc("def main():\n    compute.servers.list(filter = \"name eq\")\n")},
	"TestValidationErrorAfterChangesIsARunbookFailure": {run: runbookDoc(
		"def main():\n    s = compute.servers.list()\n    jobs = [compute.jobs.create(\"restart\", x) for x in s[:2]]\n    compute.jobs.wait(jobs)\n"), spans: []int{0, 1}},
	"TestLiveRunWithoutCredentialsSaysWhatToSet": {run: func(t *testing.T) (int, string) {
		config := t.TempDir()
		r := glrunEnv(t, nil, func(name string) string {
			if name == "XDG_CONFIG_HOME" {
				return config
			}
			return ""
		}, "run", "../runbooks/failed_jobs.star")
		return r.code, r.stdout + r.stderr
	}},
	"TestBadRunbooks/fail_message.star":   {run: glrunDoc("run", "--sim", "../testdata/bad/fail_message.star")},
	"TestBadRunbooks/deep_recursion.star": {run: glrunDoc("run", "--sim", "../testdata/bad/deep_recursion.star")},
	"TestBadRunbooks/infinite_loop.star":  {run: glrunDoc("run", "--sim", "--max-steps", "100000", "../testdata/bad/infinite_loop.star")},
	"TestPowerCycleStopsOnAFailedJob": {run: func(t *testing.T) (int, string) {
		s := newTestSim(t)
		if err := s.FailNextJob("restart"); err != nil {
			t.Fatal(err)
		}
		r := glrunSim(t, s, "run", "--sim", "../runbooks/power_cycle.star", "group=prod-web", "batch=4")
		return r.code, r.stdout + r.stderr
	}},
	"TestFirmwareUpdateTimesOutWithExit4": {run: glrunDoc("run", "--sim", "../runbooks/firmware_update.star", "group=prod-web", "timeout=5m")},
	"TestTimeoutIsADeadline": {run: clockDoc(func(context.CancelFunc) clock.Clock {
		return &stallClock{Virtual: clock.NewVirtual(relStart), at: relStart.Add(30 * time.Second)}
	}, "--timeout", "1s")},
	"TestInterruptStopsTheRunWithASummary": {run: clockDoc(func(cancel context.CancelFunc) clock.Clock {
		return &cancelClock{Virtual: clock.NewVirtual(relStart), at: relStart.Add(30 * time.Second), cancel: cancel}
	}), spans: []int{1, 2, 3}}, // the first ("interrupt: stopping") is the signal handler's, outside Execute
	"TestRetryBackoffAndGiveUp":           {run: faultyDoc("503=1,seed=1", "../runbooks/failed_jobs.star")},
	"TestMalformedAnswersNameTheEndpoint": {run: faultyDoc("malformed=1,seed=1", "../runbooks/failed_jobs.star")},
	"TestJobsNeverWaitedForAreWarned": {run: runbookDoc(
		"def main():\n    for s in compute.servers.list()[:9]:\n        compute.jobs.create(\"restart\", s)\n")},
	"TestSecretNeverPrinted": {run: func(t *testing.T) (int, string) {
		s := newTestSim(t)
		base, err := s.Start("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		env := demoEnv(t)
		wrong := func(name string) string {
			if name == "GREENLAKE_CLIENT_SECRET" {
				return "not-the-secret"
			}
			return env(name)
		}
		r := glrunEnv(t, s, wrong, "run", "--base-url", base, "../runbooks/failed_jobs.star")
		return r.code, r.stdout + r.stderr
	}},
	"TestApplyStopsBeforeAChangeThePlanDoesNotHave": {run: func(t *testing.T) (int, string) {
		s := newTestSim(t)
		path, _ := makePlanFile(t, s, "../runbooks/power_cycle.star", "group=lab", "batch=4")
		r := glrunApplyDriftingAfterPreflight(t, s, func() { setPower(t, s, "lab-03", "ON") }, "apply", "--sim", path)
		return r.code, r.stdout + r.stderr
	}},
	"TestApplyStopsBeforeAChangeThePlanDoesNotHave/preflight": {run: func(t *testing.T) (int, string) {
		s := newTestSim(t)
		path, _ := makePlanFile(t, s, "../runbooks/power_cycle.star", "group=lab", "batch=4")
		setPower(t, s, "lab-03", "ON")
		r := glrunSim(t, s, "apply", "--sim", path)
		return r.code, r.stdout + r.stderr
	}},
	"TestApplyRefusesADifferentRunbookParametersOrTargetBeforeSendingAnything": {run: func(t *testing.T) (int, string) {
		s := newTestSim(t)
		path, _ := makePlanFile(t, s, "../runbooks/power_cycle.star", "group=lab", "batch=4")
		r := glrunSim(t, s, "apply", "--sim", path, "group=prod-web")
		return r.code, r.stdout + r.stderr
	}},
	"TestReplayDivergenceNamesTheDifference": {run: func(t *testing.T) (int, string) {
		r := replayRun(t, cassetteDir+"/onboard_user.yaml", []string{"../runbooks/onboard_user.star", "email=someone.else@example.com"})
		return r.code, r.stdout + r.stderr
	}},
	"TestApprovalWithoutATerminalNeedsYes": {run: func(t *testing.T) (int, string) {
		r := glrunReal(t, "../runbooks/power_cycle.star", "group=lab")
		return r.code, r.stdout + r.stderr
	}},
	"TestDeadTargetFailsFast/connection_refused_on_loopback": {run: func(t *testing.T) (int, string) {
		r := glrunEnv(t, nil, demoEnv(t), "run", "--base-url", "http://127.0.0.1:1", "../runbooks/failed_jobs.star")
		return r.code, r.stdout + r.stderr
	}},
	"TestSimServeRefusesNonUUIDClientID": {run: glrunDoc("sim", "serve", "--client-id", "my-client")},
	"TestRateLimitFlagsRefuseBadValues":  {run: glrunDoc("run", "--sim", "--rate-limit-devices", "patch=3", "../runbooks/failed_jobs.star")},
	"TestEvidenceNotWithDryRun":          {run: glrunDoc("run", "--sim", "--dry-run", "--evidence", "evidence.json", "../runbooks/failed_jobs.star")},
	"TestUnsafeIDsRefusedBeforeSending":  {run: runbookDoc("def main():\n    compute.jobs.get(\"..\")\n")},
	"TestUnknownOutcomeOfResetIsAnError": {run: hostileDoc(nil, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			answerJSON(http.StatusOK, `{}`)(w, r)
			return
		}
		// The reset reached the server; its answer is lost on the way back.
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"id":"c1"`)
	}, "def main():\n    workspaces.credentials.reset(\"c1\")\n")},
	"TestSecond401IsAnError": {run: hostileDoc(nil, answerJSON(http.StatusUnauthorized,
		`{"errorCode":"HPE_GL_ERROR_UNAUTHORIZED","message":"token not accepted","httpStatusCode":401}`), getJob)},
	"TestTokenRequestNeverFollowsRedirects": {run: hostileDoc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://elsewhere.example/as/token.oauth2", http.StatusTemporaryRedirect)
	}, answerJSON(http.StatusOK, `{}`), getJob)},
	"TestEchoedSecretIsScrubbed": {run: hostileDoc(answerJSON(http.StatusUnauthorized,
		`{"error":"invalid_client","error_description":"client secret `+sim.DemoClientSecret+` is not valid"}`), answerJSON(http.StatusOK, `{}`), getJob)},
	"TestGetByIDChecksTheAnswer": {run: hostileDoc(nil, answerJSON(http.StatusOK, `{"id":"OTHER","state":"COMPLETE"}`), getJob)},
	"TestTruncatedReadIsRetried": {run: hostileDoc(nil, answerJSON(http.StatusOK, `{"id":"j1","sta`), getJob)},
	"TestHugeRetryAfterFailsWithTheHint": {run: hostileDoc(nil, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "86400")
		answerJSON(http.StatusTooManyRequests, `{"message":"slow down"}`)(w, nil)
	}, getJob)},
	"TestHostilePagingStops": {run: hostileDoc(nil, answerJSON(http.StatusOK, `{"offset":0,"count":3,"total":2,"items":[{"id":"a"},{"id":"b"},{"id":"c"}]}`),
		"def main():\n    return compute.jobs.list()\n"), spans: []int{2}}, // 10000 pages would take a minute
}

// errorsDocNotRunHere are the rows this test does not run, and why: each
// is proved by the test it names.
var errorsDocNotRunHere = map[string]string{
	"TestBadRunbooks/huge_string.star":                   "it grows the heap every concurrent run's memory watchdog measures; TestBadRunbooks runs it alone",
	"TestEveryRunbookCompletesUnderFaults":               "nothing is printed at the default level",
	"TestUnknownOutcomeIsCheckedNotResentBlindly":        "a WARN log line after a lost answer to one particular POST",
	"TestRetriedDeleteOfAGoneObjectSucceeds":             "a WARN log line after a lost answer to one particular DELETE",
	"TestTokenExpiryMidRunRefreshesOnce":                 "nothing is printed",
	"TestDeadTargetFailsFast/host_name_does_not_resolve": "needs a resolver that knows no host; glapi's test fakes one",
	"TestDocsOutsideTheRepositoryWritesNothing":          "it changes the working directory, which no parallel test may do",
	// What takes a minute, 64 MiB or a lost answer: glapi's tests fake it.
	"TestStalledAnswerTimesOut":      "the stall lasts a minute of real time",
	"TestResponseTooLarge":           "needs a server that answers 64 MiB",
	"TestJobAdoptionOnlyOfOurOwnJob": "needs a lost answer to a job creation and look-alike jobs",
	// Rows whose case needs a plan file, a second identity or a second
	// process: the test each names asserts the printed message itself.
	"TestApplyRefusesTheOtherSideOfSim":                "needs a plan file made against the other side; its test checks the message",
	"TestMixedSecretSourcesRefused":                    "needs a profile file and a recording server; its test checks the message",
	"TestInsecureHTTPRefused":                          "needs the machine's non-loopback address; its test checks the message",
	"TestPlanForAnotherWorkspaceRefused":               "needs a plan made in another workspace; its test checks the message",
	"TestTamperedPlanTextRefused":                      "needs an edited plan file; its test checks the message",
	"TestOlderPlanFormatRefused":                       "needs an older plan file; its test checks the message",
	"TestParallelChangesApplyWithoutDrift":             "nothing is printed",
	"TestHostileTokenEndpointEchoesNoSecret":           "what it proves is an absence (no secret anywhere); its test checks it",
	"TestSimServeRefusesRemoteAddr":                    "runs glrun sim serve; its test checks the message",
	"TestApproveRefuses":                               "needs plan files and a second identity; its test checks each message",
	"TestMemoryLimitStopsOneHugeStep":                  "it grows the heap until glrun exits itself, in another process; its test checks the message",
	"TestNonRegularFilesAreRefused":                    "needs a named pipe; its test checks the message",
	"TestSecondInterruptExitsAtOnceWithWhatIsInFlight": "needs two real interrupts to another process; its test checks the message",
	// Resume rows: each needs a journalled live run (killed, finished,
	// changed or damaged) against a simulator reached through --base-url.
	"TestResumeRefusesAChangedRun":                   "needs a journalled run and a changed runbook; its test checks the message",
	"TestSecondResumeOfARunIsRefused":                "needs a resume holding the run's lock; its test checks the message",
	"TestResumeRefusesACorruptJournal":               "needs a damaged journal; its test checks the message",
	"TestResumeStopsOnAnUnresolvableChange":          "needs a journal cut after an unanswered change; its test checks the message",
	"TestResumeStopsOnDivergence":                    "needs a journal and a runbook that asks for something else; its test checks the message",
	"TestResumeOfAFinishedRunDoesNothing":            "needs a finished journalled run; its test checks the messages",
	"TestEvidenceOfFailedRunAndUnreadableLog":        "needs an audit log that cannot be read after the run; its test checks the warning",
	"TestDeclinedRequestFailsTheApplyWithTheRemarks": "needs sim serve with two identities in another process; its test checks the message",
}

// TestErrorsDocMatchesWhatGlrunPrints runs each row of docs/errors.md that
// can run in-process and checks that glrun exits with the row's code and
// prints what its "What glrun prints" column says (placeholders such as
// FILE, NAME, N and "..." stand for any value), so the page cannot drift
// from the program. A row this test does not run must say why in
// errorsDocNotRunHere.
func TestErrorsDocMatchesWhatGlrunPrints(t *testing.T) {
	t.Parallel()
	for _, row := range errorsDocRows(t) {
		c, ok := errorsDocCases[row.test]
		if !ok {
			if _, skip := errorsDocNotRunHere[row.test]; !skip {
				t.Errorf("row %d (%s) has no case in errorsDocCases and no reason in errorsDocNotRunHere", row.n, row.test)
			}
			continue
		}
		t.Run(strconv.Itoa(row.n), func(t *testing.T) {
			t.Parallel()
			code, printed := c.run(t)
			if code != row.exit {
				t.Errorf("row %d: exit %d, the doc says %d\n%s", row.n, code, row.exit, printed)
			}
			spans := codeSpans(row.prints)
			want := c.spans
			if want == nil {
				want = []int{0}
			}
			for _, i := range want {
				if i >= len(spans) {
					t.Errorf("row %d: the doc's column has %d code spans, the case wants #%d; glrun printed:\n%s", row.n, len(spans), i, printed)
					continue
				}
				if !spanPattern(spans[i]).MatchString(printed) {
					t.Errorf("row %d: glrun does not print what the doc says:\n  doc:     %s\n  printed: %s", row.n, spans[i], printed)
				}
			}
		})
	}
	for key := range errorsDocCases {
		if !rowsName(errorsDocRows(t), key) {
			t.Errorf("errorsDocCases has %s, which no row names first", key)
		}
	}
}

// rowsName reports whether a row's key is test.
func rowsName(rows []errorsDocRow, test string) bool {
	for _, r := range rows {
		if r.test == test {
			return true
		}
	}
	return false
}

// TestSpanPattern: the doc's placeholders match values, the rest only
// itself.
func TestSpanPattern(t *testing.T) {
	t.Parallel()
	p := spanPattern(`glrun: FILE:LINE:COL: undefined: NAME (did you mean NAME2?)`)
	if !p.MatchString("glrun: rb.star:2:5: undefined: chunk (did you mean chunks?)") {
		t.Errorf("%s does not match", p)
	}
	if p.MatchString("glrun: rb.star:2:5: undefined: chunk") {
		t.Errorf("%s matches a message without the did-you-mean", p)
	}
	if got := codeSpans("a `x` and ``y `z` w`` b"); len(got) != 2 || got[1] != "y `z` w" {
		t.Errorf("codeSpans = %q", got)
	}
	_ = exitcode.OK
}
