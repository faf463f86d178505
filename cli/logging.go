package cli

import (
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"glrun/progress"
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

// logger returns the slog logger for a run, writing to w: text
// (key=value, the time as 15:04:05) or, with format "json", one JSON
// object per line with the full timestamp.
func (f *logFlags) logger(w io.Writer, format string) *slog.Logger {
	level := slog.LevelInfo
	switch {
	case f.verbose:
		level = slog.LevelDebug
	case f.quiet:
		level = slog.LevelWarn
	}
	if format == logFormatJSON {
		return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
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

// The values of the global --log-format flag.
const (
	logFormatText = "text"
	logFormatJSON = "json"
)

// registerLogFormat adds the global --log-format flag to root.
func registerLogFormat(root *cobra.Command) {
	root.PersistentFlags().String("log-format", logFormatText,
		`how logs are written on standard error: "text" (level=INFO msg=... lines) or "json" (one JSON object per line, for log collectors; no progress bars)`)
}

// logFormat returns the --log-format of cmd, refusing unknown formats.
func logFormat(cmd *cobra.Command) (string, error) {
	fl := cmd.Flags().Lookup("log-format")
	if fl == nil {
		return logFormatText, nil
	}
	switch v := fl.Value.String(); v {
	case logFormatText, logFormatJSON:
		return v, nil
	default:
		return "", usageErrorf("--log-format %q: want text or json", v)
	}
}

// progressOutput returns where a run's logs go and the progress display
// its waits draw on: on a terminal (NO_COLOR unset) with text logs, a
// display whose writer puts log lines above the bars; otherwise w itself
// and no display (waits then log their state changes).
func progressOutput(w io.Writer, format string) (io.Writer, *progress.Display) {
	t := terminal(w)
	if t == nil || format != logFormatText {
		return w, nil
	}
	d := progress.NewDisplay(t)
	return d, d
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
