package cli

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"glrun/exitcode"
	"glrun/glapi"
	"glrun/journal"
	"glrun/plan"
)

func newResumeCmd(s streams) *cobra.Command {
	f := &runFlags{}
	cmd := &cobra.Command{
		Use:   "resume [flags] [RUN_ID] [NAME=VALUE ...]",
		Short: "Pick up a live run or apply that stopped early, where it stopped",
		Long: `Resume the run RUN_ID (without it: the latest run started from this directory
that is neither finished nor in use; 'glrun runs' lists them).

The runbook runs again from the start with the same parameters, against the
same target: every call the run's journal holds is answered from the journal
(nothing is sent), then the run goes live and keeps journalling. Each change is
sent once: a change whose answer was lost when the run stopped is looked up in
GreenLake (a job, an invitation, a credential) and adopted if it took effect;
one that cannot be looked up stops the resume, nothing sent. A resumed apply
keeps its plan's checks for the changes that remain.

Refused, with nothing sent:
  - the runbook's files, its parameters or its target changed   exit 3
  - another glrun resume of the run is running                   exit 1
  - the journal is corrupt                                       exit 1
  - no such run                                                  exit 2
A run that finished is not run again: glrun says so and exits 0.

Parameters whose name says they hold a secret (password, token, apiKey ...) are
not kept in the journal: give them again as NAME=VALUE. The target is the run's
(its base URL or region, profile and tenant); the client secret comes from the
environment or the profile, as for 'glrun run'. See docs/journal.md.`,
		Example: `  glrun runs                              # the runs, newest first
  glrun resume                            # the latest unfinished run started here
  glrun resume 20261203-140855-3f9a2c
  glrun resume 20261203-140855-3f9a2c apiKey=$API_KEY   # a secret parameter, again`,
		ValidArgsFunction: completeRunIDs(false),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(f.output); err != nil {
				return err
			}
			id := ""
			if len(args) > 0 && !strings.Contains(args[0], "=") {
				id, args = args[0], args[1:]
			}
			if err := checkParamSyntax(args); err != nil {
				return err
			}
			return resumeRun(cmd, s, f, id, args)
		},
	}
	fs := cmd.Flags()
	fs.SetInterspersed(false)
	f.register(fs)
	f.journal.registerStateDir(fs)
	registerOutput(fs, &f.output, "the run report (status, exit code, result, changes, jobs, elapsed times)")
	return cmd
}

// resumeRun resumes run id (the latest here when empty) with params
// overriding its own.
func resumeRun(cmd *cobra.Command, s streams, f *runFlags, id string, params []string) error {
	store, err := openStore(&f.sessionFlags, s.env())
	if err != nil {
		return err
	}
	var m journal.Meta
	if id == "" {
		m, err = latestHere(store)
	} else {
		m, err = store.Meta(id)
		if errors.Is(err, journal.ErrNoRun) {
			err = withCode(exitcode.Usage, fmt.Errorf("no run %s in %s (see 'glrun runs')", id, store.Dir()))
		}
	}
	if err != nil {
		return err
	}
	switch journal.Status(store, m) {
	case journal.Finished:
		fmt.Fprintf(s.err, "glrun: run %s already finished at %s: there is nothing to resume, and nothing was sent\n", m.ID, m.Ended.Format(time.RFC3339))
		return nil
	case journal.Running:
		return resumeError(m.ID, journal.ErrLocked)
	}
	args, err := resumeParams(m, params)
	if err != nil {
		return err
	}
	if err := aimAtRunTarget(cmd, &f.target, m.Target); err != nil {
		return err
	}
	f.journal.resume, f.journal.runbookAs = m.ID, m.Runbook
	path := fromRunDir(m, m.Runbook)
	switch m.Command {
	case "run":
		return runRunbook(cmd, s, f, path, args)
	case "apply":
		p, err := plan.ReadFile(filepath.Join(store.Dir(), m.ID, planFile))
		if err != nil {
			return withCode(exitcode.Failed, fmt.Errorf("cannot resume run %s: its plan: %w", m.ID, err))
		}
		p.Runbook.Path = fromRunDir(m, p.Runbook.Path)
		return applyPlan(cmd, s, &f.sessionFlags, p)
	}
	return withCode(exitcode.Failed, fmt.Errorf("cannot resume run %s: unknown command %q in its meta", m.ID, m.Command))
}

