package journal

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
)

// crashed leaves a run of the test runbook crashed at request at.
func crashed(t *testing.T, w *world, st Store, at int, after bool) string {
	t.Helper()
	id, _, ok := runUntilCrash(t, w, st, &crasher{at: at, after: after})
	if !ok {
		t.Fatal("the run did not crash")
	}
	return id
}

func TestSecondResumeRefuses(t *testing.T) {
	w := newWorld(t)
	st := NewFileStore(t.TempDir())
	id := crashed(t, w, st, 5, false)
	run, _, err := Resume(st, id, w.meta(), w.clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	before := len(w.sim.Requests())
	if _, _, err := Resume(st, id, w.meta(), w.clk, nil); !errors.Is(err, ErrLocked) {
		t.Fatalf("second resume: got %v, want ErrLocked", err)
	}
	if got := len(w.sim.Requests()); got != before {
		t.Errorf("the refused resume sent %d requests", got-before)
	}
	m, _ := st.Meta(id)
	if Status(st, m) != Running {
		t.Errorf("status while resumed: %s", Status(st, m))
	}
	_ = run.Finish(context.Canceled)
	if m, _ := st.Meta(id); m.State != Interrupted {
		t.Errorf("state after a cancelled resume: %s", m.State)
	}
}

func TestResumeRefusesChangedRun(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *Meta)
		want   []string
	}{
		{"a parameter", func(m *Meta) { m.Params["group"] = "prod-db" }, []string{`param group: "prod-web" -> "prod-db"`}},
		{"a new parameter", func(m *Meta) { m.Params["dry"] = "yes" }, []string{`param dry: (none) -> "yes"`}},
		{"a secret parameter", func(m *Meta) { m.Params["apiKey"] = "k-other-secret-456" }, []string{`param apiKey: "(secret)" -> "(secret)"`}},
		{"a loaded file", func(m *Meta) { m.Files["runbooks/lib.star"] = "0011223344556677" }, []string{`file runbooks/lib.star: "77be01" -> "001122334455..."`}},
		{"the target", func(m *Meta) { m.Target.Workspace = "ws-2" }, []string{`target workspace: "ws-1" -> "ws-2"`}},
		{"the runbook and the command", func(m *Meta) { m.Runbook, m.Command = "other.star", "apply" },
			[]string{`command: "run" -> "apply"`, `runbook: "runbooks/restart_and_invite.star" -> "other.star"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			st := NewFileStore(t.TempDir())
			id := crashed(t, w, st, 4, true)
			m := w.meta()
			tt.change(&m)
			before := len(w.sim.Requests())
			_, _, err := Resume(st, id, m, w.clk, nil)
			var ce *ChangedError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *ChangedError", err)
			}
			if len(ce.Changes) != len(tt.want) {
				t.Errorf("changes %v, want %v", ce.Changes, tt.want)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%q does not say %q", err, want)
				}
			}
			if strings.Contains(err.Error(), "secret-") {
				t.Errorf("the error shows a secret parameter: %v", err)
			}
			if got := len(w.sim.Requests()); got != before {
				t.Errorf("a refused resume sent %d requests", got-before)
			}
			// The refusal changed nothing: the same run resumes as it was.
			if _, _, err := resumeRun(t, w, st, id, nil); err != nil {
				t.Errorf("resuming unchanged after the refusal: %v", err)
			}
		})
	}
}

func TestTornTailIsSetAsideWithAWarning(t *testing.T) {
	wantOut, wantState, wantChanges, _ := uninterrupted(t)
	w := newWorld(t)
	st := NewFileStore(t.TempDir())
	id := crashed(t, w, st, 6, false)
	f, err := os.OpenFile(journalPath(st, id), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString(`1f2e3d4c {"seq":99,"kind":"answer","of":`)
	_ = f.Close()
	out, run, err := resumeRun(t, w, st, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ws := strings.Join(run.Warnings(), "\n"); !strings.Contains(ws, "is torn") || !strings.Contains(ws, "ignored") {
		t.Errorf("warnings %q do not mention the torn line", ws)
	}
	if strings.Join(out, "\n") != strings.Join(wantOut, "\n") || strings.Join(finalState(w.sim), "\n") != strings.Join(wantState, "\n") {
		t.Errorf("resumed run printed %q", out)
	}
	if got := changesSent(w.sim); got["POST /compute-ops-mgmt/v1/jobs"] != wantChanges["POST /compute-ops-mgmt/v1/jobs"] {
		t.Errorf("changes %v", got)
	}
	if j, err := st.Read(id); err != nil || j.Torn != nil {
		t.Errorf("the journal after the resume: torn %v, %v", j.Torn, err)
	}
}

func TestCorruptJournalStopsTheResume(t *testing.T) {
	w := newWorld(t)
	st := NewFileStore(t.TempDir())
	id := crashed(t, w, st, 8, false)
	p := journalPath(st, id)
	b, _ := os.ReadFile(p)
	if err := os.WriteFile(p, flip(b, lineStart(b, 3)+30), 0o600); err != nil {
		t.Fatal(err)
	}
	before := len(w.sim.Requests())
	_, _, err := Resume(st, id, w.meta(), w.clk, nil)
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Line != 3 {
		t.Fatalf("got %v, want a *CorruptError at line 3", err)
	}
	if got := len(w.sim.Requests()); got != before {
		t.Errorf("%d requests sent", got-before)
	}
	if _, err := st.Lock(id); err != nil {
		t.Errorf("a refused resume must release the lock: %v", err)
	}
}

// deleteUser is a runbook whose change (a DELETE) has no outcome check.
func deleteUser(ctx context.Context, c *glapi.Client) error {
	u, err := c.Users.Find(ctx, "retired.operator@example.com")
	if err != nil {
		return err
	}
	return c.Users.Delete(ctx, u.ID())
}

func TestUnanswerableChangeIsNotResent(t *testing.T) {
	for _, after := range []bool{false, true} {
		t.Run(map[bool]string{false: "crash before sending", true: "crash after sending"}[after], func(t *testing.T) {
			w := newWorld(t)
			w.sim.AddUser("retired.operator@example.com", "VERIFIED")
			st := NewFileStore(t.TempDir())
			run, err := Start(st, w.meta(), w.clk)
			if err != nil {
				t.Fatal(err)
			}
			c := w.client(t, run.Recorder(&crasher{at: 2, after: after}), w.clk)
			func() {
				defer func() { _ = recover() }()
				_ = deleteUser(context.Background(), c)
			}()
			_ = run.unlock()
			deletes := changesSent(w.sim)
			run, res, err := Resume(st, run.ID(), w.meta(), w.clk, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = deleteUser(context.Background(), w.client(t, res, res.Clock()))
			var ue *UnresolvableError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), "DELETE /identity/v1/users/") || !strings.Contains(err.Error(), "nothing was sent") {
				t.Fatalf("got %v, want an *UnresolvableError naming the DELETE", err)
			}
			if got := changesSent(w.sim); len(got) != len(deletes) {
				t.Errorf("changes before the resume %v, after %v", deletes, got)
			}
			_ = run.Finish(err)
			if m, _ := st.Meta(run.ID()); m.State != Failed {
				t.Errorf("state %s, want failed", m.State)
			}
		})
	}
}

func TestDivergingRunbookStopsUnsent(t *testing.T) {
	w := newWorld(t)
	st := NewFileStore(t.TempDir())
	id := crashed(t, w, st, 6, false)
	_, res, err := Resume(st, id, w.meta(), w.clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := w.client(t, res, res.Clock())
	before := len(w.sim.Requests())
	_, err = c.Servers.List(context.Background(), glapi.ListOptions{PageSize: 3, Limit: 4})
	var de *DivergenceError
	if !errors.As(err, &de) {
		t.Fatalf("got %v, want a *DivergenceError", err)
	}
	for _, want := range []string{"limit=3", "the journal holds next GET /compute-ops-mgmt/v1/servers?limit=2", `query limit: "3" (request) vs "2" (recorded)`, "nothing was sent"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	if got := len(w.sim.Requests()); got != before {
		t.Errorf("%d requests sent", got-before)
	}
}

// credentialRunbook creates a credential, whose answer holds its secret.
func credentialRunbook(ctx context.Context, c *glapi.Client) (glapi.Object, error) {
	if _, err := c.Credentials.List(ctx, glapi.ListOptions{}); err != nil {
		return nil, err
	}
	return c.Credentials.CreateChecked(ctx, glapi.CredentialCreate{CredentialName: "ci automation"})
}

// TestJournalHoldsNoSecret journals a credential creation, crashed after it
// was sent and then resumed: neither the journal nor the meta holds the
// API client's secret, the new credential's secret, a bearer token or a
// secret parameter; the resume adopts the credential without sending it
// again.
func TestJournalHoldsNoSecret(t *testing.T) {
	w := newWorld(t)
	st := NewFileStore(t.TempDir())
	run, err := Start(st, w.meta(), w.clk)
	if err != nil {
		t.Fatal(err)
	}
	c := w.client(t, run.Recorder(nil), w.clk)
	if _, err := credentialRunbook(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if err := run.Finish(nil); err != nil {
		t.Fatal(err)
	}
	w2 := newWorld(t)
	run2, err := Start(st, w2.meta(), w2.clk)
	if err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() { _ = recover() }()
		_, _ = credentialRunbook(context.Background(), w2.client(t, run2.Recorder(&crasher{at: 2, after: true}), w2.clk))
	}()
	_ = run2.unlock()
	run3, res, err := Resume(st, run2.ID(), w2.meta(), w2.clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := credentialRunbook(context.Background(), w2.client(t, res, res.Clock()))
	if err != nil || cred.String("credentialName") != "ci automation" {
		t.Fatalf("resume: %v, %v", cred, err)
	}
	_ = run3.Finish(nil)
	if n := changesSent(w2.sim)["POST /workspaces/v1/credentials"]; n != 1 {
		t.Errorf("credential created %d times, want once", n)
	}

	secrets := map[string]string{"the API client's secret": sim.DemoClientSecret, "a secret parameter": "k-very-secret-123"}
	for _, s := range []*sim.Sim{w.sim, w2.sim} {
		for _, cr := range s.Credentials() {
			if sec, ok := cr["clientSecret"].(glapi.Secret); ok && sec.Reveal() != "" && cr.String("credentialName") == "ci automation" {
				secrets["the new credential's secret ("+sec.Reveal()[:2]+"...)"] = sec.Reveal()
			}
		}
	}
	if len(secrets) < 3 {
		t.Fatalf("the simulators hold no new credential secret: %v", secrets)
	}
	var all strings.Builder
	_ = filepath.Walk(st.Dir(), func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			all.Write(b)
		}
		return nil
	})
	text := all.String()
	for what, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("the state directory holds %s", what)
		}
	}
	if m := regexp.MustCompile(`(?i)bearer [a-z0-9._~+/=-]{8,}|clientSecret\\?":\s*\\?"[^<\\]`).FindString(text); m != "" {
		t.Errorf("the state directory holds %q", m)
	}
	if !strings.Contains(text, `\"clientSecret\":\"<redacted>\"`) {
		t.Error("the credential's answer was not journalled redacted")
	}
}

// failing is a glapi.Mode that answers the first request of method with
// status (without sending it), or fails it with err.
type failing struct {
	method string
	status int
	err    error
	done   bool
}

func (f *failing) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	if f.done || req.Method != f.method {
		return next.RoundTrip(req)
	}
	f.done = true
	if f.err != nil {
		return nil, f.err
	}
	return &http.Response{StatusCode: f.status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{}`)), Request: req}, nil
}

// TestFailedRunResumes covers runs that failed (rather than crashed) at a
// change: a change that certainly was not sent is sent on resume, once;
// one whose fate is unknown and cannot be looked up stops the resume.
func TestFailedRunResumes(t *testing.T) {
	tests := []struct {
		name    string
		fail    *failing
		runbook func(context.Context, *glapi.Client, clock.Clock) error
		// wantErr is in the resume's error, "" for a resume that completes.
		wantErr  string
		wantWarn string
		wantSent map[string]int
	}{
		{
			name: "job creation refused at the connection",
			fail: &failing{method: "POST", err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}},
			runbook: func(ctx context.Context, c *glapi.Client, clk clock.Clock) error {
				_, err := runbook(ctx, c, clk)
				return err
			},
			wantWarn: "failed without effect at the end of the journal; asked again",
			wantSent: map[string]int{"POST /compute-ops-mgmt/v1/jobs": 2, "POST /identity/v1/users": 1},
		},
		{
			name: "invitation rate limited",
			fail: &failing{method: "POST", status: http.StatusTooManyRequests},
			runbook: func(ctx context.Context, c *glapi.Client, _ clock.Clock) error {
				_, err := c.Users.Invite(ctx, invitee, false)
				return err
			},
			wantWarn: "answered 429 Too Many Requests",
			wantSent: map[string]int{"POST /identity/v1/users": 1},
		},
		{
			name:     "deletion answered 502",
			fail:     &failing{method: "DELETE", status: http.StatusBadGateway},
			runbook:  func(ctx context.Context, c *glapi.Client, _ clock.Clock) error { return deleteUser(ctx, c) },
			wantErr:  "failed with an unknown outcome (answered 502 Bad Gateway)",
			wantSent: map[string]int{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.sim.AddUser("retired.operator@example.com", "VERIFIED")
			st := NewFileStore(t.TempDir())
			run, err := Start(st, w.meta(), w.clk)
			if err != nil {
				t.Fatal(err)
			}
			err = tt.runbook(context.Background(), w.client(t, run.Recorder(tt.fail), w.clk), w.clk)
			if err == nil {
				t.Fatal("the run should fail")
			}
			_ = run.Finish(err)
			run, res, err := Resume(st, run.ID(), w.meta(), w.clk, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = tt.runbook(context.Background(), w.client(t, res, res.Clock()), res.Clock())
			_ = run.Finish(err)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("resume: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("resume: got %v, want an error saying %q", err, tt.wantErr)
			}
			if ws := strings.Join(run.Warnings(), "\n"); !strings.Contains(ws, tt.wantWarn) {
				t.Errorf("warnings %q do not say %q", ws, tt.wantWarn)
			}
			got := changesSent(w.sim)
			for k, n := range got {
				if tt.wantSent[k] != n {
					t.Errorf("changes received %v, want %v", got, tt.wantSent)
					break
				}
			}
		})
	}
}
