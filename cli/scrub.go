package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"glrun/glapi"
)

// scrubWriter writes through a Scrubber: every known secret (the client
// secret, the tokens received) in what is written reads <redacted>. Each
// Write is scrubbed on its own, so a secret must not be split across two.
type scrubWriter struct {
	w     io.Writer
	scrub *glapi.Scrubber
}

func (s scrubWriter) Write(p []byte) (int, error) {
	if _, err := s.w.Write(s.scrub.Bytes(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// scrubbed returns w writing through the streams' Scrubber.
func (s streams) scrubbed(w io.Writer) io.Writer {
	if s.scrub == nil {
		return w
	}
	return scrubWriter{w: w, scrub: s.scrub}
}

// scrubHandler is a slog.Handler that scrubs the message and every
// attribute of a record by value before handing it on: a runbook may log
// what a hostile server answered, and a server may echo a token.
type scrubHandler struct {
	next  slog.Handler
	scrub *glapi.Scrubber
}

func (h scrubHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h scrubHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.scrub.String(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h scrubHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = h.attr(a)
	}
	return scrubHandler{next: h.next.WithAttrs(clean), scrub: h.scrub}
}

func (h scrubHandler) WithGroup(name string) slog.Handler {
	return scrubHandler{next: h.next.WithGroup(name), scrub: h.scrub}
}

// attr returns a with every secret in its value scrubbed.
func (h scrubHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.scrub.String(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, x := range g {
			clean[i] = h.attr(x)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		var text string
		if err, ok := v.Any().(error); ok {
			text = err.Error()
		} else {
			text = fmt.Sprint(v.Any())
		}
		if clean := h.scrub.String(text); clean != text {
			return slog.String(a.Key, clean)
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
