package progress

import (
	"log/slog"
	"time"

	"glrun/clock"
	"glrun/glapi/wait"
)

// For returns what makes the Reporter of each wait of a run (for
// wait.Options.Report): bars on d when it is not nil (a terminal), else one
// log line per state change on log. Elapsed times run on clk (nil: the
// wall clock).
func For(d *Display, log *slog.Logger, clk clock.Clock) func(kind wait.Kind, start time.Time) wait.Reporter {
	if clk == nil {
		clk = clock.Real{}
	}
	return func(kind wait.Kind, start time.Time) wait.Reporter {
		if d != nil {
			return Bars(d, clk, kind, start)
		}
		return Log(log, kind, start)
	}
}
