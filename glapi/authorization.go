package glapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"glrun/glapi/odata"
)

// AuthorizationService is /authorization/v1beta1: role assignments (who
// has which role on which scope) and scope groups. It works in workspaces
// with enhanced IAM only. Principals, roles and scopes are checked against
// the formats the API documents before anything is sent; a FieldError
// names the field.
type AuthorizationService struct{ c *Client }

// authorizationPageMax is the largest limit the authorization lists accept.
const authorizationPageMax = 200

// Scope limits of one role assignment.
const (
	scopesMax           = 20
	scopeTenantGroupMax = 10
	scopeScopeGroupMax  = 10
)

// FieldError is a value refused before sending: Field is its name in the
// API's body (principal, role, scope), Reason what is wrong with it.
type FieldError struct {
	What   string // the operation, such as "creating a role assignment"
	Field  string
	Value  string
	Reason string
}

// Error reads like `creating a role assignment: principal "bob": want ...`.
func (e *FieldError) Error() string {
	return fmt.Sprintf("%s: %s %q: %s", e.What, e.Field, e.Value, e.Reason)
}

// RoleAssignment is the body of a role assignment: Principal is
// "user:<id>", "user-group:<id>" or "api-client:<id>"; Role is a role GRN
// such as "grn:glp/providers/authorization/roles/<name>"; Scope is 1 to 20
// GRNs: at most one workspace (grn:glp/workspaces/<ws>), up to 10 tenant
// groups (.../providers/msp/tenant-groups/<id>) and up to 10 scope groups
// (.../providers/authorization/scope-groups/<id>), combined as workspace +
// tenant groups or tenant groups + scope groups.
type RoleAssignment struct {
	Principal string   `json:"principal"`
	Role      string   `json:"role"`
	Scope     []string `json:"scope"`
}

// Principal kinds of RoleAssignment.Principal.
var principalKinds = []string{"user", "user-group", "api-client"}

// rolePrefix is how every role GRN starts.
const rolePrefix = "grn:glp/providers/authorization/roles/"

// CheckPrincipal checks the "<kind>:<id>" format of a principal.
func CheckPrincipal(what, p string) error {
	kind, id, ok := strings.Cut(p, ":")
	if !ok || strings.TrimSpace(id) == "" || strings.ContainsAny(id, " /") || !containsString(principalKinds, kind) {
		return &FieldError{what, "principal", p, "want user:<id>, user-group:<id> or api-client:<id>"}
	}
	return nil
}

// checkRole checks the GRN format of a role.
func checkRole(what, role string) error {
	name, ok := strings.CutPrefix(role, rolePrefix)
	if !ok || name == "" || strings.ContainsAny(name, "/ ") {
		return &FieldError{what, "role", role, "want a role GRN " + rolePrefix + "<name>"}
	}
	return nil
}

// scopeKind returns "workspace", "tenant-group" or "scope-group" for a
// scope GRN, or "".
func scopeKind(grn string) string {
	rest, ok := strings.CutPrefix(grn, "grn:glp/workspaces/")
	if !ok {
		return ""
	}
	segs := strings.Split(rest, "/")
	for _, s := range segs {
		if s == "" || strings.Contains(s, " ") {
			return ""
		}
	}
	switch {
	case len(segs) == 1:
		return "workspace"
	case len(segs) == 7 && segs[1] == "regions" && segs[3] == "providers" && segs[4] == "msp" && segs[5] == "tenant-groups":
		return "tenant-group"
	case len(segs) == 7 && segs[1] == "regions" && segs[3] == "providers" && segs[4] == "authorization" && segs[5] == "scope-groups":
		return "scope-group"
	}
	return ""
}

// checkScope checks the scope GRNs and their documented combinations.
func checkScope(what string, scope []string) error {
	if len(scope) == 0 || len(scope) > scopesMax {
		return &FieldError{what, "scope", strings.Join(scope, ","), fmt.Sprintf("want 1 to %d scope GRNs, got %d", scopesMax, len(scope))}
	}
	n := map[string]int{}
	for _, s := range scope {
		k := scopeKind(s)
		if k == "" {
			return &FieldError{what, "scope", s, "want grn:glp/workspaces/<ws>, or a tenant group or scope group GRN under it"}
		}
		n[k]++
	}
	all := strings.Join(scope, ",")
	switch {
	case n["workspace"] > 1:
		return &FieldError{what, "scope", all, "at most one workspace scope"}
	case n["tenant-group"] > scopeTenantGroupMax:
		return &FieldError{what, "scope", all, fmt.Sprintf("at most %d tenant groups", scopeTenantGroupMax)}
	case n["scope-group"] > scopeScopeGroupMax:
		return &FieldError{what, "scope", all, fmt.Sprintf("at most %d scope groups", scopeScopeGroupMax)}
	case n["workspace"] > 0 && n["scope-group"] > 0:
		return &FieldError{what, "scope", all, "a workspace scope combines with tenant groups only, not scope groups"}
	}
	return nil
}

