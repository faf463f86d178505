package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"glrun/exitcode"
	"glrun/glapi"
	"glrun/plan"
	"glrun/runtime"
)

// approveFlags are the flags of 'glrun approve'.
type approveFlags struct {
	target  targetFlags
	log     logFlags
	output  string
	decline bool
	remarks string
	wait    time.Duration
	poll    time.Duration
}

func newApproveCmd(s streams) *cobra.Command {
	f := &approveFlags{}
	cmd := &cobra.Command{
		Use:   "approve [flags] PLAN.json",
		Short: "Approve (or decline) the pending approval requests of a reviewed plan, and no others",
		Long: `Run by an approver, with their own API client credentials (GREENLAKE_CLIENT_ID
and GREENLAKE_CLIENT_SECRET, or --profile): list the workspace's PENDING
approval requests and approve exactly those whose job is a change of the plan
(same job template, same resource, same parameters). Every other pending
request is left alone and listed: those on resources the plan does not touch,
and those that claim a planned resource but differ from the plan (another
template, other parameters, or a planned change another request already
matched).

Refused at once, with nothing sent, when the plan file is not a glrun plan
(exit 2), when it has changes since it was committed in its git repository, or
when its target or the runbook's files differ from the plan's (exit 3): run it
in the repository the plan was reviewed in.

With --wait it keeps watching until every planned change that needs approval
(glrun show marks them) has been approved, or the time runs out (exit 4): an
apply raises its requests batch by batch; requests an earlier 'glrun approve' of
the plan decided count (each decision's remarks end with "(glrun plan
FINGERPRINT)"). --decline declines the plan's requests instead (their jobs end
in ERROR with your remarks).

Exit codes: 0 every request of the plan it saw was decided, 3 a pending request
claims a planned resource but differs from the plan (not approved), 4 --wait
ran out with planned changes still waiting.
See docs/approval.md.`,
		Example: `  # the approver, in the repository the plan was reviewed in
  glrun approve plans/restart-prod-web.plan.json
  glrun approve plans/restart-prod-web.plan.json --wait 30m --remarks "CHG-1234"
  glrun approve plans/restart-prod-web.plan.json --decline --remarks "not during the freeze"
  glrun approve -o json plans/restart-prod-web.plan.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(f.output); err != nil {
				return err
			}
			if f.wait < 0 || f.poll <= 0 {
				return usageErrorf("--wait must not be negative and --poll must be positive")
			}
			return approvePlan(cmd, s, f, args[0])
		},
	}
	fs := cmd.Flags()
	f.target.register(fs)
	f.log.register(fs)
	registerOutput(fs, &f.output, "what was approved and left alone")
	fs.BoolVar(&f.decline, "decline", false, "decline the plan's pending requests instead of approving them")
	fs.StringVar(&f.remarks, "remarks", "", "remarks sent with each decision (shown to the requester); glrun adds \"(glrun plan FINGERPRINT)\"")
	fs.DurationVar(&f.wait, "wait", 0, "keep watching this long for the plan's requests still to come (e.g. 30m); 0: one look")
	fs.DurationVar(&f.poll, "poll", 10*time.Second, "with --wait: how often to look for new requests")
	return cmd
}

// approvalDecision is one request decided or left alone, as reported.
type approvalDecision struct {
	Request   string `json:"request"`
	Action    string `json:"action"`
	Resource  string `json:"resource"`
	Requester string `json:"requester,omitempty"`
	Seq       int    `json:"change,omitempty"`
	Change    string `json:"description,omitempty"`
	State     string `json:"state,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// approveReport is what 'glrun approve' did.
type approveReport struct {
	Plan     string             `json:"plan"`
	Decision string             `json:"decision"`
	Decided  []approvalDecision `json:"decided"`
	// Earlier are the plan's requests an earlier 'glrun approve' of it
	// decided (their remarks carry the plan's mark).
	Earlier   []approvalDecision `json:"earlier"`
	Conflicts []approvalDecision `json:"conflicts"`
	Unrelated []approvalDecision `json:"unrelated"`
	// Waiting are the planned changes that need approval and got no
	// decision (their request did not come, or not in time).
	Waiting  []int `json:"waiting"`
	ExitCode int   `json:"exitCode"`
}

// approvePlan checks the plan against the target and the runbook's files,
// then decides the pending requests that match it.
func approvePlan(cmd *cobra.Command, s streams, f *approveFlags, path string) error {
	// A plan edited since it was committed is refused first, whatever the
	// edit (one that keeps it a valid plan, or one its checks catch).
	inGit := plan.FileInGit(cmd.Context(), path)
	if inGit == plan.Modified {
		return withCode(exitcode.Drift, fmt.Errorf("approve refused, nothing was sent: %s has changes since it was committed; approve the plan as it was reviewed (git diff %s)", path, path))
	}
	p, err := plan.ReadFile(path)
	var tampered *plan.TamperedError
	switch {
	case errors.As(err, &tampered):
		return withCode(exitcode.Drift, fmt.Errorf("approve refused, nothing was sent: %w", err))
	case err != nil:
		return usageErrorf("approve refused, nothing was sent: %v", err)
	}
	if inGit == plan.Untracked {
		fmt.Fprintf(s.err, "glrun: warning: %s is not committed: make sure it is the plan that was reviewed\n", path)
	}
	files, err := runtime.ListFiles(p.Runbook.Path, runtime.Options{}, isBuiltinName)
	if err != nil {
		return withCode(exitcode.Drift, fmt.Errorf("approve refused, nothing was sent: the plan's runbook %s cannot be loaded here (run glrun approve in the repository the plan was made in): %w", p.Runbook.Path, err))
	}
	if err := p.CheckFiles(planFiles(files)); err != nil {
		return withCode(exitcode.Drift, refusedApprove(err))
	}
	format, err := logFormat(cmd)
	if err != nil {
		return err
	}
	tgt, err := f.target.resolve(cmd, s)
	if err != nil {
		return err
	}
	defer tgt.Close()
	cfg := tgt.cfg
	cfg.Clock = tgt.clock
	cfg.Logger = f.log.logger(s.err, format)
	if cfg.RateLimits, err = f.target.rate.limits(); err != nil {
		return err
	}
	client, err := glapi.New(cfg)
	if err != nil {
		if errors.Is(err, glapi.ErrNoCredentials) {
			return withCode(exitcode.Usage, fmt.Errorf("approve needs the approver's own API client: %w", err))
		}
		return withCode(exitcode.Usage, err)
	}
	if err := p.CheckTarget(planTarget(tgt, client)); err != nil {
		return withCode(exitcode.Drift, refusedApprove(err))
	}
	a := &approver{client: client, plan: p, flags: f, planned: p.PlannedJobs(), claimed: map[int]string{}, seen: map[string]bool{},
		report: &approveReport{Plan: path, Decision: "approve"}}
	if f.decline {
		a.report.Decision = "decline"
	}
	runErr := a.run(cmd.Context(), tgt)
	rep := a.finish()
	if f.output == "json" {
		if runErr != nil {
			rep.ExitCode = exitCodeOf(runErr)
		}
		if err := writeJSON(s.out, rep); err != nil {
			return err
		}
	} else {
		a.print(s.out)
	}
	if runErr != nil {
		return runErr
	}
	switch rep.ExitCode {
	case exitcode.Drift:
		return withCode(exitcode.Drift, fmt.Errorf("%d pending request(s) claim a planned resource but differ from the plan; they were not %sd", len(rep.Conflicts), rep.Decision))
	case exitcode.Timeout:
		return withCode(exitcode.Timeout, fmt.Errorf("--wait %s ran out: planned change(s) %s still wait for approval", f.wait, seqList(rep.Waiting)))
	}
	fmt.Fprintf(s.err, "glrun: %sd %d request(s) of the plan (%d decided earlier); left alone %d pending request(s) not raised by it\n",
		rep.Decision, len(rep.Decided), len(rep.Earlier), len(rep.Unrelated))
	return nil
}

// refusedApprove rewords an apply's refusal for approve.
func refusedApprove(err error) error {
	return errors.New(strings.Replace(err.Error(), "apply refused", "approve refused", 1))
}

// approver decides the requests of one plan.
type approver struct {
	client  *glapi.Client
	plan    *plan.Plan
	flags   *approveFlags
	planned []plan.PlannedJob
	claimed map[int]string  // planned Seq -> request id
	seen    map[string]bool // requests already reported
	report  *approveReport
}

// run looks at the pending requests once, or with --wait until every
// planned change needing approval has been decided or the time is up.
func (a *approver) run(ctx context.Context, tgt *target) error {
	deadline := tgt.clock.Now().Add(a.flags.wait)
	for {
		if err := a.pass(ctx); err != nil {
			return err
		}
		if a.flags.wait == 0 || len(a.waiting()) == 0 || !tgt.clock.Now().Before(deadline) {
			return nil
		}
		if err := tgt.clock.Sleep(ctx, min(a.flags.poll, deadline.Sub(tgt.clock.Now()))); err != nil {
			return withCode(exitcode.Interrupted, fmt.Errorf("approve interrupted: %w", err))
		}
	}
}

// planClockSkew is how much earlier than the plan's creation (by the
// planning machine's clock) a request may have been created (by the API's
// clock) and still be taken for one of the plan's.
const planClockSkew = time.Minute

// pass takes note of the plan's requests decided by an earlier 'glrun
// approve' of it (their remarks carry the plan's mark), then lists the
// pending requests and decides those of the plan.
func (a *approver) pass(ctx context.Context) error {
	mark := a.plan.DecisionMark()
	decided, err := a.client.ApprovalRequests.List(ctx, glapi.ListOptions{
		Filter: "approvalState eq '" + glapi.ApprovalApproved + "' or approvalState eq '" + glapi.ApprovalDeclined + "'"})
	if err != nil {
		return withCode(exitcode.Failed, fmt.Errorf("listing the decided approval requests: %w", err))
	}
	for _, r := range decided {
		if a.seen[r.String("id")] || !strings.Contains(decisionRemarks(r), mark) {
			continue
		}
		d, job, err := a.describe(ctx, r)
		if err != nil || job == nil {
			continue // not ours to report: it is no longer pending
		}
		if pj, verdict, _ := plan.MatchJob(a.planned, plan.JobOperationOfJob(job), a.claimed); verdict == plan.Matches {
			a.seen[d.Request] = true
			a.claimed[pj.Seq] = d.Request
			d.Seq, d.Change, d.State = pj.Seq, pj.Description, r.String("approvalState")
			a.report.Earlier = append(a.report.Earlier, d)
		}
	}

	reqs, err := a.client.ApprovalRequests.List(ctx, glapi.ListOptions{Filter: "approvalState eq '" + glapi.ApprovalPending + "'"})
	if err != nil {
		return withCode(exitcode.Failed, fmt.Errorf("listing the pending approval requests: %w", err))
	}
	for _, r := range reqs {
		if a.seen[r.String("id")] || r.String("approvalState") != glapi.ApprovalPending {
			continue
		}
		d, job, err := a.describe(ctx, r)
		if err != nil {
			return err
		}
		a.seen[d.Request] = true
		if job == nil {
			d.Reason = "names no job"
			a.report.Unrelated = append(a.report.Unrelated, d)
			continue
		}
		pj, verdict, why := plan.MatchJob(a.planned, plan.JobOperationOfJob(job), a.claimed)
		switch {
		case verdict == plan.Unrelated:
			d.Reason = "not in the plan"
			a.report.Unrelated = append(a.report.Unrelated, d)
			continue
		case verdict == plan.Conflicts:
			d.Seq, d.Change, d.Reason = pj.Seq, pj.Description, why
			a.report.Conflicts = append(a.report.Conflicts, d)
			continue
		case createdBefore(r, a.plan.Created.Add(-planClockSkew)):
			d.Reason = fmt.Sprintf("like planned change #%d, but created at %s, before the plan was made (%s): not raised by applying it",
				pj.Seq, r.String("createdAt"), a.plan.Created.UTC().Format(time.RFC3339))
			a.report.Unrelated = append(a.report.Unrelated, d)
			continue
		}
		d.Seq, d.Change = pj.Seq, pj.Description
		var got glapi.Object
		remarks := strings.TrimSpace(a.flags.remarks + " (" + mark + ")")
		if a.flags.decline {
			got, err = a.client.ApprovalRequests.Decline(ctx, d.Request, remarks)
		} else {
			got, err = a.client.ApprovalRequests.Approve(ctx, d.Request, remarks)
		}
		if err != nil {
			return withCode(exitcode.Failed, fmt.Errorf("%sing approval request %s (change #%d, %s): %w", strings.TrimSuffix(a.report.Decision, "e"), d.Request, pj.Seq, pj.Description, err))
		}
		a.claimed[pj.Seq] = d.Request
		d.State = got.String("approvalState")
		a.report.Decided = append(a.report.Decided, d)
	}
	return nil
}

// describe reads a request for the report, and the job it holds (nil when
// it names none).
func (a *approver) describe(ctx context.Context, r glapi.Object) (approvalDecision, glapi.Object, error) {
	d := approvalDecision{Request: r.String("id"), Action: r.String("approvableName")}
	if res, ok := r["approvableResource"].(map[string]any); ok {
		d.Resource, _ = res["id"].(string)
	}
	if rq, ok := r["requester"].(map[string]any); ok {
		d.Requester, _ = rq["email"].(string)
	}
	jobID := ""
	if op, ok := r["operation"].(map[string]any); ok {
		jobID, _ = op["id"].(string)
	}
	if jobID == "" {
		return d, nil, nil
	}
	job, err := a.client.Jobs.Get(ctx, jobID)
	if err != nil {
		return d, nil, withCode(exitcode.Failed, fmt.Errorf("reading job %s of approval request %s: %w", jobID, d.Request, err))
	}
	return d, job, nil
}

// decisionRemarks returns the remarks of a request's latest decision.
func decisionRemarks(r glapi.Object) string {
	rd, _ := r["requestData"].(map[string]any)
	switch ap := rd["approvals"].(type) {
	case map[string]any:
		s, _ := ap["remarks"].(string)
		return s
	case []any:
		var all []string
		for _, x := range ap {
			if m, ok := x.(map[string]any); ok {
				if s, ok := m["remarks"].(string); ok {
					all = append(all, s)
				}
			}
		}
		return strings.Join(all, "\n")
	}
	return ""
}

// createdBefore reports whether the object was created before t (false
// when its createdAt does not parse).
func createdBefore(o glapi.Object, t time.Time) bool {
	c, err := time.Parse(time.RFC3339Nano, o.String("createdAt"))
	return err == nil && c.Before(t)
}

// waiting returns the planned changes that need approval (jobs created
// now, not by a schedule) and were not decided yet.
func (a *approver) waiting() []int {
	var out []int
	for _, pj := range a.planned {
		if pj.Approval == nil || pj.Op.Scheduled {
			continue
		}
		if _, ok := a.claimed[pj.Seq]; !ok {
			out = append(out, pj.Seq)
		}
	}
	return out
}

// finish settles the report's waiting list and exit code.
func (a *approver) finish() *approveReport {
	rep := a.report
	if a.flags.wait > 0 {
		rep.Waiting = a.waiting()
	}
	switch {
	case len(rep.Conflicts) > 0:
		rep.ExitCode = exitcode.Drift
	case len(rep.Waiting) > 0:
		rep.ExitCode = exitcode.Timeout
	}
	for _, l := range []*[]approvalDecision{&rep.Decided, &rep.Earlier, &rep.Conflicts, &rep.Unrelated} {
		if *l == nil {
			*l = []approvalDecision{}
		}
	}
	if rep.Waiting == nil {
		rep.Waiting = []int{}
	}
	return rep
}

// print writes the report for people.
func (a *approver) print(w io.Writer) {
	rep := a.report
	verb := rep.Decision + "d"
	if len(rep.Decided) == 0 {
		fmt.Fprintf(w, "No pending approval request of the plan to %s.\n", rep.Decision)
	}
	for _, d := range rep.Earlier {
		fmt.Fprintf(w, "already %s request %s: change #%d %s\n", strings.ToLower(d.State), d.Request, d.Seq, d.Change)
	}
	for _, d := range rep.Decided {
		fmt.Fprintf(w, "%s request %s: change #%d %s (%s, requested by %s; now %s)\n", verb, d.Request, d.Seq, d.Change, d.Action, d.Requester, d.State)
	}
	for _, d := range rep.Conflicts {
		fmt.Fprintf(w, "NOT %s request %s (%s on %s, requested by %s): it %s\n", verb, d.Request, d.Action, d.Resource, d.Requester, indentLines(d.Reason, "    "))
	}
	for _, d := range rep.Unrelated {
		fmt.Fprintf(w, "left alone request %s (%s on %s, requested by %s): %s\n", d.Request, d.Action, d.Resource, d.Requester, d.Reason)
	}
	if len(rep.Waiting) > 0 {
		fmt.Fprintf(w, "still waiting for approval: planned change(s) %s\n", seqList(rep.Waiting))
	}
}

// seqList is "#1, #4".
func seqList(seqs []int) string {
	parts := make([]string, len(seqs))
	for i, n := range seqs {
		parts[i] = fmt.Sprintf("#%d", n)
	}
	return strings.Join(parts, ", ")
}

// indentLines indents every line but the first of s.
func indentLines(s, prefix string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}
