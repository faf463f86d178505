// Package exitcode defines the process exit codes of glrun, in one place:
// the command line returns them, the runtime classifies a runbook's
// failures into them and 'glrun test' reports them. See
// docs/architecture.md, "Exit codes".
package exitcode

// The exit codes. Scripts and CI pipelines depend on them: never renumber.
const (
	// OK: the command did what was asked.
	OK = 0
	// Failed: the runbook failed (a Starlark error, fail(), a job that
	// ended in error, the step or memory limit).
	Failed = 1
	// Usage: a usage, syntax or validation error; nothing was sent.
	Usage = 2
	// Drift: apply stopped because the target no longer matches the plan.
	Drift = 3
	// Timeout: a wait or the run's deadline timed out.
	Timeout = 4
	// Interrupted: the run was interrupted (Ctrl-C, a canceled context).
	Interrupted = 130
)