// check checks every field of a.
func (a RoleAssignment) check(what string) error {
	if err := CheckPrincipal(what, a.Principal); err != nil {
		return err
	}
	if err := checkRole(what, a.Role); err != nil {
		return err
	}
	return checkScope(what, a.Scope)
}

func containsString(xs []string, x string) bool {
	for _, e := range xs {
		if e == x {
			return true
		}
	}
	return false
}

// RoleAssignments returns the role assignments matching opts (the API
// filters with "in" and "and" on role, scope and principal), reading every
// page unless opts.Limit caps them.
func (s *AuthorizationService) RoleAssignments(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, lister{api: apiGlobal, coll: CollectionRoleAssignments, resource: odata.ResourceRoleAssignments,
		maxPage: authorizationPageMax}, opts)
}

// RoleAssignmentsOf returns the role assignments of principal.
func (s *AuthorizationService) RoleAssignmentsOf(ctx context.Context, principal string) ([]Object, error) {
	if err := CheckPrincipal("listing role assignments", principal); err != nil {
		return nil, err
	}
	return s.RoleAssignments(ctx, ListOptions{Filter: "principal in (" + quoteLit(principal) + ")"})
}

// GetRoleAssignment returns the role assignment id.
func (s *AuthorizationService) GetRoleAssignment(ctx context.Context, id string) (Object, error) {
	if err := requireID("getting a role assignment", id); err != nil {
		return nil, err
	}
	return s.c.getObject(ctx, apiGlobal, CollectionRoleAssignments, id)
}

// CreateRoleAssignment grants a role (POST, answered 201 with the
// assignment). A POST that fails with an unknown outcome is not sent
// again: its error wraps ErrOutcomeUnknown.
func (s *AuthorizationService) CreateRoleAssignment(ctx context.Context, a RoleAssignment) (Object, error) {
	if err := a.check("creating a role assignment"); err != nil {
		return nil, err
	}
	var o Object
	if _, err := s.c.doJSON(ctx, call{api: apiGlobal, method: http.MethodPost, coll: CollectionRoleAssignments, body: a}, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// UpdateRoleAssignmentScope changes the scope of a role assignment, the
// only field PUT changes: it reads the assignment for the id, principal
// and role the body must still carry, then PUTs.
func (s *AuthorizationService) UpdateRoleAssignmentScope(ctx context.Context, id string, scope []string) (Object, error) {
	const what = "updating a role assignment"
	if err := requireID(what, id); err != nil {
		return nil, err
	}
	if err := checkScope(what, scope); err != nil {
		return nil, err
	}
	cur, err := s.GetRoleAssignment(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	body := struct {
		ID string `json:"id"`
		RoleAssignment
	}{id, RoleAssignment{Principal: cur.String("principal"), Role: cur.String("role"), Scope: scope}}
	var o Object
	if _, err := s.c.doJSON(ctx, call{api: apiGlobal, method: http.MethodPut, coll: CollectionRoleAssignments, id: id, body: body}, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// DeleteRoleAssignment removes a role assignment (answered 204).
func (s *AuthorizationService) DeleteRoleAssignment(ctx context.Context, id string) error {
	if err := requireID("deleting a role assignment", id); err != nil {
		return err
	}
	_, err := s.c.doJSON(ctx, call{api: apiGlobal, method: http.MethodDelete, coll: CollectionRoleAssignments, id: id}, nil)
	return err
}

// ScopeGroups returns the scope groups matching opts, reading every page
// unless opts.Limit caps them.
func (s *AuthorizationService) ScopeGroups(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, lister{api: apiGlobal, coll: CollectionScopeGroups, resource: odata.ResourceScopeGroups,
		maxPage: authorizationPageMax}, opts)
}
