package sim

import (
	"net/http"
	"strings"
	"time"

	"glrun/glapi"
	"glrun/glapi/odata"
)

// Change control: approval policies and the approval requests they raise.
//
// A job whose action (glapi.ApprovableOf its template) a policy names, on a
// group the policy covers or on a server in such a group, starts in
// APPROVAL_PENDING and raises an approval request. Once minApprovers of the
// policy's approvers have approved it, the job goes on (PENDING, RUNNING,
// ...); a single decline ends the job in ERROR with resultCode DECLINED; a
// request still pending after Options.ApprovalExpiry expires (EXPIRED) and
// the job ends in ERROR; the requester may cancel it (CANCELLED), which
// ends the job in ERROR too.
//
// Who may decide: only an approver the policy names (by the email of the
// API client that calls, see Options.Clients) may approve or decline;
// anyone else is answered 403. The simulator adds one rule of its own: the
// client that made the request (created the job) may not approve or
// decline it, even when the policy names its email (403), so that a
// change always needs a second party.

// DefaultApprovalExpiry is how long an approval request stays PENDING when
// Options.ApprovalExpiry does not say.
const DefaultApprovalExpiry = 24 * time.Hour

// phaseApproval is the phase of a job held by a pending approval request;
// it neither starts nor ends until the request is decided.
const phaseApproval = phaseDone + 1

// pageApprovals is the documented page size of the approval lists.
var pageApprovals = paging{50, 0, 10000}

// changeControl is the simulator's approval policies, approval requests and
// schedules.
type changeControl struct {
	policies  *ordered[*approvalPolicy]
	requests  *ordered[*approvalRequest]
	schedules *ordered[*schedule]
	// idempotency maps an Idempotency-Key to what its first create sent
	// and made.
	idempotency map[string]idempotentCreate
}

// cc returns the simulator's change control state, creating it on first
// use. Callers hold s.mu.
func (s *Sim) cc() *changeControl {
	if s.st.cc == nil {
		s.st.cc = &changeControl{
			policies:    newOrdered[*approvalPolicy](),
			requests:    newOrdered[*approvalRequest](),
			schedules:   newOrdered[*schedule](),
			idempotency: map[string]idempotentCreate{},
		}
	}
	return s.st.cc
}

// approvalPolicy is an approval policy (approvalPolicyResponse-v1beta2).
type approvalPolicy struct {
	ID          string
	Name        string
	Description string
	Approvables []glapi.Approvable
	Resources   []glapi.PolicyResource
	Generation  int
	CreatedAt   string
	UpdatedAt   string
}

func (p *approvalPolicy) render() obj {
	apps := make([]any, len(p.Approvables))
	for i, a := range p.Approvables {
		ems := make([]any, len(a.Approvers))
		for j, ap := range a.Approvers {
			ems[j] = obj{"email": ap.Email}
		}
		apps[i] = obj{"approvableName": a.ApprovableName, "approvers": ems, "minApprovers": minApprovers(a)}
	}
	res := make([]any, len(p.Resources))
	for i, r := range p.Resources {
		res[i] = obj{"resourceId": r.ResourceID, "resourceType": r.ResourceType}
	}
	return obj{
		"id":          p.ID,
		"type":        glapi.TypeApprovalPolicy,
		"resourceUri": glapi.URI(glapi.CollectionApprovalPolicies, p.ID),
		"name":        p.Name,
		"description": p.Description,
		"policyData":  obj{"approvables": apps, "resources": res},
		"state":       "ACTIVE",
		"generation":  p.Generation,
		"createdAt":   p.CreatedAt,
		"updatedAt":   p.UpdatedAt,
	}
}

func minApprovers(a glapi.Approvable) int {
	if a.MinApprovers <= 0 {
		return 1
	}
	return a.MinApprovers
}

// decision is one approver's APPROVED or DECLINED.
type decision struct {
	client, email, state, remarks string
}

// approvalRequest is an approval request (approvalRequestResponse-v1beta2).
type approvalRequest struct {
	ID             string
	PolicyID       string
	Approvable     string
	ResourceID     string
	ResourceType   string
	JobID          string
	Requester      string // the client id that created the job
	RequesterEmail string
	State          string
	MinApprovers   int
	Approvers      []string // the emails that may decide
	Decisions      []decision
	RequestRemarks string
	CancelledBy    string
	Generation     int
	CreatedAt      string
	UpdatedAt      string
	expiresAt      time.Time
}

