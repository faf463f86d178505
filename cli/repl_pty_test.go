package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"glrun/exitcode"
)

// ptyRepl is a 'glrun repl --sim' session on a pseudo-terminal: what the
// test types goes to its keyboard side, what the session draws is kept.
type ptyRepl struct {
	t      *testing.T
	ptmx   *os.File
	mu     sync.Mutex
	screen bytes.Buffer
	more   chan struct{} // a signal after each read of the screen
	done   chan int      // the exit code
}

// startPtyRepl starts the session with its history under stateDir.
func startPtyRepl(t *testing.T, stateDir string) *ptyRepl {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 120}); err != nil {
		t.Fatal(err)
	}
	r := &ptyRepl{t: t, ptmx: ptmx, more: make(chan struct{}, 1), done: make(chan int, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			r.mu.Lock()
			r.screen.Write(buf[:n])
			r.mu.Unlock()
			select {
			case r.more <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	env := map[string]string{"XDG_STATE_HOME": stateDir, "HOME": t.TempDir()}
	s := newTestSim(t)
	go func() {
		code := Execute(t.Context(), []string{"repl", "--sim", "-q"},
			streams{in: tty, out: tty, err: tty, sim: s, getenv: func(k string) string { return env[k] }})
		tty.Close()
		r.done <- code
	}()
	return r
}

// waitForPrompt waits until the last thing on the screen is the prompt:
// the session is idle, reading a line.
func (r *ptyRepl) waitForPrompt() {
	r.t.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		screen := r.screen.String()
		r.mu.Unlock()
		if i := strings.LastIndex(screen, "\r\n"); i >= 0 && strings.Contains(screen[i:], ">>> ") {
			return // a prompt was drawn after the last output line
		}
		select {
		case <-r.more:
		case <-deadline.C:
			r.t.Fatalf("the terminal never came back to the prompt; it shows:\n%q", screen)
		}
	}
}

// typeKeys sends keystrokes.
func (r *ptyRepl) typeKeys(keys string) {
	r.t.Helper()
	if _, err := r.ptmx.Write([]byte(keys)); err != nil {
		r.t.Fatalf("typing %q: %v", keys, err)
	}
}

// waitFor waits until the screen holds want at least n times.
func (r *ptyRepl) waitFor(want string, n int) {
	r.t.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		got := strings.Count(r.screen.String(), want)
		screen := r.screen.String()
		r.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-r.more:
		case <-deadline.C:
			r.t.Fatalf("the terminal never showed %q %d times; it shows:\n%q", want, n, screen)
		}
	}
}

// end waits for the prompt (Ctrl-D typed while a statement still runs
// would reach no prompt), types Ctrl-D and waits for the session to exit 0.
func (r *ptyRepl) end() {
	r.t.Helper()
	r.waitForPrompt()
	// A Ctrl-D that reaches the terminal while the line editor is between
	// two reads (the machine under load) can be taken by the terminal's own
	// line discipline instead; one typed on an empty line again is harmless.
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	again := time.NewTicker(time.Second)
	defer again.Stop()
	r.typeKeys("\x04")
	for {
		select {
		case code := <-r.done:
			if code != exitcode.OK {
				r.t.Fatalf("Ctrl-D: exit %d, want 0", code)
			}
			return
		case <-again.C:
			_, _ = r.ptmx.Write([]byte("\x04")) // the session may just have ended

		case <-deadline.C:
			r.t.Fatal("Ctrl-D did not end the session")
		}
	}
}

// TestReplOnATerminal types into 'glrun repl' on a pseudo-terminal: lines
// run on Enter, Up recalls the previous line, Ctrl-C drops the line being
// typed (and the session goes on), Tab completes module and record
// attributes and indents a block, long values print over several lines,
// Ctrl-D ends the session, and the history is there in the next session.
func TestReplOnATerminal(t *testing.T) {
	state := t.TempDir()
	r := startPtyRepl(t, state)
	r.waitFor(">>> ", 1)

	r.typeKeys("x = 40\r")
	r.typeKeys("x + 2\r")
	r.waitFor("42\r\n", 1)
	r.typeKeys("\x1b[A\r") // Up, Enter: x + 2 again
	r.waitFor("42\r\n", 2)

	// Left, Home and End (as xterm and as tmux send them) move in the line.
	r.typeKeys("[x, 1]\x1b[D\x1b[D\x1b[D\x1b[D, 2\r")
	r.waitFor("[40, 2, 1]\r\n", 1)
	r.typeKeys("x\x1b[1~str(\x1b[4~)\r")
	r.waitFor("\"40\"\r\n", 1)
	r.typeKeys("x\x1b[Hfloat(\x1b[F)\r")
	r.waitFor("40.0\r\n", 1)

	r.typeKeys("1 +\x03") // Ctrl-C: the half-typed statement is dropped
	r.waitFor("^C", 1)
	r.typeKeys("7\r")
	r.waitFor("7\r\n", 1)

	r.typeKeys("s = compute.ser\t") // -> compute.servers
	r.waitFor("compute.servers", 1)
	r.typeKeys(".li\t(limit = 1)[0]\r") // -> .list
	r.waitFor(">>> ", 9)
	r.typeKeys("s.hardware.powerSt\t\r") // a record's fields complete too
	r.waitFor("\"ON\"\r\n", 1)

	r.typeKeys("for i in range(2):\r\tprint('item', i)\r\r") // Tab indents
	r.waitFor("item 1\r\n", 1)

	r.typeKeys("compute.servers.list(limit = 2)\r") // records one per line
	// The list's own closing line: "]\r\n" alone is already on the screen
	// (the echo of "[x, 2, 1]" and its answer), and waiting for it ended
	// the session before the list was printed.
	r.waitFor("\r\n]\r\n", 1)
	r.end()

	r.mu.Lock()
	screen := r.screen.String()
	r.mu.Unlock()
	for _, want := range []string{
		"... " + "    print('item', i)",
		"[\r\n  {\"appliance\":",
		"\r\n  {\"appliance\":",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("the terminal lacks %q:\n%q", want, screen)
		}
	}
	if strings.Contains(screen, "<repl>:1:") {
		t.Errorf("the dropped line was run (an error shows):\n%q", screen)
	}

	history, err := os.ReadFile(filepath.Join(state, "glrun", "repl_history"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(history), "x + 2\n") || !strings.HasSuffix(string(history), "compute.servers.list(limit = 2)\n") {
		t.Errorf("history:\n%s", history)
	}
	if st, err := os.Stat(filepath.Join(state, "glrun", "repl_history")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("history file mode %v (%v), want 0600", st.Mode().Perm(), err)
	}

	// The next session starts with that history: Up is the last line.
	next := startPtyRepl(t, state)
	next.waitFor(">>> ", 1)
	next.typeKeys("\x1b[A")
	next.waitFor("compute.servers.list(limit = 2)", 1)
	next.typeKeys("\x15len(_)\r") // Ctrl-U clears the recalled line
	next.waitFor(">>> ", 2)
	next.end()
}
