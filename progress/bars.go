package progress

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/wait"
)

// uuidInLabel matches the UUIDs of job and operation ids, which a bar shortens
// to their first 8 characters (as git does commits) to leave room for what
// the job does and to what.
// It is compiled on first use, not at the start of every command.
var uuidInLabel = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)
})

// barWidth is the width of the bar itself, between the state and the label.
const barWidth = 20

// Bars returns the Reporter of a wait on a terminal: one bar per item on
// the shared display d, "RUNNING  40%  1m5s [=====>    ] job 1234 (Server
// Firmware Update on prod-web-01): Updating server firmware" (the percent
// and the phase as the item reports them), redrawn after every poll;
// elapsed times run on clk from start.
func Bars(d *Display, clk clock.Clock, kind wait.Kind, start time.Time) wait.Reporter {
	return newBarProgress(d, clk, kind, start)
}

// barProgress shows one wait as bars on a shared Display.
type barProgress struct {
	d     *Display
	p     *mpb.Progress
	clk   clock.Clock
	kind  wait.Kind
	start time.Time
	bars  []*itemBar
}

// itemBar is one item's bar and what its decorators show.
type itemBar struct {
	bar *mpb.Bar

	mu       sync.Mutex
	label    string
	state    string
	percent  string
	finished bool
	start    time.Time // when the wait started
	ended    time.Time // when the item was first seen finished
}

func newBarProgress(d *Display, clk clock.Clock, kind wait.Kind, start time.Time) *barProgress {
	return &barProgress{d: d, p: d.acquire(), clk: clk, kind: kind, start: start}
}

// Show updates the bars and draws them. Each bar that finishes is drawn
// on its own frame, in the order of the items: the display moves a
// finished bar above the running ones, and bars finishing in one frame
// would move up in reverse order.
func (p *barProgress) Show(items []glapi.Object, now time.Time) {
	for i, it := range items {
		if i == len(p.bars) {
			p.bars = append(p.bars, p.addBar())
		}
		if p.bars[i].update(p.kind, it, now) {
			p.d.frame()
		}
	}
	p.d.frame()
}

// addBar adds a bar whose decorators read the item's last known state.
func (p *barProgress) addBar() *itemBar {
	ib := &itemBar{start: p.start}
	ib.bar = p.p.AddBar(100,
		mpb.BarWidth(barWidth),
		// state first, so that a narrow terminal cuts the label, not it
		mpb.PrependDecorators(decor.Any(func(decor.Statistics) string {
			return ib.status(p.clk.Now())
		}, decor.WCSyncSpaceR)),
		mpb.AppendDecorators(decor.Any(func(st decor.Statistics) string {
			ib.mu.Lock()
			defer ib.mu.Unlock()
			return fitLabel(ib.label, st.AvailableWidth-barWidth-2)
		})),
	)
	return ib
}

// update records the item's state and moves its bar: to its percent while
// running, to the end once finished. It reports whether the item finished
// now.
func (b *itemBar) update(kind wait.Kind, it glapi.Object, now time.Time) bool {
	b.mu.Lock()
	b.label = uuidInLabel().ReplaceAllStringFunc(kind.Label(it), func(id string) string { return id[:8] })
	if ph := phase(kind, it); ph != "" {
		b.label += ": " + ph
	}
	b.state = kind.State(it)
	if pc := percent(it); pc != "" {
		b.percent = pc
	}
	n, _ := strconv.Atoi(strings.TrimSuffix(b.percent, "%"))
	first := kind.Finished(it) && !b.finished
	if first {
		b.finished, b.ended = true, now
	}
	b.mu.Unlock()
	switch {
	case first:
		b.bar.SetCurrent(100) // completes the bar
	case n > 0 && n < 100:
		b.bar.SetCurrent(int64(n))
	}
	return first
}

// status is what follows the bar: state, percent and elapsed time (frozen
// once the item finished).
func (b *itemBar) status(now time.Time) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		now = b.ended
	}
	s := b.state
	if b.percent != "" {
		s += "  " + b.percent
	}
	return s + "  " + now.Sub(b.start).Truncate(time.Second).String()
}

// Close ends the bars still running (timeout, interrupt, error) where they
// are, one frame each so that they stay in their order on the screen (see
// Show), and lets the display shut down when no other wait uses it.
func (p *barProgress) Close() {
	for _, b := range p.bars {
		if !b.bar.Completed() && !b.bar.Aborted() {
			b.bar.Abort(false)
			p.d.frame()
		}
	}
	p.d.release()
}

// fitLabel cuts label to width runes (at least 10), ending it with "…" when
// cut, so that the line never wraps and the bar keeps its width.
func fitLabel(label string, width int) string {
	width = max(width, 10)
	r := []rune(label)
	if len(r) <= width {
		return label
	}
	return string(r[:width-1]) + "…"
}
