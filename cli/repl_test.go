package cli

import (
	"errors"
	"os"
	"strings"
	"testing"

	"glrun/exitcode"
)

// TestReplTranscript feeds a session on standard input (not a terminal, so
// no prompts) and compares what it printed with a golden transcript:
// expression values, print(), blocks ended by a blank line or by the end of
// input, and errors that do not end the session.
func TestReplTranscript(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
	}{
		{"session", []string{"repl", "--sim", "-q"}},
		{"runbook", []string{"repl", "--sim", "-q", "../runbooks/power_cycle.star"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := os.ReadFile("testdata/repl/" + tc.name + ".star")
			if err != nil {
				t.Fatal(err)
			}
			got := glrunTool(t, string(in), tc.args...)
			if got.code != exitcode.OK {
				t.Fatalf("exit %d, want 0 (errors must not end the session)\nstderr:\n%s", got.code, got.stderr)
			}
			transcript := "--- stdout\n" + got.stdout + "--- stderr\n" + got.stderr
			golden(t, "testdata/repl/"+tc.name+".golden", []byte(transcript))
		})
	}
}

// TestReplSendsNothingUntilAsked: an empty session, or one with only a
// syntax error, starts the simulator but sends no API request.
func TestReplSendsNothingUntilAsked(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "1 +\n", "def f(:\n\n"} {
		sm := newTestSim(t)
		var out, errb strings.Builder
		code := Execute(t.Context(), []string{"repl", "--sim"}, streams{in: strings.NewReader(in), out: &out, err: &errb, sim: sm})
		if code != exitcode.OK {
			t.Errorf("input %q: exit %d, want 0; stderr:\n%s", in, code, errb.String())
		}
		if n := len(sm.Requests()); n != 0 {
			t.Errorf("input %q: %d requests sent, want 0", in, n)
		}
		if in != "" && !strings.Contains(errb.String(), "<repl>:1:") {
			t.Errorf("input %q: the syntax error does not name <repl>:line: %q", in, errb.String())
		}
	}
}

// TestReplBadInvocation: a missing FILE or a FILE that does not compile is
// a usage error before the session starts.
func TestReplBadInvocation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"repl", "--sim", "testdata/no_such.star"}, "no_such.star"},
		{[]string{"repl", "--sim", "testdata/syntax_error.star"}, "syntax_error.star:"},
		{[]string{"repl", "--sim", "a.star", "b.star"}, "accepts at most 1 arg"},
	}
	for _, tc := range tests {
		got := glrunTool(t, "1\n", tc.args...)
		if got.code != exitcode.Usage {
			t.Errorf("%v: exit %d, want %d", tc.args, got.code, exitcode.Usage)
		}
		if !strings.Contains(got.stderr, tc.want) {
			t.Errorf("%v: stderr lacks %q:\n%s", tc.args, tc.want, got.stderr)
		}
		if got.stdout != "" {
			t.Errorf("%v: printed %q, want nothing (no session)", tc.args, got.stdout)
		}
	}
}

// failingReader returns some input, then an error that is not EOF.
type failingReader struct{ data string }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, errors.New("device gone")
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// TestReplReadError: an input error (not the end of input) ends the session
// with exit 1 and says so, after running what was read.
func TestReplReadError(t *testing.T) {
	t.Parallel()
	var out, errb strings.Builder
	code := Execute(t.Context(), []string{"repl", "--sim"}, streams{in: &failingReader{data: "6 * 7\n"}, out: &out, err: &errb})
	if code != exitcode.Failed {
		t.Errorf("exit %d, want %d", code, exitcode.Failed)
	}
	if out.String() != "42\n" {
		t.Errorf("stdout %q, want the value of what was read", out.String())
	}
	if !strings.Contains(errb.String(), "reading standard input: device gone") {
		t.Errorf("stderr lacks the read error:\n%s", errb.String())
	}
}

// TestReplBoundsOneOperation: a statement typed in the REPL gets the
// runbook's per-operation size checks, so one line cannot allocate
// gigabytes; the session goes on after the refusal.
func TestReplBoundsOneOperation(t *testing.T) {
	t.Parallel()
	got := glrunTool(t, "x = [1] * (1 << 28)\nlen(\"ab\" * 3)\n", "repl", "--sim", "-q")
	if got.code != exitcode.OK {
		t.Fatalf("exit %d, want 0 (errors must not end the session)\nstderr:\n%s", got.code, got.stderr)
	}
	if want := "list * 268435456 would take more than"; !strings.Contains(got.stdout+got.stderr, want) {
		t.Errorf("the repetition was not refused (want %q):\nstdout:\n%s\nstderr:\n%s", want, got.stdout, got.stderr)
	}
	if !strings.Contains(got.stdout, "6") {
		t.Errorf("the session did not go on after the refusal:\n%s", got.stdout)
	}
}
