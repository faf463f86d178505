package glapi

import (
	"context"
	"fmt"
	"net/http"

	"glrun/glapi/odata"
)

// JobsService is /compute-ops-mgmt/v1/jobs.
type JobsService struct{ c *Client }

// jobsPageMax is the largest limit GET /jobs accepts.
const jobsPageMax = 1000

func (s *JobsService) lister() lister {
	return lister{api: apiCompute, coll: CollectionJobs, resource: odata.ResourceJobs, maxPage: jobsPageMax}
}

// Create starts a job (POST, answered 201 with the job). A POST that fails
// with an unknown outcome is not sent again: its error wraps
// ErrOutcomeUnknown.
func (s *JobsService) Create(ctx context.Context, req JobCreate) (Object, error) {
	if req.JobTemplate == "" || req.ResourceID == "" || req.ResourceType == "" {
		return nil, fmt.Errorf("creating a job: jobTemplate, resourceId and resourceType are required")
	}
	var o Object
	cl := call{api: apiCompute, method: http.MethodPost, coll: CollectionJobs, body: req, job: &req}
	if _, err := s.c.doJSON(ctx, cl, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// Get returns the job id.
func (s *JobsService) Get(ctx context.Context, id string) (Object, error) {
	if err := requireID("getting a job", id); err != nil {
		return nil, err
	}
	return s.c.getObject(ctx, apiCompute, CollectionJobs, id)
}

// List returns the jobs matching opts, reading every page unless opts.Limit
// caps them.
func (s *JobsService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, s.lister(), opts)
}

// ListFunc calls fn for each job matching opts, a page at a time; it stops
// at fn's first error and returns it.
func (s *JobsService) ListFunc(ctx context.Context, opts ListOptions, fn func(Object) error) error {
	return s.c.each(ctx, s.lister(), opts, fn)
}

// Update sets a job's state (PATCH, application/merge-patch+json).
func (s *JobsService) Update(ctx context.Context, id, state string) (Object, error) {
	if err := requireID("updating a job", id); err != nil {
		return nil, err
	}
	var o Object
	cl := call{
		api: apiCompute, method: http.MethodPatch, coll: CollectionJobs, id: id,
		body: map[string]string{"state": state}, bodyType: contentMergePatch,
	}
	if _, err := s.c.doJSON(ctx, cl, &o); err != nil {
		return nil, err
	}
	return o, nil
}
