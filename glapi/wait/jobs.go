package wait

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"glrun/glapi"
	"glrun/glapi/odata"
)

// maxIDFilterLen bounds the length of one `id in (...)` filter built by a
// batched job wait. Encoded, a job id costs about 48 characters of query
// ('uuid', with quotes, comma and space escaped), so 6000 characters of
// filter (150 ids) keep the request line under 8 KiB, the limit of common
// proxies and API gateways. The jobs page limit (1000) cannot be reached
// this way: a 1000-id filter would be a 48 KB URL. See listJobs for how a
// large wait still costs ceil(N / 1000) requests per poll.
const maxIDFilterLen = 6000

// jobsPageLimit is the largest page GET /jobs returns (see docs/api.md).
const jobsPageLimit = 1000

// Jobs returns the Kind of a wait for jobs. When batched is false it polls
// with one GET per pending job; when true, with one filtered list request
// (`id in (...)`) per batch of pending jobs (see listJobs), which is what
// a wait for many jobs wants.
func Jobs(jobs *glapi.JobsService, batched bool) Kind {
	k := Kind{Finished: JobFinished, Label: JobLabel, State: JobState, Failure: JobFailure, Timing: JobTiming}
	if !batched {
		k.Fetch = func(ctx context.Context, pending []glapi.Object) ([]glapi.Object, error) {
			out := make([]glapi.Object, len(pending))
			for i, p := range pending {
				j, err := getJob(ctx, jobs, p)
				if err != nil {
					return nil, err
				}
				out[i] = j
			}
			return out, nil
		}
	} else {
		k.Fetch = func(ctx context.Context, pending []glapi.Object) ([]glapi.Object, error) {
			return listJobs(ctx, jobs, pending)
		}
	}
	return k
}

// JobFinished reports whether a job is in a terminal state (see
// glapi.JobFinished).
func JobFinished(job glapi.Object) bool { return glapi.JobFinished(job.String("state")) }

// JobFailure returns the *JobFailedError a finished job stands for, or nil
// when it succeeded: state ERROR, or resultCode FAILURE or DECLINED.
func JobFailure(job glapi.Object) error {
	st, rc := job.String("state"), job.String("resultCode")
	if !glapi.JobFailed(st, rc) {
		return nil
	}
	return &JobFailedError{
		ID:            job.ID(),
		Template:      jobTemplateName(job),
		Resource:      jobResourceID(job),
		State:         st,
		ResultCode:    rc,
		Status:        job.String("status"),
		StatusDetails: job["statusDetails"],
	}
}

// jobTemplateName returns the name of the job's template, or its UUID.
func jobTemplateName(job glapi.Object) string {
	id := job.String("jobTemplate")
	if t, ok := glapi.TemplateByID(id); ok {
		return t.Name
	}
	if id == "" {
		return "unknown template"
	}
	return "template " + id
}

// jobResourceID returns job.resource.id.
func jobResourceID(job glapi.Object) string {
	if r, ok := job["resource"].(map[string]any); ok {
		if id, ok := r["id"].(string); ok {
			return id
		}
	}
	if r, ok := job["resource"].(glapi.Object); ok {
		return r.ID()
	}
	return "unknown resource"
}

// JobLabel names a job for people: "job <id> (<template> on <resource>)".
func JobLabel(job glapi.Object) string {
	return fmt.Sprintf("job %s (%s on %s)", job.ID(), jobTemplateName(job), jobResourceID(job))
}

// JobState is a job's state for people, explaining the states that need
// someone to act in GreenLake, and with its resultCode once finished.
func JobState(job glapi.Object) string {
	st := job.String("state")
	switch {
	case st == "":
		return "UNKNOWN"
	case st == glapi.JobApprovalPending:
		return st + " (awaiting approval in GreenLake)"
	case st == glapi.JobStalled:
		return st + " (no progress; acknowledge or dismiss it in GreenLake)"
	case JobFinished(job) && job.String("resultCode") != "":
		return st + "/" + job.String("resultCode")
	}
	return st
}

