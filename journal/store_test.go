package journal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"glrun/clock"
)

// newRun creates a run started at t with n read records in st.
func newRun(t *testing.T, st Store, at time.Time, n int) string {
	t.Helper()
	clk := clock.NewVirtual(at)
	run, err := Start(st, Meta{Command: "run", Runbook: "a.star"}, clk)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := run.w.append(Record{Kind: KindRead, Request: &Request{Method: "GET", URL: "/x"},
			Response: &Response{Status: 200, Body: `{"i":` + string(rune('0'+i)) + `}`}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := run.Finish(nil); err != nil {
		t.Fatal(err)
	}
	return run.ID()
}

func journalPath(st *FileStore, id string) string { return filepath.Join(st.Dir(), id, journalFile) }

func TestJournalDamage(t *testing.T) {
	tests := []struct {
		name     string
		damage   func([]byte) []byte
		records  int  // whole records read
		torn     bool // a torn tail reported
		corrupt  int  // the line of a *CorruptError, 0 for none
		tornWhat string
	}{
		{name: "intact", damage: func(b []byte) []byte { return b }, records: 4},
		{name: "last line cut short", damage: func(b []byte) []byte { return b[:len(b)-7] }, records: 3, torn: true, tornWhat: "checksum"},
		{name: "last line without its newline", damage: func(b []byte) []byte { return b[:len(b)-1] }, records: 3, torn: true, tornWhat: "no newline"},
		{name: "half a new line appended", damage: func(b []byte) []byte { return append(b, `0badc0de {"seq":5,"ki`...) }, records: 4, torn: true},
		{name: "zero bytes after a crash", damage: func(b []byte) []byte { return append(b, make([]byte, 300)...) }, records: 4, torn: true},
		{name: "a byte flipped in the last line", damage: func(b []byte) []byte { return flip(b, len(b)-5) }, records: 3, torn: true},
		{name: "a byte flipped in line 2", damage: func(b []byte) []byte { return flip(b, lineStart(b, 2)+20) }, corrupt: 2},
		{name: "line 2 missing", damage: func(b []byte) []byte { return append(b[:lineStart(b, 2)], b[lineStart(b, 3):]...) }, corrupt: 2},
		{name: "line 3 repeated", damage: func(b []byte) []byte {
			return append(append(append([]byte{}, b[:lineStart(b, 4)]...), b[lineStart(b, 3):lineStart(b, 4)]...), b[lineStart(b, 4):]...)
		}, corrupt: 4},
		{name: "garbage in the middle", damage: func(b []byte) []byte {
			return append(append(append([]byte{}, b[:lineStart(b, 2)]...), "oops\n"...), b[lineStart(b, 2):]...)
		}, corrupt: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := NewFileStore(t.TempDir())
			id := newRun(t, st, start, 4)
			p := journalPath(st, id)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, tt.damage(b), 0o600); err != nil {
				t.Fatal(err)
			}
			j, err := st.Read(id)
			if tt.corrupt > 0 {
				var ce *CorruptError
				if !errors.As(err, &ce) || ce.Line != tt.corrupt {
					t.Fatalf("got %v, want a *CorruptError at line %d", err, tt.corrupt)
				}
				if !strings.Contains(err.Error(), "cannot be resumed") {
					t.Errorf("the error should say the run cannot be resumed: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(j.Records) != tt.records || (j.Torn != nil) != tt.torn {
				t.Fatalf("read %d records, torn %v; want %d, %v", len(j.Records), j.Torn, tt.records, tt.torn)
			}
			for i, r := range j.Records {
				if r.Seq != i+1 || r.Kind != KindRead || r.Response.Status != 200 {
					t.Errorf("record %d misread: %+v", i+1, r)
				}
			}
			if j.Torn == nil {
				return
			}
			if !strings.Contains(j.Torn.String(), tt.tornWhat) {
				t.Errorf("torn tail %q does not say %q", j.Torn, tt.tornWhat)
			}
			// Setting the tail aside leaves a journal that appends cleanly.
			if err := st.DropTorn(id, j.Torn); err != nil {
				t.Fatal(err)
			}
			if err := st.Append(id, Record{Seq: tt.records + 1, Kind: KindVoid, Of: 1}); err != nil {
				t.Fatal(err)
			}
			j, err = st.Read(id)
			if err != nil || j.Torn != nil || len(j.Records) != tt.records+1 {
				t.Fatalf("after repair: %d records, torn %v, err %v", len(j.Records), j.Torn, err)
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	b = append([]byte{}, b...)
	b[i] ^= 0x20
	return b
}

// lineStart returns the offset of line n (from 1).
func lineStart(b []byte, n int) int {
	off := 0
	for i := 1; i < n; i++ {
		off += bytes.IndexByte(b[off:], '\n') + 1
	}
	return off
}

func TestLineFormat(t *testing.T) {
	line, err := encodeLine(Record{Seq: 1, Kind: KindIntent, Time: start,
		Request: &Request{Method: "POST", URL: "/identity/v1/users", Body: `{"email":"a<b>@example.com"}`}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"seq":1,"kind":"intent","time":"2026-03-02T09:00:00Z","request":{"method":"POST","url":"/identity/v1/users","body":"{\"email\":\"a<b>@example.com\"}"}}` + "\n"
	if got := string(line[9:]); got != want {
		t.Errorf("line\n%s\nwant\n%s", got, want)
	}
	if r, err := decodeLine(line[:len(line)-1]); err != nil || r.Request.Body != `{"email":"a<b>@example.com"}` {
		t.Errorf("decoding the line: %+v, %v", r, err)
	}
}

func TestLockRefusesASecondHolder(t *testing.T) {
	st := NewFileStore(t.TempDir())
	id := newRun(t, st, start, 1)
	unlock, err := st.Lock(id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Lock(id); !errors.Is(err, ErrLocked) {
		t.Fatalf("second lock: got %v, want ErrLocked", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	unlock, err = st.Lock(id)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	_ = unlock()
	if _, err := st.Lock("no-such-run"); !errors.Is(err, ErrNoRun) {
		t.Errorf("locking a missing run: %v", err)
	}
	if _, err := st.Lock("../etc"); !errors.Is(err, ErrNoRun) {
		t.Errorf("an id with a path in it: %v", err)
	}
}

func TestListAndStatus(t *testing.T) {
	st := NewFileStore(t.TempDir())
	old := newRun(t, st, start, 0)
	clk := clock.NewVirtual(start.Add(time.Hour))
	crashed, err := Start(st, Meta{Command: "run", Runbook: "b.star"}, clk)
	if err != nil {
		t.Fatal(err)
	}
	_ = crashed.unlock() // the process died
	clk.Advance(time.Hour)
	running, err := Start(st, Meta{Command: "apply", Runbook: "c.star"}, clk)
	if err != nil {
		t.Fatal(err)
	}
	defer running.Finish(nil)
	runs, err := st.List()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range runs {
		got = append(got, m.Runbook+" "+string(Status(st, m)))
	}
	want := "c.star running, b.star crashed, a.star finished"
	if strings.Join(got, ", ") != want {
		t.Errorf("runs: %s; want %s", strings.Join(got, ", "), want)
	}
	if m, err := Latest(st); err != nil || m.ID != crashed.ID() {
		t.Errorf("latest resumable run: %v %v, want %s", m.ID, err, crashed.ID())
	}
	if _, _, err := Resume(st, running.ID(), running.Meta(), clk, nil); !errors.Is(err, ErrLocked) {
		t.Errorf("resuming a running run: got %v, want ErrLocked", err)
	}
	_ = old
}

func TestPrune(t *testing.T) {
	st := NewFileStore(t.TempDir())
	var ids []string
	for i := 0; i < 5; i++ {
		ids = append(ids, newRun(t, st, start.Add(time.Duration(i)*24*time.Hour), 1))
	}
	unlock, err := st.Lock(ids[0]) // the oldest is in use: kept
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	now := start.Add(4*24*time.Hour + time.Hour)
	removed, err := Prune(st, now, 3*24*time.Hour, 0)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(removed, ",") != ids[1] {
		t.Errorf("pruned by age: %v, want [%s]", removed, ids[1])
	}
	removed, err = Prune(st, now, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(removed, ",") != ids[2] {
		t.Errorf("pruned by count: %v, want [%s]", removed, ids[2])
	}
	runs, _ := st.List()
	var left []string
	for _, m := range runs {
		left = append(left, m.ID)
	}
	if strings.Join(left, ",") != strings.Join([]string{ids[4], ids[3], ids[0]}, ",") {
		t.Errorf("left %v", left)
	}
}

func TestNewIDSortsByTime(t *testing.T) {
	a, b := NewID(start), NewID(start.Add(time.Second))
	if !(a < b) || !strings.HasPrefix(a, "20260302-090000-") || len(a) != len("20260302-090000-")+6 || !validID().MatchString(a) {
		t.Errorf("ids %q, %q", a, b)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("HOME", "/home/op")
	for _, tt := range []struct{ xdg, want string }{
		{"/var/state", "/var/state/glrun/runs"},
		{"", "/home/op/.local/state/glrun/runs"},
		{"relative/dir", "/home/op/.local/state/glrun/runs"},
	} {
		t.Setenv("XDG_STATE_HOME", tt.xdg)
		if got, err := DefaultDir(); err != nil || got != tt.want {
			t.Errorf("XDG_STATE_HOME=%q: %q, %v; want %q", tt.xdg, got, err, tt.want)
		}
	}
}
