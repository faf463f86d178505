package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"
	"golang.org/x/term"
)

// terminalLines reads the session's lines on a terminal with a line
// editor (github.com/chzyer/readline): arrow keys and Emacs keys edit the
// line, Up and Down (and Ctrl-R) walk the history, which is kept between
// sessions in the history file, and Tab completes names. Ctrl-C abandons
// the line, Ctrl-D on an empty line ends the input.
type terminalLines struct {
	rl      *readline.Instance
	out     *os.File // the terminal the editor draws on, when it is one
	history string
}

// newTerminalLines starts a line editor reading in and drawing on out (on
// errw when out is not a terminal, so that redirected standard output gets
// values only). history is the history file ("" keeps no history);
// complete completes the text before the cursor.
func newTerminalLines(in *os.File, out, errw io.Writer, history string, complete func(string) (string, []string)) (*terminalLines, error) {
	draw := out
	outFile, ok := out.(*os.File)
	if !ok || !term.IsTerminal(int(outFile.Fd())) {
		draw = errw
		outFile, _ = errw.(*os.File)
	}
	if history != "" {
		if err := prepareHistory(history); err != nil {
			fmt.Fprintf(errw, "glrun repl: no history kept: %v\n", err)
			history = ""
		}
	}
	fd := int(in.Fd())
	var saved *readline.State
	cfg := &readline.Config{
		Prompt:            ">>> ",
		HistoryFile:       history,
		HistoryLimit:      1000,
		HistorySearchFold: true,
		AutoComplete:      completer(complete),
		InterruptPrompt:   "^C",
		EOFPrompt:         "\n",
		Stdin:             readline.NewCancelableStdin(&homeEndKeys{r: in}),
		Stdout:            draw,
		Stderr:            draw,
		FuncIsTerminal:    func() bool { return true },
		FuncMakeRaw: func() error {
			if saved != nil {
				return nil // already raw: keep the state to go back to
			}
			// readline's raw mode keeps output processing (a newline
			// still returns the carriage), unlike term.MakeRaw.
			st, err := readline.MakeRaw(fd)
			if err != nil {
				return err
			}
			saved = st
			return nil
		},
		FuncExitRaw: func() error {
			if saved == nil {
				return nil
			}
			st := saved
			saved = nil
			return readline.Restore(fd, st)
		},
		FuncGetWidth: func() int {
			if outFile == nil {
				return 80
			}
			w, _, err := term.GetSize(int(outFile.Fd()))
			if err != nil || w <= 0 {
				return 80
			}
			return w
		},
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return nil, fmt.Errorf("starting the line editor: %w", err)
	}
	return &terminalLines{rl: rl, out: outFile, history: history}, nil
}

// readLine reads one edited line.
func (t *terminalLines) readLine(prompt string) (string, error) {
	t.rl.SetPrompt(prompt)
	line, err := t.rl.Readline()
	switch {
	case errors.Is(err, readline.ErrInterrupt):
		return "", errLineCancelled
	case err != nil:
		return line, err
	}
	return line + "\n", nil
}

// width is the terminal's width in columns; 0 when unknown.
func (t *terminalLines) width() int {
	if t.out == nil {
		return 0
	}
	w, _, err := term.GetSize(int(t.out.Fd()))
	if err != nil {
		return 0
	}
	return w
}

// close ends the line editor, leaving the terminal as it found it, and
// keeps the history file readable by its owner only (lines may hold
// anything typed).
func (t *terminalLines) close() {
	_ = t.rl.Close()
	if t.history != "" {
		_ = os.Chmod(t.history, 0o600)
	}
}

// prepareHistory makes the history file's directory and the file, both
// private to the user.
func prepareHistory(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}

// replHistoryFile is where the REPL keeps its history:
// $XDG_STATE_HOME/glrun/repl_history, ~/.local/state/glrun/repl_history
// when it is unset or not absolute; "" when neither is known.
func replHistoryFile(getenv func(string) string) string {
	dir := getenv("XDG_STATE_HOME")
	if !filepath.IsAbs(dir) { // unset, or relative, which the XDG rules say to ignore
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "glrun", "repl_history")
}

// completer adapts a completion function to the line editor: complete
// gets the text before the cursor and returns the word being completed
// and the names it may become.
type completer func(before string) (word string, names []string)

// Do returns the endings of the names that complete the word before pos.
func (c completer) Do(line []rune, pos int) ([][]rune, int) {
	before := string(line[:pos])
	if strings.TrimSpace(before) == "" {
		// Tab at the start of a line indents, as in an editor.
		return [][]rune{[]rune("    ")}, 0
	}
	word, names := c(before)
	out := make([][]rune, 0, len(names))
	for _, n := range names {
		out = append(out, []rune(strings.TrimPrefix(n, word)))
	}
	return out, len([]rune(word))
}

// vtHomeEnd spells the Home and End keys of screen, tmux and the Linux
// console (ESC [1~, ESC [4~, and rxvt's ESC [7~, ESC [8~) as xterm does
// (ESC [H, ESC [F), the only spellings the line editor knows.
var vtHomeEnd = strings.NewReplacer("\x1b[1~", "\x1b[H", "\x1b[7~", "\x1b[H", "\x1b[4~", "\x1b[F", "\x1b[8~", "\x1b[F")

// homeEndKeys reads keys from r with Home and End spelled as xterm does
// (see vtHomeEnd). A terminal sends a key's sequence in one write, so a
// sequence is translated within one read.
type homeEndKeys struct {
	r       io.Reader
	pending []byte
}

// Read returns the keys read, translated.
func (h *homeEndKeys) Read(p []byte) (int, error) {
	if len(h.pending) == 0 {
		buf := make([]byte, len(p))
		n, err := h.r.Read(buf)
		if n == 0 {
			return 0, err
		}
		h.pending = []byte(vtHomeEnd.Replace(string(buf[:n])))
	}
	n := copy(p, h.pending)
	h.pending = h.pending[n:]
	return n, nil
}