func (r *approvalRequest) render() obj {
	coll := glapi.CollectionServers
	if r.ResourceType == glapi.ResourceGroup {
		coll = glapi.CollectionGroups
	}
	o := obj{
		"id":             r.ID,
		"type":           glapi.TypeApprovalRequest,
		"resourceUri":    glapi.URI(glapi.CollectionApprovalRequests, r.ID),
		"approvableName": r.Approvable,
		"approvableResource": obj{
			"id": r.ResourceID, "type": r.ResourceType, "resourceUri": glapi.URI(coll, r.ResourceID),
		},
		"approvalState": r.State,
		"minApprovers":  r.MinApprovers,
		"operation": obj{
			"id": r.JobID, "type": "compute-ops-mgmt/job", "resourceUri": glapi.URI(glapi.CollectionJobs, r.JobID),
		},
		"policy": obj{
			"id": r.PolicyID, "type": glapi.TypeApprovalPolicy,
			"resourceUri": glapi.URI(glapi.CollectionApprovalPolicies, r.PolicyID),
		},
		"requester":  obj{"email": r.RequesterEmail},
		"generation": r.Generation,
		"createdAt":  r.CreatedAt,
		"updatedAt":  r.UpdatedAt,
	}
	// The API describes requestData.approvals as one object: it shows the
	// latest decision.
	rd := obj{}
	if n := len(r.Decisions); n > 0 {
		d := r.Decisions[n-1]
		a := obj{"approvalState": d.state, "approverId": obj{"email": d.email}}
		if d.remarks != "" {
			a["remarks"] = d.remarks
		}
		rd["approvals"] = a
	}
	o["requestData"] = rd
	if r.RequestRemarks != "" {
		o["requestRemarks"] = r.RequestRemarks
	}
	if r.CancelledBy != "" {
		o["cancelledBy"] = r.CancelledBy
	}
	return o
}

func (r *approvalRequest) touch(t time.Time) {
	r.Generation++
	r.UpdatedAt = ts(t)
}

func (r *approvalRequest) approvals() int {
	n := 0
	for _, d := range r.Decisions {
		if d.state == glapi.ApprovalApproved {
			n++
		}
	}
	return n
}

// gateJob holds a new job for approval when a policy covers it: the job
// becomes APPROVAL_PENDING and a request is raised on behalf of the client
// that created it. Callers hold s.mu.
func (s *Sim) gateJob(j *job, requester string, t time.Time) {
	name, ok := glapi.ApprovableOf(j.tmpl.ID)
	if !ok {
		return
	}
	rid := j.rec.Resource.ID
	for _, p := range s.cc().policies.list() {
		for _, a := range p.Approvables {
			if a.ApprovableName != name || !s.covers(p, rid) {
				continue
			}
			cc := s.cc()
			r := &approvalRequest{
				ID: s.st.uuid(), PolicyID: p.ID, Approvable: name,
				ResourceID: rid, ResourceType: j.rec.Resource.Type, JobID: j.rec.ID,
				Requester: requester, RequesterEmail: s.clientEmail(requester),
				State: glapi.ApprovalPending, MinApprovers: minApprovers(a),
				Generation: 1, CreatedAt: ts(t), UpdatedAt: ts(t),
				expiresAt: t.Add(s.approvalExpiry),
			}
			for _, ap := range a.Approvers {
				r.Approvers = append(r.Approvers, ap.Email)
			}
			cc.requests.add(r.ID, r)
			j.phase = phaseApproval
			j.rec.State = glapi.JobApprovalPending
			j.rec.Status = "Awaiting approval (approval request " + r.ID + ")"
			j.changed()
			return
		}
	}
}

// covers reports whether policy p covers resource rid: one of its groups,
// or a server in one of them.
func (s *Sim) covers(p *approvalPolicy, rid string) bool {
	for _, res := range p.Resources {
		if res.ResourceID == rid || containsStr(s.st.groupMembers[res.ResourceID], rid) {
			return true
		}
	}
	return false
}

// expireApprovals expires the requests still pending at now, ending their
// jobs. Callers hold s.mu.
func (s *Sim) expireApprovals(now time.Time) {
	if s.st.cc == nil {
		return
	}
	for _, r := range s.cc().requests.list() {
		if r.State != glapi.ApprovalPending {
			continue
		}
		if j, ok := s.st.jobs[r.JobID]; ok && j.phase != phaseApproval {
			// The job was ended by hand (PATCH state): nothing is left to approve.
			r.State = glapi.ApprovalOther
			r.touch(now)
			continue
		}
		if r.expiresAt.After(now) {
			continue
		}
		r.State = glapi.ApprovalExpired
		r.touch(r.expiresAt)
		s.releaseJob(r, r.expiresAt, glapi.ResultFailure, "Approval request expired", obj{
			"message": "Approval request " + r.ID + " for " + r.Approvable + " expired before it was approved; the job did not run",
		})
	}
}