// latestHere is the newest run started from the current directory that is
// neither finished nor in use.
func latestHere(store journal.Store) (journal.Meta, error) {
	wd, err := os.Getwd()
	if err != nil {
		return journal.Meta{}, fmt.Errorf("finding the current directory: %w", err)
	}
	runs, err := store.List()
	if err != nil {
		return journal.Meta{}, err
	}
	elsewhere := 0
	for _, m := range runs {
		if m.State == "" {
			continue // unreadable
		}
		if st := journal.Status(store, m); st == journal.Finished || st == journal.Running {
			continue
		}
		if m.Dir != wd {
			elsewhere++
			continue
		}
		return m, nil
	}
	msg := "no run to resume was started from this directory"
	if elsewhere > 0 {
		msg += fmt.Sprintf(" (%d started elsewhere: give its id; 'glrun runs' lists them)", elsewhere)
	}
	return journal.Meta{}, withCode(exitcode.Usage, fmt.Errorf("%s: %w", msg, journal.ErrNoRun))
}

// fromRunDir resolves a path of the run's (relative to the directory it
// was started from) from the current directory.
func fromRunDir(m journal.Meta, path string) string {
	if path == "" || filepath.IsAbs(path) || m.Dir == "" {
		return path
	}
	if wd, err := os.Getwd(); err == nil && wd == m.Dir {
		return path
	}
	return filepath.Join(m.Dir, path)
}

// resumeParams returns the run's parameters as NAME=VALUE, those given
// winning; a secret parameter (kept sealed) must be given again.
func resumeParams(m journal.Meta, given []string) ([]string, error) {
	out := map[string]string{}
	for k, v := range m.Params {
		out[k] = v
	}
	for _, g := range given {
		k, v, _ := strings.Cut(g, "=")
		out[k] = v
	}
	var missing []string
	for k, v := range out {
		if strings.HasPrefix(v, "sha256:") && m.Params[k] == v {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, usageErrorf("run %s: parameter(s) %s hold a secret, which the journal does not keep: give them again (glrun resume %s %s=...); nothing was sent",
			m.ID, strings.Join(missing, ", "), m.ID, missing[0])
	}
	args := make([]string, 0, len(out))
	for k, v := range out {
		args = append(args, k+"="+v)
	}
	sort.Strings(args)
	return args, nil
}

// aimAtRunTarget points the target flags not given on the command line at
// the run's target: its profile, its base URL (or region) and tenant. What
// the flags, environment and profile then resolve to is compared with the
// run's target before anything is sent.
func aimAtRunTarget(cmd *cobra.Command, f *targetFlags, t journal.Target) error {
	if cmd.Flags().Changed("sim") {
		return usageErrorf("a run resumes against the target it started with (%s), not --sim", t.Compute)
	}
	changed := cmd.Flags().Changed
	if !changed("profile") && t.Profile != "" {
		f.profile = t.Profile
	}
	if !changed("base-url") && !changed("region") {
		if region, ok := regionOf(t); ok {
			f.region = region
		} else {
			f.baseURL = t.Compute
		}
	}
	if !changed("tenant-acid") && t.Workspace != "" {
		f.tenantACID = t.Workspace
	}
	return nil
}

// regionOf returns the region whose hosts t names, if it names GreenLake's.
func regionOf(t journal.Target) (string, bool) {
	if t.Global != glapi.GlobalBaseURL {
		return "", false
	}
	u, err := url.Parse(t.Compute)
	if err != nil {
		return "", false
	}
	for _, r := range glapi.Regions() {
		if u.Host == r+".api.greenlake.hpe.com" {
			return r, true
		}
	}
	return "", false
}

// completeRunIDs completes run ids (with their runbook and state); all
// lists every run, else only those that can be resumed.
func completeRunIDs(all bool) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		dir, _ := cmd.Flags().GetString("state-dir")
		f := &sessionFlags{}
		f.journal.stateDir = dir
		store, err := openStore(f, os.Getenv)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveError
		}
		runs, err := store.List()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, m := range runs {
			if m.State == "" || !strings.HasPrefix(m.ID, toComplete) {
				continue
			}
			st := journal.Status(store, m)
			if !all && (st == journal.Finished || st == journal.Running) {
				continue
			}
			out = append(out, fmt.Sprintf("%s\t%s %s", m.ID, m.Runbook, st))
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
