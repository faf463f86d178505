package sim

import (
	"fmt"

	"glrun/glapi"
)

// JobFailure targets a failure at jobs not yet created: the Nth job
// created from now on that matches both Resource (when set) and Template
// (when set) ends in ERROR, with the failure GreenLake reports for its
// template. The zero JobFailure fails the next job of any kind.
type JobFailure struct {
	// Resource is the id of the server or group the job runs on; "" for any.
	Resource string
	// Template is a template alias or UUID; "" for any.
	Template string
	// Nth counts the matching jobs from 1; 0 means 1.
	Nth int
}

// jobFailureRule is a JobFailure waiting for its job.
type jobFailureRule struct {
	resource   string
	templateID string
	nth        int
	seen       int
}

// FailJob arranges for a job to fail (see JobFailure).
func (s *Sim) FailJob(f JobFailure) error {
	if f.Nth < 0 {
		return fmt.Errorf("sim: FailJob: nth %d: want 1 or more", f.Nth)
	}
	r := &jobFailureRule{resource: f.Resource, nth: max(f.Nth, 1)}
	if f.Template != "" {
		t, err := glapi.LookupTemplate(f.Template)
		if err != nil {
			return fmt.Errorf("sim: FailJob: %w", err)
		}
		r.templateID = t.ID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.jobFailures = append(s.st.jobFailures, r)
	return nil
}

// takeJobFailure counts a new job of tmpl on rid against the FailJob
// rules and reports whether it must fail; a rule that fires is spent.
// Callers hold s.mu.
func (st *state) takeJobFailure(tmpl glapi.JobTemplate, rid string) bool {
	fail := false
	kept := st.jobFailures[:0]
	for _, r := range st.jobFailures {
		if (r.resource == "" || r.resource == rid) && (r.templateID == "" || r.templateID == tmpl.ID) {
			r.seen++
			if r.seen == r.nth && !fail {
				fail = true
				continue
			}
		}
		kept = append(kept, r)
	}
	st.jobFailures = kept
	return fail
}

// UserSeed is a workspace user as the identity API holds one.
type UserSeed struct {
	// Email is the username.
	Email string
	// FirstName and LastName may be empty.
	FirstName, LastName string
	// Status is the userStatus: VERIFIED, UNVERIFIED, BLOCKED...; "" is
	// VERIFIED.
	Status string
}

// SeedUser adds a user and returns it as the API shows it.
func (s *Sim) SeedUser(u UserSeed) glapi.Object {
	now := s.lockAt()
	defer s.mu.Unlock()
	status := u.Status
	if status == "" {
		status = "VERIFIED"
	}
	return toObject(render(s.st.addUser(u.Email, u.FirstName, u.LastName, status, now, now)))
}

// AddCredential adds an API client credential named name and returns it as
// the API lists it (its secret is not shown).
func (s *Sim) AddCredential(name string) glapi.Object {
	now := s.lockAt()
	defer s.mu.Unlock()
	return toObject(render(s.st.addCredential("", "", name, "", "", now)))
}
