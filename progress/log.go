package progress

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"glrun/glapi"
	"glrun/glapi/wait"
)

// Log returns the Reporter of a wait without a terminal: it logs one line
// per state change of each item on log (nil discards), with the elapsed
// time since start, what a running item says it is doing (status) and its
// percent when the API gives one.
func Log(log *slog.Logger, kind wait.Kind, start time.Time) wait.Reporter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &logReporter{log: log, kind: kind, start: start, last: map[string]string{}}
}

// percent returns the progress obj reports as "40%": its progressPercent
// (async operations), or the progressPercent of its statusDetails (where a
// job reports one); "" when it reports none.
func percent(obj glapi.Object) string {
	p := obj["progressPercent"]
	if p == nil {
		switch d := obj["statusDetails"].(type) {
		case map[string]any:
			p = d["progressPercent"]
		case glapi.Object:
			p = d["progressPercent"]
		}
	}
	switch p := p.(type) {
	case nil:
		return ""
	case fmt.Stringer:
		return p.String() + "%"
	default:
		return fmt.Sprintf("%v%%", p)
	}
}

// phase returns what an unfinished item says it is doing (a running job's
// status, such as "Updating server firmware"), or "" when it is finished or
// its status only repeats its state ("Pending").
func phase(kind wait.Kind, obj glapi.Object) string {
	st := obj.String("status")
	if st == "" || kind.Finished(obj) || strings.EqualFold(st, obj.String("state")) {
		return ""
	}
	return st
}

// logReporter logs one line per state change of each item.
type logReporter struct {
	log   *slog.Logger
	kind  wait.Kind
	start time.Time
	last  map[string]string // id -> state and phase last logged
}

// Show logs the items whose state changed since the last poll.
func (p *logReporter) Show(items []glapi.Object, now time.Time) {
	for _, it := range items {
		st := p.kind.State(it)
		ph := phase(p.kind, it)
		if p.last[it.ID()] == st+"\x00"+ph {
			continue
		}
		p.last[it.ID()] = st + "\x00" + ph
		attrs := []any{"state", st, "elapsed", now.Sub(p.start).Truncate(time.Second).String()}
		if ph != "" {
			attrs = append(attrs, "status", ph)
		}
		if pc := percent(it); pc != "" {
			attrs = append(attrs, "progress", pc)
		}
		p.log.Log(context.Background(), slog.LevelInfo, p.kind.Label(it), attrs...)
	}
}

// Close does nothing.
func (p *logReporter) Close() {}
