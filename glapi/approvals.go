package glapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"glrun/glapi/odata"
)

// prefixComputeV1beta2 is the path prefix of the change-control APIs of
// Compute Ops Management (approval policies, approval requests, schedules),
// which exist only in version v1beta2.
const prefixComputeV1beta2 = "/compute-ops-mgmt/v1beta2"

// The change-control collections, as Call.Collection spells them.
const (
	CollectionApprovalPolicies = prefixComputeV1beta2 + "/approval-policies"
	CollectionApprovalRequests = prefixComputeV1beta2 + "/approval-requests"
)

// The approvalState of an approval request, as the API spells it.
const (
	ApprovalPending   = "PENDING"
	ApprovalApproved  = "APPROVED"
	ApprovalDeclined  = "DECLINED"
	ApprovalCancelled = "CANCELLED"
	ApprovalExpired   = "EXPIRED"
	ApprovalOther     = "OTHER"
)

// Types of the change-control resources.
const (
	TypeApprovalPolicy  = "compute-ops-mgmt/approval-policy"
	TypeApprovalRequest = "compute-ops-mgmt/approval-request"
)

// approvalsPageMax is the largest limit the approval lists accept.
const approvalsPageMax = 10000

// Approvables are the actions an approval policy can require approval for,
// spelt as the API's approvableName (case-sensitive), in the order of the
// API's table.
var Approvables = []string{
	"Update firmware",
	"Apply internal storage configuration",
	"Install operating system image",
	"Apply external storage configuration",
	"Power on",
	"Power off",
	"Reset",
	"Cold boot",
	"Update iLO firmware",
	"Apply server settings (BIOS and iLO)",
}

// approvableByTemplate is the approvableName that covers the jobs of each
// template alias; templates not listed need no approval.
var approvableByTemplate = map[string]string{
	"power_off":                             "Power off",
	"power_on":                              "Power on",
	"restart":                               "Reset",
	"cold_boot":                             "Cold boot",
	"firmware_update":                       "Update firmware",
	"group_firmware_update":                 "Update firmware",
	"ilo_firmware_update":                   "Update iLO firmware",
	"group_internal_storage_configuration":  "Apply internal storage configuration",
	"group_apply_external_storage_settings": "Apply external storage configuration",
	"group_os_installation":                 "Install operating system image",
	"group_apply_server_setting":            "Apply server settings (BIOS and iLO)",
}

// ApprovableOf returns the approvableName of the action a job of the
// template with that UUID performs, and whether there is one (jobs that
// change nothing, such as inventory collection, need no approval).
func ApprovableOf(templateID string) (string, bool) {
	t, ok := TemplateByID(templateID)
	if !ok {
		return "", false
	}
	a, ok := approvableByTemplate[t.Alias]
	return a, ok
}

// CheckApprovable returns nil when name is an approvableName, else an
// error that lists them (and points out a difference of case only).
func CheckApprovable(name string) error {
	for _, a := range Approvables {
		if a == name {
			return nil
		}
	}
	for _, a := range Approvables {
		if strings.EqualFold(a, name) {
			return fmt.Errorf("unknown action %q: action names are case-sensitive; did you mean %q?", name, a)
		}
	}
	return fmt.Errorf("unknown action %q (known: %s)", name, quoteJoin(Approvables))
}

// quoteJoin returns the strings quoted and separated by commas.
func quoteJoin(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// ApprovalPolicy is the body of POST and PATCH /approval-policies
// (approvalPolicyCreateRequest-v1beta2, approvalPolicyPatchRequest-v1beta2).
// A create needs Name and PolicyData; a PATCH sends only what is set.
type ApprovalPolicy struct {
	Name        string      `json:"name,omitempty"`
	Description string      `json:"description,omitempty"`
	PolicyData  *PolicyData `json:"policyData,omitempty"`
}

// PolicyData says which actions need whose approval, on which groups. A
// create needs both lists; an update may send one of them, which replaces
// the policy's.
type PolicyData struct {
	Approvables []Approvable     `json:"approvables,omitempty"`
	Resources   []PolicyResource `json:"resources,omitempty"`
}

// Approvable is one action of a policy, its approvers and how many of them
// must approve (a single decline declines the request whatever the
// minimum).
type Approvable struct {
	ApprovableName string     `json:"approvableName"`
	Approvers      []Approver `json:"approvers"`
	// MinApprovers is the number of approvals needed; 0 leaves it to the
	// API's default, 1.
	MinApprovers int `json:"minApprovers,omitempty"`
}

// Approver is a person who may approve or decline, by email.
type Approver struct {
	Email string `json:"email"`
}

// PolicyResource is a resource a policy covers: a group (the only type the
// API supports), and with it every server in the group.
type PolicyResource struct {
	ResourceID   string `json:"resourceId"`
	ResourceType string `json:"resourceType"`
}

// ApprovalPoliciesService is /compute-ops-mgmt/v1beta2/approval-policies.
type ApprovalPoliciesService struct{ c *Client }

func (s *ApprovalPoliciesService) lister() lister {
	return lister{api: apiCompute, coll: CollectionApprovalPolicies, resource: odata.ResourceApprovalPolicies, maxPage: approvalsPageMax}
}

// List returns the approval policies matching opts.
func (s *ApprovalPoliciesService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, s.lister(), opts)
}

