package cli

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"glrun/exitcode"
	"glrun/journal"
)

func newRunsCmd(s streams) *cobra.Command {
	f := &sessionFlags{}
	var output string
	cmd := &cobra.Command{
		Use:   "runs [show RUN_ID] [flags]",
		Short: "List the journalled runs (to resume one that stopped early), or show one",
		Long: `List the runs in the state directory, newest first: id, runbook, when it
started, its state, the changes it sent and the jobs it left in flight.

States: running (a glrun process is running or resuming it), finished,
failed, interrupted (Ctrl-C, --timeout), crashed (the process died without
saying how the run ended). Every state but finished and running can be
resumed with 'glrun resume RUN_ID'.

Live 'glrun run' and 'glrun apply' journal their runs; --sim, --replay,
--dry-run, plans and --no-journal runs are not journalled. See
docs/journal.md.`,
		Example: `  glrun runs
  glrun runs -o json
  glrun runs show 20261203-140855-3f9a2c
  glrun runs --state-dir /srv/glrun/runs`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			store, err := openStore(f, s.env())
			if err != nil {
				return err
			}
			infos, err := journal.InspectAll(store)
			if err != nil {
				return withCode(exitcode.Failed, fmt.Errorf("listing the runs in %s: %w", store.Dir(), err))
			}
			if output == "json" {
				if infos == nil {
					infos = []journal.Info{}
				}
				return writeJSON(s.out, infos)
			}
			if len(infos) == 0 {
				fmt.Fprintf(s.err, "glrun: no runs in %s\n", store.Dir())
				return nil
			}
			return writeRunsTable(s.out, infos)
		},
	}
	show := &cobra.Command{
		Use:               "show RUN_ID",
		Short:             "Show one run: what ran, against what, how it ended, what its journal says",
		Example:           "  glrun runs show 20261203-140855-3f9a2c\n  glrun runs show 20261203-140855-3f9a2c -o json",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeRunIDs(true),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			store, err := openStore(f, s.env())
			if err != nil {
				return err
			}
			in, err := journal.Inspect(store, args[0])
			if errors.Is(err, journal.ErrNoRun) {
				return withCode(exitcode.Usage, fmt.Errorf("no run %s in %s (see 'glrun runs')", args[0], store.Dir()))
			}
			if err != nil {
				return withCode(exitcode.Failed, err)
			}
			if output == "json" {
				return writeJSON(s.out, in)
			}
			writeRun(s.out, in)
			return nil
		},
	}
	for _, c := range []*cobra.Command{cmd, show} {
		fs := c.Flags()
		f.journal.registerStateDir(fs)
		fs.StringVar(&f.target.profile, "profile", "", "read state_dir from this profile (env GLRUN_PROFILE); see 'glrun config'")
		registerOutput(fs, &output, "the runs (meta, status, journal summary)")
	}
	cmd.AddCommand(show)
	return cmd
}

// writeRunsTable writes one line a run.
func writeRunsTable(w io.Writer, infos []journal.Info) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRUNBOOK\tSTARTED\tSTATE\tCHANGES SENT\tJOBS IN FLIGHT")
	for _, in := range infos {
		state := string(in.Status)
		if in.Damage != "" {
			state += " (damaged)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\n", in.ID, dash(in.Runbook), startedText(in.Started), dash(state), changesSent(in.Summary), len(in.Summary.JobsInFlight))
	}
	return tw.Flush()
}

// writeRun writes one run for people.
func writeRun(w io.Writer, in journal.Info) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, dash(v)) }
	row("id", in.ID)
	row("command", in.Command)
	row("runbook", in.Runbook)
	row("directory", in.Dir)
	row("state", string(in.Status))
	row("started", startedText(in.Started))
	if !in.Ended.IsZero() {
		row("ended", startedText(in.Ended))
	}
	if in.Error != "" {
		row("error", in.Error)
	}
	if in.Resumes > 0 {
		row("resumes", fmt.Sprint(in.Resumes))
	}
	row("target", targetText(in.Target))
	row("params", mapText(in.Params, func(v string) string {
		if strings.HasPrefix(v, "sha256:") {
			return "(secret)"
		}
		return v
	}))
	row("files", mapText(in.Files, func(v string) string {
		if len(v) > 12 {
			return v[:12] + "..."
		}
		return v
	}))
	row("reads", fmt.Sprint(in.Summary.Reads))
	row("changes sent", changesSent(in.Summary))
	row("jobs in flight", strings.Join(in.Summary.JobsInFlight, ", "))
	if in.Damage != "" {
		row("damage", in.Damage)
	}
	_ = tw.Flush()
	switch in.Status {
	case journal.Failed, journal.Interrupted, journal.Crashed:
		fmt.Fprintf(w, "\nresume it with: glrun resume %s\n", in.ID)
	}
}

// changesSent is "3", or "3 (1 outcome unknown)".
func changesSent(s journal.Summary) string {
	if s.Unknown > 0 {
		return fmt.Sprintf("%d (%d outcome unknown)", s.Sent, s.Unknown)
	}
	return fmt.Sprint(s.Sent)
}

// startedText is a time in UTC, to the second.
func startedText(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

// targetText names a run's hosts, profile and tenant.
func targetText(t journal.Target) string {
	out := t.Compute
	if t.Global != t.Compute {
		out += " (global " + t.Global + ")"
	}
	if t.Profile != "" {
		out += ", profile " + t.Profile
	}
	if t.Workspace != "" {
		out += ", tenant " + t.Workspace
	}
	return out
}

// mapText is "k=v, k=v", sorted by key.
func mapText(m map[string]string, show func(string) string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + show(m[k])
	}
	return strings.Join(parts, ", ")
}

// dash is s, or "-" when empty.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