// releaseJob ends the job held by r at t in ERROR with resultCode and
// status, or, for an empty resultCode, lets it go on (PENDING, then
// RUNNING). A job no longer held (ended by hand) is left alone.
func (s *Sim) releaseJob(r *approvalRequest, t time.Time, resultCode, status string, details obj) {
	j, ok := s.st.jobs[r.JobID]
	if !ok || j.phase != phaseApproval {
		return
	}
	if resultCode == "" {
		dur := j.endAt.Sub(j.startAt)
		j.phase = phasePending
		j.rec.State, j.rec.Status = glapi.JobPending, "Pending"
		j.startAt = t.Add(pendingDelay)
		j.endAt = j.startAt.Add(dur)
		j.touch(t)
		return
	}
	j.phase = phaseDone
	j.rec.Cancellable = false
	j.end(glapi.JobError, resultCode, status, details)
	j.touch(t)
	s.opFinished(j, t)
}

// listApprovalPolicies answers GET /approval-policies. The filter paths
// policyData/resources/id and policyData/resources/type match a policy when
// they match any one of its resources.
func (s *Sim) listApprovalPolicies(r *request) response {
	offset, limit, resp, ok := s.offsetLimit(r, pageApprovals)
	if !ok {
		return resp
	}
	ps := s.cc().policies.list()
	items := make([]obj, len(ps))
	most := 1
	for i, p := range ps {
		items[i] = p.render()
		most = max(most, len(p.Resources))
	}
	matched := map[int]bool{}
	for k := 0; k < most; k++ {
		byIndex := map[string]int{}
		for i, it := range items {
			byIndex[it["id"].(string)] = i
		}
		kept, resp, ok := s.filter(r, odata.ResourceApprovalPolicies, items, func(o obj) obj {
			return policyFilterView(o, k)
		})
		if !ok {
			return resp
		}
		for _, it := range kept {
			matched[byIndex[it["id"].(string)]] = true
		}
	}
	var out []obj
	for i, it := range items {
		if matched[i] {
			out = append(out, it)
		}
	}
	return jsonResp(http.StatusOK, page(out, offset, limit))
}

// policyFilterView is a rendered policy as a filter sees it for its k-th
// resource: policyData.resources is that resource as {id, type}.
func policyFilterView(o obj, k int) obj {
	v := copyObj(o)
	pd, _ := v["policyData"].(obj)
	res, _ := pd["resources"].([]any)
	one := obj{}
	if k < len(res) {
		if x, ok := res[k].(obj); ok {
			one = obj{"id": x["resourceId"], "type": x["resourceType"]}
		}
	}
	pd["resources"] = one
	return v
}

func (s *Sim) getApprovalPolicy(r *request) response {
	p, ok := s.cc().policies.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Approval policy "+r.params[0]+" not found")
	}
	return jsonResp(http.StatusOK, p.render())
}

// policyBody is the body of POST and PATCH /approval-policies.
type policyBody struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	PolicyData  *struct {
		Approvables *[]glapi.Approvable     `json:"approvables"`
		Resources   *[]glapi.PolicyResource `json:"resources"`
	} `json:"policyData"`
}

// checkPolicyData validates the approvables and resources of a policy,
// returning an error answer.
func (s *Sim) checkPolicyData(r *request, apps []glapi.Approvable, res []glapi.PolicyResource) (response, bool) {
	bad := func(field, msg string) (response, bool) {
		return s.apiError(r.fam, http.StatusBadRequest, field+": "+msg, issue{"field", field}), false
	}
	if len(apps) == 0 {
		return bad("policyData.approvables", "at least one approvable is required")
	}
	for _, a := range apps {
		if err := glapi.CheckApprovable(a.ApprovableName); err != nil {
			return bad("policyData.approvables.approvableName", err.Error())
		}
		if len(a.Approvers) == 0 {
			return bad("policyData.approvables.approvers", "at least one approver is required")
		}
		for _, ap := range a.Approvers {
			if !validEmail(ap.Email) {
				return bad("policyData.approvables.approvers.email", "invalid email address "+ap.Email)
			}
		}
		if a.MinApprovers < 0 || a.MinApprovers > len(a.Approvers) {
			return bad("policyData.approvables.minApprovers", "must be between 1 and the number of approvers")
		}
	}
	if len(res) == 0 {
		return bad("policyData.resources", "at least one resource is required")
	}
	for _, x := range res {
		if x.ResourceType != glapi.ResourceGroup {
			return bad("policyData.resources.resourceType", "only "+glapi.ResourceGroup+" is supported, got "+x.ResourceType)
		}
		if _, ok := s.st.groups.get(x.ResourceID); !ok {
			return bad("policyData.resources.resourceId", "group "+x.ResourceID+" not found")
		}
	}
	return response{}, true
}

