package plan

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"glrun/glapi"
)

// Approval says that a planned change will wait for approval when applied:
// an approval policy covers the action of the job it creates on the job's
// resource (a group the policy names, or a server in one).
type Approval struct {
	// Policy and PolicyID name the policy.
	Policy   string `json:"policy"`
	PolicyID string `json:"policyId"`
	// Action is the policy's approvableName for the job, e.g. "Reset".
	Action string `json:"action"`
	// MinApprovers of Approvers (emails) must approve.
	MinApprovers int      `json:"minApprovers"`
	Approvers    []string `json:"approvers"`
	// Scheduled is true for the job of a schedule: it waits for approval
	// when the schedule runs, not when the plan is applied.
	Scheduled bool `json:"scheduled,omitempty"`
}

// String is "needs approval: policy P, 1 of ops@example.com, sec@example.com".
// For a schedule's job it is "needs approval when the schedule runs: ...".
func (a *Approval) String() string {
	when := ""
	if a.Scheduled {
		when = " when the schedule runs"
	}
	return fmt.Sprintf("needs approval%s: policy %s, %d of %s", when, a.Policy, a.MinApprovers, strings.Join(a.Approvers, ", "))
}

// JobOperation is the job a planned change creates, now (POST /jobs) or
// when a schedule it creates runs: what an approval request is about.
type JobOperation struct {
	// Template is the job template's id.
	Template string
	// ResourceID and ResourceType are what the job runs on.
	ResourceID, ResourceType string
	// Params are the job's jobParams (nil when none).
	Params map[string]any
	// Scheduled is true for a job a schedule will create.
	Scheduled bool
}

// JobOperationOf returns the job the change m creates, now or by a
// schedule, and whether it creates one.
func JobOperationOf(m Mutation) (JobOperation, bool) {
	body, _ := m.Body.(map[string]any)
	switch {
	case m.Method == http.MethodPost && m.Path == glapi.CollectionJobs:
		return jobOperation(body, false)
	case m.Method == http.MethodPost && m.Path == glapi.CollectionSchedules:
		op, _ := body["operation"].(map[string]any)
		uri, _ := op["uri"].(string)
		job, _ := op["body"].(map[string]any)
		if uri != glapi.CollectionJobs || job == nil {
			return JobOperation{}, false
		}
		return jobOperation(job, true)
	}
	return JobOperation{}, false
}

func jobOperation(body map[string]any, scheduled bool) (JobOperation, bool) {
	str := func(k string) string { s, _ := body[k].(string); return s }
	op := JobOperation{Template: str("jobTemplate"), ResourceID: str("resourceId"), ResourceType: str("resourceType"), Scheduled: scheduled}
	op.Params, _ = body["jobParams"].(map[string]any)
	return op, op.Template != "" && op.ResourceID != ""
}

// Policy is what MarkApprovals needs of an approval policy.
type Policy struct {
	ID, Name    string
	Approvables []glapi.Approvable
	// Groups are the ids of the groups it covers.
	Groups []string
}

// PolicyOf reads a policy as the API shows it.
func PolicyOf(o glapi.Object) Policy {
	p := Policy{ID: o.String("id"), Name: o.String("name")}
	pd, _ := o["policyData"].(map[string]any)
	apps, _ := pd["approvables"].([]any)
	for _, a := range apps {
		m, _ := a.(map[string]any)
		ap := glapi.Approvable{}
		ap.ApprovableName, _ = m["approvableName"].(string)
		if n, ok := number(m["minApprovers"]); ok {
			ap.MinApprovers = int(n)
		}
		ems, _ := m["approvers"].([]any)
		for _, e := range ems {
			if em, ok := e.(map[string]any)["email"].(string); ok {
				ap.Approvers = append(ap.Approvers, glapi.Approver{Email: em})
			}
		}
		p.Approvables = append(p.Approvables, ap)
	}
	res, _ := pd["resources"].([]any)
	for _, r := range res {
		if id, ok := r.(map[string]any)["resourceId"].(string); ok {
			p.Groups = append(p.Groups, id)
		}
	}
	return p
}

// NeedsPolicies reports whether any change of ms creates a job whose
// action an approval policy could cover (so that reading the policies is
// worth it).
func NeedsPolicies(ms []Mutation) bool {
	for _, m := range ms {
		if op, ok := JobOperationOf(m); ok {
			if _, covered := glapi.ApprovableOf(op.Template); covered {
				return true
			}
		}
	}
	return false
}

// MarkApprovals sets the Approval of every change of ms whose job a policy
// covers: the policy names the job's action, and covers its resource (one
// of its groups, or a server members lists as in one of them; members maps
// a group id to its servers' ids). The first covering policy, in the
// order given, is the one named, as the API raises one request per job.
func MarkApprovals(ms []Mutation, policies []Policy, members map[string][]string) {
	for i := range ms {
		ms[i].Approval = nil
		op, ok := JobOperationOf(ms[i])
		if !ok {
			continue
		}
		action, ok := glapi.ApprovableOf(op.Template)
		if !ok {
			continue
		}
	policies:
		for _, p := range policies {
			if !covers(p, op.ResourceID, members) {
				continue
			}
			for _, a := range p.Approvables {
				if a.ApprovableName != action {
					continue
				}
				ap := &Approval{Policy: p.Name, PolicyID: p.ID, Action: action, MinApprovers: max(a.MinApprovers, 1), Scheduled: op.Scheduled}
				for _, e := range a.Approvers {
					ap.Approvers = append(ap.Approvers, e.Email)
				}
				sort.Strings(ap.Approvers)
				ms[i].Approval = ap
				break policies
			}
		}
	}
}

// covers reports whether p covers the resource rid.
func covers(p Policy, rid string, members map[string][]string) bool {
	for _, g := range p.Groups {
		if g == rid {
			return true
		}
		for _, s := range members[g] {
			if s == rid {
				return true
			}
		}
	}
	return false
}
