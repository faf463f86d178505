// Package progress is the live display of a run's waits on a terminal
// (one bar per job or async operation, drawn with
// github.com/vbauerster/mpb, with log lines above them) and, without a
// terminal, their log of state changes: the Reporters of package
// glapi/wait.
package progress

import (
	"io"
	"sync"
	"time"

	"github.com/vbauerster/cupwriter"
	"github.com/vbauerster/mpb/v8"
)

// displayRefresh is how often the bars are redrawn between polls, so their
// elapsed times tick.
const displayRefresh = 150 * time.Millisecond

// Display is the live progress of a run's waits on a terminal: one bar per
// job or async operation being waited for (state, percent when the API gives
// one, elapsed time), drawn with github.com/vbauerster/mpb. Every wait of
// a run shares it, so the waits of parallel.map draw together.
//
// A Display is also an io.Writer for the run's logs: while bars are shown,
// what is written appears above them, whole lines at a time, and never
// breaks them; otherwise it goes straight to the terminal. Its methods may be
// called from several goroutines.
type Display struct {
	out io.Writer

	mu    sync.Mutex // held while writing and while starting or ending a container
	p     *mpb.Progress
	users int // waits using p
	cw    *frameWriter
	done  chan any // closed when p has shut down
	stop  chan struct{}
	tick  chan any
}

// NewDisplay returns a display drawing on out, a terminal.
func NewDisplay(out io.Writer) *Display {
	return &Display{out: out}
}

// Write writes a log record: above the bars while any are shown, else
// straight to the terminal.
func (d *Display) Write(b []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.p == nil {
		return d.out.Write(b)
	}
	n, err := d.p.Write(b)
	if err != nil { // the container stopped on a render error: write plainly
		return d.out.Write(b)
	}
	return n, nil
}

// acquire returns the container, starting one for the first wait.
func (d *Display) acquire() *mpb.Progress {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.users++
	if d.p != nil {
		return d.p
	}
	d.cw = newFrameWriter(d.out)
	d.done = make(chan any)
	d.stop = make(chan struct{})
	d.tick = make(chan any)
	d.p = mpb.New(
		mpb.WithConsoleWriter(d.cw),
		mpb.WithManualRefresh(d.tick),
		mpb.WithShutdownNotifier(d.done),
		// A finished job's bar moves up above the running ones and stays
		// there, like a log line: the live block holds what is running.
		mpb.PopCompletedMode(),
	)
	go ticker(d.tick, d.stop, d.done)
	return d.p
}

// release ends a wait's use of the container; the last one draws the final
// frame (with any log lines still pending) and shuts the container down.
// The wait's bars must all be completed or aborted.
func (d *Display) release() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.users--
	if d.users > 0 || d.p == nil {
		return
	}
	d.frameLocked()
	close(d.stop)
	d.p.Wait()
	d.p = nil
}

// frame draws the bars now, with the state they have now, and returns once
// it is on the terminal.
func (d *Display) frame() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.frameLocked()
}

func (d *Display) frameLocked() {
	if d.p == nil {
		return
	}
	// Two requests: a render already under way when the first was sent may
	// show the old state; the second render starts after it.
	start := d.cw.frames()
	for range 2 {
		select {
		case d.tick <- time.Now():
		case <-d.done:
			return
		}
	}
	d.cw.waitFrames(start+2, d.done)
}

// ticker asks for a frame every displayRefresh until stop or done closes.
func ticker(tick chan<- any, stop <-chan struct{}, done <-chan any) {
	t := time.NewTicker(displayRefresh)
	defer t.Stop()
	for {
		select {
		case now := <-t.C:
			select {
			case tick <- now:
			case <-stop:
				return
			case <-done:
				return
			}
		case <-stop:
			return
		case <-done:
			return
		}
	}
}

// frameWriter is mpb's terminal writer, counting the frames it has put on
// the terminal so that a wait can draw synchronously after a poll.
type frameWriter struct {
	*cupwriter.Writer
	mu    sync.Mutex
	cond  *sync.Cond
	count int
}

func newFrameWriter(out io.Writer) *frameWriter {
	fw := &frameWriter{Writer: cupwriter.New(out, true)}
	fw.cond = sync.NewCond(&fw.mu)
	return fw
}

// Flush writes a frame and counts it.
func (w *frameWriter) Flush(lines int) error {
	err := w.Writer.Flush(lines)
	w.mu.Lock()
	w.count++
	w.mu.Unlock()
	w.cond.Broadcast()
	return err
}

// GetTermSize returns the terminal's size, or 80x40 when the terminal does
// not know it (a pty nobody sized reports 0x0, on which nothing would show).
func (w *frameWriter) GetTermSize() (width, height int, err error) {
	width, height, err = w.Writer.GetTermSize()
	if err != nil || width <= 0 || height <= 0 {
		return 80, 40, nil
	}
	return width, height, nil
}

// frames returns how many frames were written so far.
func (w *frameWriter) frames() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.count
}

// waitFrames returns once n frames were written or done is closed.
func (w *frameWriter) waitFrames(n int, done <-chan any) {
	stopped := make(chan struct{})
	defer close(stopped)
	go func() {
		select {
		case <-done:
			w.mu.Lock()
			w.count = max(w.count, n) // nothing more will be drawn
			w.mu.Unlock()
			w.cond.Broadcast()
		case <-stopped:
		}
	}()
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.count < n {
		w.cond.Wait()
	}
}
