package journal

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// uninterrupted runs the runbook once, journalled, without a crash, and
// returns what it printed, the simulator's final state, the changes it
// received and how many requests the run made through its mode.
func uninterrupted(t *testing.T) (out, state []string, changes map[string]int, requests int) {
	t.Helper()
	w := newWorld(t)
	cnt := &counter{}
	_, out, _ = runUntilCrash(t, w, NewFileStore(t.TempDir()), cnt)
	return out, finalState(w.sim), changesSent(w.sim), cnt.n
}

// checkResumed fails t unless the resumed run printed what the
// uninterrupted one did (wantOut) and left w's simulator as it did
// (wantState), each change received exactly once (wantChanges).
func checkResumed(t *testing.T, w *world, out, wantOut, wantState []string, wantChanges map[string]int) {
	t.Helper()
	if diff := cmp.Diff(wantOut, out); diff != "" {
		t.Errorf("the resumed run printed (-uninterrupted +resumed):\n%s", diff)
	}
	if diff := cmp.Diff(wantState, finalState(w.sim)); diff != "" {
		t.Errorf("final state (-uninterrupted +resumed):\n%s", diff)
	}
	if diff := cmp.Diff(wantChanges, changesSent(w.sim)); diff != "" {
		t.Errorf("changes received by the API (-once each +got):\n%s", diff)
	}
}

// TestCrashAnywhereThenResume kills the run at every request, before it is
// sent and after it is sent but before its answer is journalled (during the
// listing's pages, around each job creation, during the wait, around the
// invitation), resumes it, and checks that the simulator ends as after an
// uninterrupted run, each change sent exactly once, and that the resumed
// run prints what the uninterrupted one printed.
func TestCrashAnywhereThenResume(t *testing.T) {
	wantOut, wantState, wantChanges, n := uninterrupted(t)
	if n < 8 || wantChanges["POST /compute-ops-mgmt/v1/jobs"] != 2 || wantChanges["POST /identity/v1/users"] != 1 {
		t.Fatalf("the runbook should page, create two jobs, poll and invite: %d requests, changes %v", n, wantChanges)
	}
	for at := 1; at <= n; at++ {
		for _, after := range []bool{false, true} {
			name := fmt.Sprintf("request %d %s", at, map[bool]string{false: "before sending", true: "after sending"}[after])
			t.Run(name, func(t *testing.T) {
				w := newWorld(t)
				st := NewFileStore(t.TempDir())
				id, _, crashed := runUntilCrash(t, w, st, &crasher{at: at, after: after})
				if !crashed {
					t.Fatal("the run did not crash")
				}
				m, err := st.Meta(id)
				if err != nil {
					t.Fatal(err)
				}
				if got := Status(st, m); got != Crashed {
					t.Errorf("status after the crash = %s, want %s", got, Crashed)
				}
				out, _, err := resumeRun(t, w, st, id, nil)
				if err != nil {
					t.Fatalf("resume: %v", err)
				}
				checkResumed(t, w, out, wantOut, wantState, wantChanges)
				m, _ = st.Meta(id)
				if m.State != Finished || m.Resumes != 1 {
					t.Errorf("after the resume: state %s, resumes %d; want finished, 1", m.State, m.Resumes)
				}
				j, err := st.Read(id)
				if err != nil {
					t.Fatal(err)
				}
				if s := Summarize(j.Records); s.Sent+s.Unknown < 3 || len(s.JobsInFlight) != 0 {
					t.Errorf("summary after the resume: %+v", s)
				}
			})
		}
	}
}

// TestCrashDuringResumeThenResumeAgain crashes the run, then its resume,
// then resumes once more.
func TestCrashDuringResumeThenResumeAgain(t *testing.T) {
	wantOut, wantState, wantChanges, n := uninterrupted(t)
	for _, c := range []struct{ first, second int }{{3, 2}, {4, 1}, {n / 2, 2}, {n - 1, 1}} {
		for _, after := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d then %d after=%v", c.first, c.second, after), func(t *testing.T) {
				w := newWorld(t)
				st := NewFileStore(t.TempDir())
				id, _, _ := runUntilCrash(t, w, st, &crasher{at: c.first, after: after})
				if _, _, err := resumeRun(t, w, st, id, &crasher{at: c.second, after: after}); err != errCrashed {
					t.Fatalf("the first resume should crash, got %v", err)
				}
				out, _, err := resumeRun(t, w, st, id, nil)
				if err != nil {
					t.Fatalf("second resume: %v", err)
				}
				checkResumed(t, w, out, wantOut, wantState, wantChanges)
			})
		}
	}
}

func TestResumeFinishedRunDoesNothing(t *testing.T) {
	w := newWorld(t)
	st := NewFileStore(t.TempDir())
	id, _, _ := runUntilCrash(t, w, st, nil)
	before := len(w.sim.Requests())
	_, _, err := Resume(st, id, w.meta(), w.clk, nil)
	var fe *FinishedError
	if !errorsAs(err, &fe) || !strings.Contains(err.Error(), "finished") {
		t.Fatalf("got %v, want a *FinishedError", err)
	}
	if got := len(w.sim.Requests()); got != before {
		t.Errorf("%d requests sent by resuming a finished run", got-before)
	}
}
