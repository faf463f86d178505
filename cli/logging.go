package cli

import (
	"io"
	"log/slog"
	"os"

	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// logFlags control how much glrun says on standard error.
type logFlags struct {
	verbose bool
	quiet   bool
}

func (f *logFlags) register(fs *pflag.FlagSet) {
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "log every API request and retry (never secrets)")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "log warnings and errors only")
}

// logger returns the slog logger for a run, writing text to w.
func (f *logFlags) logger(w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	switch {
	case f.verbose:
		level = slog.LevelDebug
	case f.quiet:
		level = slog.LevelWarn
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.String(slog.TimeKey, a.Value.Time().Format("15:04:05"))
			}
			return a
		},
	}))
}

// terminal returns w when it is a terminal (and NO_COLOR is unset), for
// live progress lines; nil otherwise.
func terminal(w io.Writer) io.Writer {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || os.Getenv("NO_COLOR") != "" {
		return nil
	}
	return f
}