func (s *Sim) createApprovalPolicy(r *request) response {
	var in policyBody
	if resp, ok := s.decodeBody(r, &in); !ok {
		return resp
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		return s.apiError(r.fam, http.StatusBadRequest, "Missing required property name", issue{"field", "name"})
	}
	if in.PolicyData == nil || in.PolicyData.Approvables == nil || in.PolicyData.Resources == nil {
		return s.apiError(r.fam, http.StatusBadRequest, "Missing required property policyData (approvables and resources)", issue{"field", "policyData"})
	}
	if resp, ok := s.checkPolicyData(r, *in.PolicyData.Approvables, *in.PolicyData.Resources); !ok {
		return resp
	}
	for _, p := range s.cc().policies.list() {
		if p.Name == *in.Name {
			return s.apiError(r.fam, http.StatusConflict, "An approval policy named "+*in.Name+" already exists")
		}
	}
	p := &approvalPolicy{
		ID: s.st.uuid(), Name: *in.Name, Approvables: *in.PolicyData.Approvables, Resources: *in.PolicyData.Resources,
		Generation: 1, CreatedAt: ts(r.now), UpdatedAt: ts(r.now),
	}
	if in.Description != nil {
		p.Description = *in.Description
	}
	s.cc().policies.add(p.ID, p)
	return jsonResp(http.StatusCreated, p.render()).with("Location", glapi.URI(glapi.CollectionApprovalPolicies, p.ID))
}

func (s *Sim) patchApprovalPolicy(r *request) response {
	p, ok := s.cc().policies.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Approval policy "+r.params[0]+" not found")
	}
	var in policyBody
	if resp, ok := s.decodeBody(r, &in); !ok {
		return resp
	}
	apps, res := p.Approvables, p.Resources
	if in.PolicyData != nil {
		if in.PolicyData.Approvables != nil {
			apps = *in.PolicyData.Approvables
		}
		if in.PolicyData.Resources != nil {
			res = *in.PolicyData.Resources
		}
		if resp, ok := s.checkPolicyData(r, apps, res); !ok {
			return resp
		}
	}
	if in.Name != nil {
		if strings.TrimSpace(*in.Name) == "" {
			return s.apiError(r.fam, http.StatusBadRequest, "name must not be empty", issue{"field", "name"})
		}
		p.Name = *in.Name
	}
	if in.Description != nil {
		p.Description = *in.Description
	}
	p.Approvables, p.Resources = apps, res
	p.Generation++
	p.UpdatedAt = ts(r.now)
	return jsonResp(http.StatusOK, p.render())
}

func (s *Sim) deleteApprovalPolicy(r *request) response {
	return s.deleteByID(r, s.cc().policies.del, "Approval policy")
}

// deleteByID is a DELETE of the object r names: 204, or 404 saying which
// kind of object (what, such as "Schedule") was not found.
func (s *Sim) deleteByID(r *request, del func(id string) bool, what string) response {
	if !del(r.params[0]) {
		return s.apiError(r.fam, http.StatusNotFound, what+" "+r.params[0]+" not found")
	}
	return response{status: http.StatusNoContent}
}

func (s *Sim) listApprovalRequests(r *request) response {
	return s.listOffset(r, pageApprovals, odata.ResourceApprovalRequests, rendered(s.cc().requests.list()))
}

func (s *Sim) getApprovalRequest(r *request) response {
	x, ok := s.cc().requests.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Approval request "+r.params[0]+" not found")
	}
	return jsonResp(http.StatusOK, x.render())
}

// decisionBody is the body of POST /approval-requests/{id}/approve.
type decisionBody struct {
	ApprovalState *string `json:"approvalState"`
	Remarks       string  `json:"remarks"`
}

