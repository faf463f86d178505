package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"glrun/clock"
	"glrun/exitcode"
	"glrun/glapi"
	"glrun/plan"
	"glrun/runtime"
)

// planFlags are the flags of 'glrun plan'.
type planFlags struct {
	sessionFlags
	output string // -o: "text" or "json", how the plan is printed
	out    string // --out: the file the plan is saved to ("-": stdout)
}

// planOptions is what 'glrun plan' was asked to do, once its command line
// is parsed and checked (-o and --out settled by planOutput).
type planOptions struct {
	planFlags
	path   string   // the runbook
	params []string // NAME=VALUE, as given
}

// newPlanCmd returns 'glrun plan'. runF does the work once the command line
// is parsed and checked; nil means making the plan (tests pass their own).
func newPlanCmd(s streams, runF func(*cobra.Command, *planOptions) error) *cobra.Command {
	if runF == nil {
		runF = func(cmd *cobra.Command, o *planOptions) error {
			return planCommand(cmd, s, &o.planFlags, o.path, o.params)
		}
	}
	o := &planOptions{}
	f := &o.planFlags
	cmd := &cobra.Command{
		Use:   "plan [flags] FILE [NAME=VALUE ...] [--out PLAN.json]",
		Short: "Show what a runbook would change, and save it as a plan to apply after review",
		Long: `Run the runbook as a dry run: reads are sent, changes (POST, PUT, PATCH,
DELETE) are not. Each change is recorded with a one-line description and
answered with a plausible made-up response (a created job gets an id such as
plan-job-0001 and reads back COMPLETE), so the runbook runs to the end.

With --out, the plan is saved: glrun's version, the runbook's path and the sha256
of every file it loads, the git commit of its repository (and whether the tree
had uncommitted changes), the parameters, the target (never credentials), the
time and the ordered changes. 'glrun show PLAN.json' renders it for review;
'glrun apply PLAN.json' runs exactly that change and nothing else.
See docs/approval.md.`,
		Example: `  glrun plan --sim runbooks/power_cycle.star group=prod-web --out restart.plan.json
  glrun show restart.plan.json
  glrun apply --sim restart.plan.json

  # the plan as JSON on standard output, for tools
  glrun plan --region eu-central runbooks/onboard_user.star email=ana@example.com -o json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := planOutput(s, f); err != nil {
				return err
			}
			o.path, o.params = args[0], args[1:]
			return runF(cmd, o)
		},
	}
	fs := cmd.Flags()
	f.register(fs)
	registerOutput(fs, &f.output, "the plan")
	fs.StringVar(&f.out, "out", "", "save the plan as JSON to this file ('-' for standard output)")
	return cmd
}

// planOutput settles -o and --out before anything runs. -o FILE (any value
// but text and json) is the old spelling of --out FILE: it still works, with
// a warning.
func planOutput(s streams, f *planFlags) error {
	if f.output == "text" || f.output == "json" {
		return nil
	}
	if f.out != "" {
		return usageErrorf("-o %q: want text or json (the plan file is --out %s)", f.output, f.out)
	}
	if f.output == "-" {
		fmt.Fprintln(s.err, "glrun: -o - is deprecated; use -o json")
	} else {
		fmt.Fprintln(s.err, "glrun: -o FILE is deprecated; use --out FILE")
	}
	f.out, f.output = f.output, "text"
	return nil
}

// planCommand makes the plan and prints or saves it, as f (settled by
// planOutput) says.
func planCommand(cmd *cobra.Command, s streams, f *planFlags, path string, params []string) error {
	p, err := makePlan(cmd, s, &f.sessionFlags, path, params)
	if err != nil {
		return err
	}
	save := f.out != "" && f.out != "-"
	if save {
		p.SetPlanFile(f.out)
		if err := p.WriteFile(f.out); err != nil {
			return withCode(exitcode.Failed, err)
		}
	}
	if f.out == "-" || f.output == "json" {
		if err := writePlanJSON(s, p); err != nil {
			return err
		}
	} else if err := renderPlan(s, p); err != nil {
		return err
	}
	if !save {
		return nil
	}
	apply := "glrun apply "
	if p.Target.Kind == plan.KindSimulator {
		apply += "--sim " // a plan made against the simulator applies to it only
	}
	fmt.Fprintf(s.err, "glrun: plan saved to %s; review it with 'glrun show %s', then run exactly it with '%s%s'\n", f.out, f.out, apply, f.out)
	return nil
}

// renderPlan writes the plan for people on standard output, in colour on a
// terminal.
func renderPlan(s streams, p *plan.Plan) error {
	return plan.Render(s.out, p, plan.RenderOptions{Color: terminal(s.out) != nil})
}

// writePlanJSON writes the plan as JSON on standard output, for tools.
func writePlanJSON(s streams, p *plan.Plan) error {
	b, err := p.Marshal()
	if err != nil {
		return err
	}
	_, err = s.out.Write(b)
	return err
}

// makePlan runs the runbook in dry-run mode and returns its plan. Nothing
// but reads is sent.
func makePlan(cmd *cobra.Command, s streams, f *sessionFlags, path string, params []string) (*plan.Plan, error) {
	given, err := paramMap(params)
	if err != nil {
		return nil, err
	}
	clk := &clockRef{}
	dry := plan.NewDryRun(clk)
	ss, err := openSession(cmd, s, f, path, dry)
	if err != nil {
		return nil, err
	}
	defer ss.Close()
	clk.c = ss.target.clock
	rb := ss.runbook
	ss.logger.Info("planning (dry run: reads are sent, changes are not)", "runbook", rb.Name(), "target", ss.target.describe())
	if _, err := rb.Call(cmd.Context(), params); err != nil {
		fmt.Fprintf(s.err, "glrun: the dry run of %s failed; nothing was changed: %s\n", rb.Name(), ss.tally.summary())
		return nil, runtimeExit(err)
	}
	p := &plan.Plan{
		Format:    plan.FormatVersion,
		Glrun:     Version,
		Created:   time.Now().UTC().Truncate(time.Second),
		Runbook:   runbookInfo(cmd.Context(), path, rb),
		Params:    given,
		Target:    targetOf(ss),
		Mutations: dry.Mutations(),
	}
	p.Target.Workspace = planWorkspace(cmd, ss)
	p.Scrub(s.scrub)
	if p.Mutations == nil {
		p.Mutations = []plan.Mutation{}
	}
	p.SetGitPath(cmd.Context())
	if err := markApprovals(cmd.Context(), ss.client, p); err != nil {
		fmt.Fprintf(s.err, "glrun: warning: the plan cannot say which changes need approval: %v\n", err)
	}
	fmt.Fprintf(s.err, "glrun: dry run of %s done: %s sent; %s, none sent\n", rb.Name(), ss.tally.summary(), plural(len(p.Mutations), "change planned", "changes planned"))
	return p, nil
}

// runbookInfo identifies the runbook's code for a plan.
func runbookInfo(ctx context.Context, path string, rb *runtime.Runbook) plan.Runbook {
	info := plan.Runbook{Path: filepath.ToSlash(filepath.Clean(path)), Git: plan.GitInfo(ctx, filepath.Dir(path))}
	info.Files = planFiles(rb.Files())
	for _, f := range info.Files {
		if f.Name == rb.Name() {
			info.SHA256 = f.SHA256
		}
	}
	return info
}

// planFiles converts the runtime's file list.
func planFiles(files []runtime.File) []plan.File {
	out := make([]plan.File, len(files))
	for i, f := range files {
		out[i] = plan.File{Name: f.Name, SHA256: f.SHA256}
	}
	return out
}

// targetOf describes the session's target for a plan: never credentials,
// and for the built-in simulator no port (it changes with every start).
func targetOf(ss *session) plan.Target { return planTarget(ss.target, ss.client) }

// planTarget describes a target, and the client that reaches it, for a
// plan.
func planTarget(tgt *target, client *glapi.Client) plan.Target {
	cfg := tgt.cfg
	if tgt.sim != nil {
		return plan.Target{Kind: plan.KindSimulator, TenantACID: cfg.TenantACID}
	}
	ep := client.BaseURLs()
	t := plan.Target{Kind: plan.KindGreenLake, Compute: ep.Compute, Global: ep.Global, Token: ep.Token, TenantACID: cfg.TenantACID}
	if cfg.BaseURL != "" {
		t.Kind = plan.KindBaseURL
		return t
	}
	t.Region = cfg.Region
	if t.Region == "" {
		t.Region = glapi.DefaultRegion
	}
	return t
}

// paramMap turns NAME=VALUE arguments into a map, refusing anything else
// and names given twice.
func paramMap(params []string) (map[string]string, error) {
	if err := checkParamSyntax(params); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(params))
	for _, p := range params {
		name, value, _ := strings.Cut(p, "=")
		if _, dup := out[name]; dup {
			return nil, usageErrorf("parameter %s given twice", name)
		}
		out[name] = value
	}
	return out, nil
}

// clockRef is a clock.Clock that asks another clock, once known (the
// session's, which exists only after the mode is built); until then the
// wall clock.
type clockRef struct{ c clock.Clock }

// Now returns the time on the referenced clock.
func (r *clockRef) Now() time.Time { return r.get().Now() }

// Sleep sleeps on the referenced clock.
func (r *clockRef) Sleep(ctx context.Context, d time.Duration) error { return r.get().Sleep(ctx, d) }

func (r *clockRef) get() clock.Clock {
	if r.c == nil {
		return clock.Real{}
	}
	return r.c
}
