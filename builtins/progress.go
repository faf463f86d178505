package builtins

import (
	"context"
	"fmt"
	"log/slog"
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

// newProgress returns bars on env.Progress when it is set, else the log
// display.
func newProgress(env *Env, kind waitKind, start time.Time) progress {
	if env != nil && env.Progress != nil {
		return newBarProgress(env.Progress, clockOf(env), kind, start)
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