func (s *Sim) approveRequest(r *request) response {
	x, ok := s.cc().requests.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Approval request "+r.params[0]+" not found")
	}
	var in decisionBody
	if resp, ok := s.decodeBody(r, &in); !ok {
		return resp
	}
	if in.ApprovalState == nil || (*in.ApprovalState != glapi.ApprovalApproved && *in.ApprovalState != glapi.ApprovalDeclined) {
		return s.apiError(r.fam, http.StatusBadRequest, "approvalState must be APPROVED or DECLINED", issue{"field", "approvalState"})
	}
	email := s.clientEmail(r.caller)
	if email == "" || !containsFold(x.Approvers, email) {
		who := email
		if who == "" {
			who = "API client " + r.caller
		}
		return s.apiError(r.fam, http.StatusForbidden,
			who+" is not an approver of this request: only the approvers named in approval policy "+x.PolicyID+" may approve or decline it")
	}
	if r.caller == x.Requester {
		return s.apiError(r.fam, http.StatusForbidden,
			"The requester of an approval request may not approve or decline it (request "+x.ID+" was made by "+x.RequesterEmail+")")
	}
	if x.State != glapi.ApprovalPending {
		return s.apiError(r.fam, http.StatusConflict, "Approval request "+x.ID+" is "+x.State+"; only a PENDING request can be approved or declined")
	}
	for _, d := range x.Decisions {
		if strings.EqualFold(d.email, email) {
			return s.apiError(r.fam, http.StatusConflict, email+" has already "+strings.ToLower(d.state)+" approval request "+x.ID)
		}
	}
	x.Decisions = append(x.Decisions, decision{client: r.caller, email: email, state: *in.ApprovalState, remarks: in.Remarks})
	x.touch(r.now)
	switch {
	case *in.ApprovalState == glapi.ApprovalDeclined:
		x.State = glapi.ApprovalDeclined
		msg := "Approval request " + x.ID + " was declined by " + email
		if in.Remarks != "" {
			msg += ": " + in.Remarks
		}
		s.releaseJob(x, r.now, glapi.ResultDeclined, "Declined", obj{
			"message": msg, "declinedBy": email, "remarks": in.Remarks,
		})
	case x.approvals() >= x.MinApprovers:
		x.State = glapi.ApprovalApproved
		s.releaseJob(x, r.now, "", "", nil)
	}
	out := obj{"approvalState": *in.ApprovalState}
	if in.Remarks != "" {
		out["remarks"] = in.Remarks
	}
	return jsonResp(http.StatusOK, out)
}

// cancelBody is the body of PATCH /approval-requests/{id}.
type cancelBody struct {
	ApprovalState  *string `json:"approvalState"`
	RequestRemarks *string `json:"requestRemarks"`
}

func (s *Sim) patchApprovalRequest(r *request) response {
	x, ok := s.cc().requests.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Approval request "+r.params[0]+" not found")
	}
	var in cancelBody
	if resp, ok := s.decodeBody(r, &in); !ok {
		return resp
	}
	if in.ApprovalState != nil && *in.ApprovalState != glapi.ApprovalCancelled {
		return s.apiError(r.fam, http.StatusBadRequest, "approvalState can only be set to CANCELLED", issue{"field", "approvalState"})
	}
	if in.ApprovalState == nil && in.RequestRemarks == nil {
		return s.apiError(r.fam, http.StatusBadRequest, "Nothing to update: give approvalState or requestRemarks", issue{"field", "approvalState"})
	}
	if r.caller != x.Requester {
		return s.apiError(r.fam, http.StatusForbidden, "Only the requester ("+x.RequesterEmail+") may modify approval request "+x.ID)
	}
	if in.ApprovalState != nil && x.State != glapi.ApprovalPending {
		return s.apiError(r.fam, http.StatusBadRequest,
			"Approval request "+x.ID+" is "+x.State+"; only a PENDING request can be cancelled", issue{"field", "approvalState"})
	}
	if in.RequestRemarks != nil {
		x.RequestRemarks = *in.RequestRemarks
	}
	x.touch(r.now)
	if in.ApprovalState != nil {
		x.State = glapi.ApprovalCancelled
		x.CancelledBy = x.RequesterEmail
		if x.CancelledBy == "" {
			x.CancelledBy = r.caller
		}
		s.releaseJob(x, r.now, glapi.ResultFailure, "Approval request cancelled", obj{
			"message": "Approval request " + x.ID + " was cancelled by its requester; the job did not run",
		})
	}
	return jsonResp(http.StatusOK, x.render())
}

func containsFold(xs []string, x string) bool {
	for _, e := range xs {
		if strings.EqualFold(e, x) {
			return true
		}
	}
	return false
}

// advanceChangeControl fires the schedules due by now and expires the
// approval requests pending too long, before jobs move. Callers hold s.mu.
func (s *Sim) advanceChangeControl(now time.Time) {
	if s.st.cc == nil {
		return
	}
	s.fireSchedules(now)
	s.expireApprovals(now)
}
