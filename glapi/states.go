package glapi

// The life-cycle states of Compute Ops Management jobs and async operations
// and the result codes of finished jobs, as the API spells them (the jobState,
// asyncOperationState and resultCode enums of the COM description; see
// docs/api.md). These are the only place the strings are spelt: the
// simulator, plans, waits, the run report and tests use these names.
const (
	// JobPending is a job accepted and not started yet.
	JobPending = "PENDING"
	// JobApprovalPending is a job waiting for an approval request to be approved.
	JobApprovalPending = "APPROVAL_PENDING"
	// JobRunning is a job in progress.
	JobRunning = "RUNNING"
	// JobStalled is a job that stopped making progress; it is not finished.
	JobStalled = "STALLED"
	// JobError is a job that ended in an error.
	JobError = "ERROR"
	// JobComplete is a job that ended; its resultCode says how.
	JobComplete = "COMPLETE"
)

// Result codes of a finished job.
const (
	// ResultSuccess is a job that did what it was asked.
	ResultSuccess = "SUCCESS"
	// ResultFailure is a job that ended without doing it.
	ResultFailure = "FAILURE"
	// ResultDeclined is a job whose approval request was declined.
	ResultDeclined = "DECLINED"
)

// The states of an async operation.
const (
	// OpInitialized is an operation accepted and not started.
	OpInitialized = "INITIALIZED"
	// OpRunning is an operation in progress.
	OpRunning = "RUNNING"
	// OpPaused is an operation on hold; it is not finished.
	OpPaused = "PAUSED"
	// OpTimedOut is an operation that ran out of time; it is not finished
	// until the service says so, but waits report it.
	OpTimedOut = "TIMEDOUT"
	// OpSucceeded is an operation that ended well.
	OpSucceeded = "SUCCEEDED"
	// OpFailed is an operation that ended badly.
	OpFailed = "FAILED"
	// OpCancelled is an operation that was cancelled.
	OpCancelled = "CANCELLED"
)

// JobFinished reports whether a job in state will not change any more
// (COMPLETE or ERROR).
func JobFinished(state string) bool { return state == JobComplete || state == JobError }

// JobFailed reports whether a finished job failed: state ERROR, or a
// resultCode of FAILURE or DECLINED.
func JobFailed(state, resultCode string) bool {
	return state == JobError || resultCode == ResultFailure || resultCode == ResultDeclined
}

// OpFinished reports whether an async operation in state will not change
// any more (SUCCEEDED, FAILED or CANCELLED).
func OpFinished(state string) bool {
	return state == OpSucceeded || state == OpFailed || state == OpCancelled
}

// OpFailedState reports whether a finished async operation failed (FAILED
// or CANCELLED).
func OpFailedState(state string) bool { return state == OpFailed || state == OpCancelled }