// ListFunc calls fn for each approval policy matching opts, a page at a time.
func (s *ApprovalPoliciesService) ListFunc(ctx context.Context, opts ListOptions, fn func(Object) error) error {
	return s.c.each(ctx, s.lister(), opts, fn)
}

// Get returns the approval policy id.
func (s *ApprovalPoliciesService) Get(ctx context.Context, id string) (Object, error) {
	if err := requireID("getting an approval policy", id); err != nil {
		return nil, err
	}
	return s.c.getObject(ctx, apiCompute, CollectionApprovalPolicies, id)
}

// Create creates an approval policy (POST, answered 201). It checks the
// policy before sending anything: a name, at least one action and one
// group, known action names, approvers with email addresses, a minimum
// between 1 and the number of approvers, and groups that exist (one GET
// each).
func (s *ApprovalPoliciesService) Create(ctx context.Context, p ApprovalPolicy) (Object, error) {
	if err := s.check(ctx, p, true); err != nil {
		return nil, fmt.Errorf("creating an approval policy: %w", err)
	}
	var o Object
	cl := call{api: apiCompute, method: http.MethodPost, coll: CollectionApprovalPolicies, body: p}
	if _, err := s.c.doJSON(ctx, cl, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// Update changes an approval policy (PATCH, application/merge-patch+json):
// what p sets replaces the policy's (policyData as a whole), checked as
// Create checks it.
func (s *ApprovalPoliciesService) Update(ctx context.Context, id string, p ApprovalPolicy) (Object, error) {
	if err := requireID("updating an approval policy", id); err != nil {
		return nil, err
	}
	if p.Name == "" && p.Description == "" && p.PolicyData == nil {
		return nil, errors.New("updating an approval policy: nothing to update: give a name, a description or policyData")
	}
	if err := s.check(ctx, p, false); err != nil {
		return nil, fmt.Errorf("updating approval policy %s: %w", id, err)
	}
	var o Object
	cl := call{api: apiCompute, method: http.MethodPatch, coll: CollectionApprovalPolicies, id: id,
		body: p, bodyType: contentMergePatch}
	if _, err := s.c.doJSON(ctx, cl, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// Delete deletes an approval policy (answered 204).
func (s *ApprovalPoliciesService) Delete(ctx context.Context, id string) error {
	if err := requireID("deleting an approval policy", id); err != nil {
		return err
	}
	_, err := s.c.doJSON(ctx, call{api: apiCompute, method: http.MethodDelete, coll: CollectionApprovalPolicies, id: id}, nil)
	return err
}

// check validates p; create requires a name and policyData. Errors name
// the field, as the API's body spells it.
func (s *ApprovalPoliciesService) check(ctx context.Context, p ApprovalPolicy, create bool) error {
	if create && strings.TrimSpace(p.Name) == "" {
		return errors.New("name is required")
	}
	if p.PolicyData == nil {
		if create {
			return errors.New("policyData is required: at least one action (approvables) and one group (resources)")
		}
		return nil
	}
	pd := p.PolicyData
	if len(pd.Approvables) == 0 && (create || len(pd.Resources) == 0) {
		return errors.New("policyData.approvables: at least one action is required")
	}
	seen := map[string]bool{}
	for i, a := range pd.Approvables {
		field := fmt.Sprintf("policyData.approvables[%d]", i)
		if err := CheckApprovable(a.ApprovableName); err != nil {
			return fmt.Errorf("%s.approvableName: %w", field, err)
		}
		if seen[a.ApprovableName] {
			return fmt.Errorf("%s.approvableName: action %q is listed twice", field, a.ApprovableName)
		}
		seen[a.ApprovableName] = true
		if len(a.Approvers) == 0 {
			return fmt.Errorf("%s.approvers: at least one approver is required", field)
		}
		for j, ap := range a.Approvers {
			if e := strings.TrimSpace(ap.Email); e == "" || !strings.Contains(e, "@") {
				return fmt.Errorf("%s.approvers[%d].email: want an email address, got %q", field, j, ap.Email)
			}
		}
		if a.MinApprovers < 0 || a.MinApprovers > len(a.Approvers) {
			return fmt.Errorf("%s.minApprovers: want 1 to %d (the number of approvers), got %d", field, len(a.Approvers), a.MinApprovers)
		}
	}
	if len(pd.Resources) == 0 && (create || len(pd.Approvables) == 0) {
		return errors.New("policyData.resources: at least one group is required")
	}
	for i, r := range pd.Resources {
		field := fmt.Sprintf("policyData.resources[%d]", i)
		if r.ResourceType != ResourceGroup {
			return fmt.Errorf("%s.resourceType: want %q (policies cover groups only), got %q", field, ResourceGroup, r.ResourceType)
		}
		if strings.TrimSpace(r.ResourceID) == "" {
			return fmt.Errorf("%s.resourceId: a group id is required", field)
		}
		if _, err := s.c.Groups.Get(ctx, r.ResourceID); err != nil {
			var apiErr *APIError
			if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
				return fmt.Errorf("%s.resourceId: group %s not found", field, r.ResourceID)
			}
			return fmt.Errorf("%s.resourceId: checking group %s: %w", field, r.ResourceID, err)
		}
	}
	return nil
}

// ApprovalRequestsService is /compute-ops-mgmt/v1beta2/approval-requests:
// the requests a job on a covered resource creates, which approvers
// approve or decline and the requester may cancel.
type ApprovalRequestsService struct{ c *Client }

func (s *ApprovalRequestsService) lister() lister {
	return lister{api: apiCompute, coll: CollectionApprovalRequests, resource: odata.ResourceApprovalRequests, maxPage: approvalsPageMax}
}

// List returns the approval requests matching opts.
func (s *ApprovalRequestsService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, s.lister(), opts)
}

// ListFunc calls fn for each approval request matching opts, a page at a time.
func (s *ApprovalRequestsService) ListFunc(ctx context.Context, opts ListOptions, fn func(Object) error) error {
	return s.c.each(ctx, s.lister(), opts, fn)
}

// Get returns the approval request id.
func (s *ApprovalRequestsService) Get(ctx context.Context, id string) (Object, error) {
	if err := requireID("getting an approval request", id); err != nil {
		return nil, err
	}
	return s.c.getObject(ctx, apiCompute, CollectionApprovalRequests, id)
}

// ForJob returns the approval request of the job jobID (filter
// operation/id), or nil when it has none.
func (s *ApprovalRequestsService) ForJob(ctx context.Context, jobID string) (Object, error) {
	l, err := s.List(ctx, ListOptions{Filter: "operation/id eq " + quoteLit(jobID)})
	if err != nil {
		return nil, err
	}
	var newest Object
	for _, r := range l {
		if newest == nil || r.String("createdAt") > newest.String("createdAt") {
			newest = r
		}
	}
	return newest, nil
}

// approvalDecision is the body of POST /approval-requests/{id}/approve
// (approvalRequestsApprove-v1beta2): APPROVED or DECLINED, with remarks.
type approvalDecision struct {
	ApprovalState string `json:"approvalState"`
	Remarks       string `json:"remarks,omitempty"`
}

// Approve approves request id as the caller (POST .../approve with
// approvalState APPROVED). Only an approver the policy names may; the
// request is approved once minApprovers have.
func (s *ApprovalRequestsService) Approve(ctx context.Context, id, remarks string) (Object, error) {
	return s.decide(ctx, id, ApprovalApproved, remarks)
}

// Decline declines request id as the caller (POST .../approve with
// approvalState DECLINED): the job it holds ends in ERROR with resultCode
// DECLINED.
func (s *ApprovalRequestsService) Decline(ctx context.Context, id, remarks string) (Object, error) {
	return s.decide(ctx, id, ApprovalDeclined, remarks)
}

func (s *ApprovalRequestsService) decide(ctx context.Context, id, state, remarks string) (Object, error) {
	if err := requireID("deciding an approval request", id); err != nil {
		return nil, err
	}
	var o Object
	cl := call{api: apiCompute, method: http.MethodPost, coll: CollectionApprovalRequests, id: id, action: "approve",
		body: approvalDecision{ApprovalState: state, Remarks: remarks}}
	if _, err := s.c.doJSON(ctx, cl, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// approvalCancel is the body of PATCH /approval-requests/{id}
// (approvalRequestPatchRequest-v1beta2).
type approvalCancel struct {
	ApprovalState  string `json:"approvalState"`
	RequestRemarks string `json:"requestRemarks,omitempty"`
}

// Cancel cancels a PENDING request (PATCH approvalState CANCELLED); only
// its requester may.
func (s *ApprovalRequestsService) Cancel(ctx context.Context, id, remarks string) (Object, error) {
	if err := requireID("cancelling an approval request", id); err != nil {
		return nil, err
	}
	var o Object
	cl := call{api: apiCompute, method: http.MethodPatch, coll: CollectionApprovalRequests, id: id,
		body: approvalCancel{ApprovalState: ApprovalCancelled, RequestRemarks: remarks}, bodyType: contentMergePatch}
	if _, err := s.c.doJSON(ctx, cl, &o); err != nil {
		return nil, err
	}
	return o, nil
}