// listJobs fetches pending with as few list requests as it can:
//
//   - up to 150 jobs: one `id in (...)` request;
//   - more, when their creation times are known: the jobs created since the
//     earliest of them (`createdAt ge T`, pages of 1000), reading at most as
//     many pages as id batches would cost less one; in a workspace where no
//     one else creates jobs meanwhile that is ceil(N / 1000) requests;
//   - whatever that window did not cover: `id in (...)` batches of 150;
//   - a job missing from every answer: fetched by id.
func listJobs(ctx context.Context, jobs *glapi.JobsService, pending []glapi.Object) ([]glapi.Object, error) {
	ids := make([]string, len(pending))
	for i, p := range pending {
		ids[i] = p.ID()
	}
	found := map[string]glapi.Object{}
	batches := batchIDs(ids, maxIDFilterLen)
	if since, ok := earliestCreated(pending); ok && len(batches) > 1 {
		want := make(map[string]bool, len(ids))
		for _, id := range ids {
			want[id] = true
		}
		err := jobs.ListFunc(ctx, glapi.ListOptions{
			Filter: "createdAt ge " + since.Format(time.RFC3339Nano),
			Limit:  (len(batches) - 1) * jobsPageLimit, PageSize: jobsPageLimit,
		}, func(j glapi.Object) error {
			if want[j.ID()] {
				found[j.ID()] = j
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list jobs: %w", err)
		}
		var rest []string
		for _, id := range ids {
			if _, ok := found[id]; !ok {
				rest = append(rest, id)
			}
		}
		batches = batchIDs(rest, maxIDFilterLen)
	}
	for _, batch := range batches {
		vals := make([]any, len(batch))
		for i, id := range batch {
			vals[i] = id
		}
		expr, err := odata.In("id", vals)
		if err != nil {
			return nil, fmt.Errorf("build job filter: %w", err)
		}
		got, err := jobs.List(ctx, glapi.ListOptions{Filter: expr.String()})
		if err != nil {
			return nil, fmt.Errorf("list jobs: %w", err)
		}
		for _, j := range got {
			found[j.ID()] = j
		}
	}
	out := make([]glapi.Object, len(pending))
	for i, p := range pending {
		if j, ok := found[p.ID()]; ok {
			out[i] = j
			continue
		}
		j, err := getJob(ctx, jobs, p)
		if err != nil {
			return nil, err
		}
		out[i] = j
	}
	return out, nil
}

// earliestCreated returns the earliest createdAt of jobs, when every one
// has a valid one (records from create, get or list; not bare ids).
func earliestCreated(jobs []glapi.Object) (time.Time, bool) {
	var first time.Time
	for _, j := range jobs {
		t, err := time.Parse(time.RFC3339Nano, j.String("createdAt"))
		if err != nil {
			return time.Time{}, false
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	return first.UTC(), !first.IsZero()
}

// getJob fetches one job. A job created with deleteOnComplete that is gone
// is taken as COMPLETE.
func getJob(ctx context.Context, jobs *glapi.JobsService, last glapi.Object) (glapi.Object, error) {
	j, err := jobs.Get(ctx, last.ID())
	if err == nil {
		return j, nil
	}
	var apiErr *glapi.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && last["deleteOnComplete"] == true {
		done := glapi.Object{}
		for k, v := range last {
			done[k] = v
		}
		done["state"] = glapi.JobComplete
		done["status"] = deletedOnCompleteStatus
		return done, nil
	}
	return nil, fmt.Errorf("get job %s: %w", last.ID(), err)
}

// batchIDs splits ids into batches whose `id in ('a','b',...)` filter
// stays within about maxLen characters (at least one id per batch).
func batchIDs(ids []string, maxLen int) [][]string {
	var out [][]string
	var cur []string
	size := 0
	for _, id := range ids {
		n := len(id) + 4 // quotes, comma, space
		if len(cur) > 0 && size+n > maxLen {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, id)
		size += n
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}
