package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/google/go-cmp/cmp"

	"glrun/glapi"
)

// JobMatch is how an approval request's job relates to a plan.
type JobMatch int

// The verdicts of MatchJob.
const (
	// Unrelated: the job runs on no resource the plan changes.
	Unrelated JobMatch = iota
	// Matches: the job is a planned change (same template, resource and
	// parameters) not matched by another request yet.
	Matches
	// Conflicts: the job runs on a resource the plan changes, but with
	// another template or other parameters, or it repeats a planned change
	// another request already matched.
	Conflicts
)

// JobOperationOfJob reads the operation of a job as the API shows it.
func JobOperationOfJob(j glapi.Object) JobOperation {
	op := JobOperation{}
	switch t := j["jobTemplate"].(type) {
	case string:
		op.Template = t
	case map[string]any:
		op.Template, _ = t["id"].(string)
	}
	if r, ok := j["resource"].(map[string]any); ok {
		op.ResourceID, _ = r["id"].(string)
		op.ResourceType, _ = r["type"].(string)
	}
	op.Params, _ = j["jobParams"].(map[string]any)
	return op
}

// PlannedJob is a change of a plan that creates a job, now or by a
// schedule.
type PlannedJob struct {
	Mutation
	Op JobOperation
}

// PlannedJobs returns the changes of p that create jobs, in order.
func (p *Plan) PlannedJobs() []PlannedJob {
	var out []PlannedJob
	for _, m := range p.Mutations {
		if op, ok := JobOperationOf(m); ok {
			out = append(out, PlannedJob{Mutation: m, Op: op})
		}
	}
	return out
}

// MatchJob says how the job op relates to the planned jobs. claimed maps
// the Seq of planned changes already matched to the request that matched
// them. It returns the planned change concerned (nil when unrelated), the
// verdict and, for a conflict, what differs.
func MatchJob(planned []PlannedJob, op JobOperation, claimed map[int]string) (*PlannedJob, JobMatch, string) {
	var conflict *PlannedJob
	var why string
	for i := range planned {
		pj := &planned[i]
		if pj.Op.ResourceID != op.ResourceID {
			continue
		}
		diff := cmp.Diff(comparableOp(pj.Op), comparableOp(op))
		if diff == "" {
			if by, ok := claimed[pj.Seq]; ok {
				if conflict == nil {
					conflict, why = pj, fmt.Sprintf("repeats planned change #%d, which approval request %s already matched", pj.Seq, by)
				}
				continue
			}
			return pj, Matches, ""
		}
		if conflict == nil {
			conflict, why = pj, fmt.Sprintf("runs on the resource of planned change #%d, but differs from it (-planned +requested):\n%s", pj.Seq, diff)
		}
	}
	if conflict != nil {
		return conflict, Conflicts, why
	}
	return nil, Unrelated, ""
}

// compOp is a JobOperation as compared: parameters in one canonical JSON
// form (numbers as float64), so a plan read from a file and a job read from
// the API compare alike.
type compOp struct {
	Template, ResourceID, ResourceType string
	Params                             any
}

func comparableOp(op JobOperation) compOp {
	var params any
	if len(op.Params) > 0 {
		if b, err := json.Marshal(op.Params); err == nil {
			_ = json.Unmarshal(b, &params)
		}
	}
	return compOp{Template: op.Template, ResourceID: op.ResourceID, ResourceType: op.ResourceType, Params: params}
}

// Fingerprint identifies the plan's content in 12 hex digits (of the sha256
// of its JSON form): 'glrun approve' notes it in the remarks of each
// decision, so the decisions of a plan can be found again.
func (p *Plan) Fingerprint() string {
	b, err := p.Marshal()
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:12]
}

// DecisionMark is what 'glrun approve' appends to its remarks: "glrun plan
// <fingerprint>".
func (p *Plan) DecisionMark() string { return "glrun plan " + p.Fingerprint() }
