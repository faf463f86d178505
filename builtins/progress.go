package builtins

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"glrun/glapi"
)

// progress shows a wait's progress: live lines on a terminal, or one log
// line per state change.
type progress interface {
	// show is called after every poll with every item waited for.
	show(items []glapi.Object, now time.Time)
	// close ends the display.
	close()
}

// newProgress returns the terminal display when env.Progress is set, else
// the log display.
func newProgress(env *Env, kind waitKind, start time.Time) progress {
	if env != nil && env.Progress != nil {
		return &termProgress{w: env.Progress, kind: kind, start: start, ended: map[string]time.Time{}}
	}
	return &logProgress{log: waitLogger(env), kind: kind, start: start, last: map[string]string{}}
}

// waitLogger returns env.Log, or a logger that discards.
func waitLogger(env *Env) *slog.Logger {
	if env != nil && env.Log != nil {
		return env.Log
	}
	return slog.New(slog.DiscardHandler)
}

// percent returns obj's progressPercent as "40%", or "" when absent.
func percent(obj glapi.Object) string {
	switch p := obj["progressPercent"].(type) {
	case nil:
		return ""
	case fmt.Stringer:
		return p.String() + "%"
	default:
		return fmt.Sprintf("%v%%", p)
	}
}

// termProgress draws one line per item and rewrites them in place at every
// poll.
type termProgress struct {
	w     io.Writer
	kind  waitKind
	start time.Time
	drawn int                  // lines drawn last time
	ended map[string]time.Time // when each finished item was first seen finished
}

func (p *termProgress) show(items []glapi.Object, now time.Time) {
	var b strings.Builder
	if p.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dF", p.drawn) // back to the first line
	}
	for _, it := range items {
		at := now
		if p.kind.finished(it) {
			if t, ok := p.ended[it.ID()]; ok {
				at = t
			} else {
				p.ended[it.ID()] = now
			}
		}
		line := p.kind.label(it) + "  " + p.kind.state(it)
		if pc := percent(it); pc != "" {
			line += "  " + pc
		}
		line += "  " + at.Sub(p.start).Truncate(time.Second).String()
		b.WriteString("\r\x1b[2K" + line + "\n")
	}
	p.drawn = len(items)
	_, _ = io.WriteString(p.w, b.String())
}

func (p *termProgress) close() {}

// logProgress logs one line per state change of each item.
type logProgress struct {
	log   *slog.Logger
	kind  waitKind
	start time.Time
	last  map[string]string // id -> state last logged
}

func (p *logProgress) show(items []glapi.Object, now time.Time) {
	for _, it := range items {
		st := p.kind.state(it)
		if p.last[it.ID()] == st {
			continue
		}
		p.last[it.ID()] = st
		attrs := []any{"state", st, "elapsed", now.Sub(p.start).Truncate(time.Second).String()}
		if pc := percent(it); pc != "" {
			attrs = append(attrs, "progress", pc)
		}
		p.log.Log(context.Background(), slog.LevelInfo, p.kind.label(it), attrs...)
	}
}

func (p *logProgress) close() {}
