package progress

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"glrun/glapi"
	"glrun/glapi/wait"
)

// Log returns the Reporter of a wait without a terminal: it logs one line
// per state change of each item on log (nil discards), with the elapsed
// time since start and the item's percent when the API gives one.
func Log(log *slog.Logger, kind wait.Kind, start time.Time) wait.Reporter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &logReporter{log: log, kind: kind, start: start, last: map[string]string{}}
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

// logReporter logs one line per state change of each item.
type logReporter struct {
	log   *slog.Logger
	kind  wait.Kind
	start time.Time
	last  map[string]string // id -> state last logged
}

// Show logs the items whose state changed since the last poll.
func (p *logReporter) Show(items []glapi.Object, now time.Time) {
	for _, it := range items {
		st := p.kind.State(it)
		if p.last[it.ID()] == st {
			continue
		}
		p.last[it.ID()] = st
		attrs := []any{"state", st, "elapsed", now.Sub(p.start).Truncate(time.Second).String()}
		if pc := percent(it); pc != "" {
			attrs = append(attrs, "progress", pc)
		}
		p.log.Log(context.Background(), slog.LevelInfo, p.kind.Label(it), attrs...)
	}
}

// Close does nothing.
func (p *logReporter) Close() {}
