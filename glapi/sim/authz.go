package sim

import (
	"net/http"
	"strings"
	"time"

	"glrun/glapi"
	"glrun/glapi/odata"
)

// roleAssignment is a role assignment as the authorization API shows it.
type roleAssignment struct {
	ID                string   `json:"id"`
	Type              string   `json:"type"`
	Principal         string   `json:"principal"`
	Role              string   `json:"role"`
	Scope             []string `json:"scope"`
	PrincipalMetadata typedID  `json:"principalMetadata"`
	RoleMetadata      typedID  `json:"roleMetadata"`
	Source            string   `json:"source"`
	Generation        int      `json:"generation"`
	CreatedAt         string   `json:"createdAt"`
	UpdatedAt         string   `json:"updatedAt"`
}

// typedID is {id, type}.
type typedID struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// scopeGroup is a scope group.
type scopeGroup struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	Name        string `json:"name"`
	Description string `json:"description"`
	GRN         string `json:"grn"`
	Generation  int    `json:"generation"`
	CreatedAt   string `json:"createdAt"`
	UpdatedAt   string `json:"updatedAt"`
}

// DemoRoles are the role GRNs the demo workspace knows (there is no
// public endpoint that lists roles).
var DemoRoles = []string{
	"grn:glp/providers/authorization/roles/ccs.workspace-admin",
	"grn:glp/providers/authorization/roles/ccs.observer",
	"grn:glp/providers/authorization/roles/compute-ops-mgmt.operator",
	"grn:glp/providers/authorization/roles/compute-ops-mgmt.viewer",
}

// Quotas of the authorization API.
const (
	roleAssignmentsPerPrincipal = 50
	rolePrefix                  = "grn:glp/providers/authorization/roles/"
)

// roleID is the stable id of a role, as roleMetadata shows it.
func (p *platform) roleID(role string) string {
	name := strings.TrimPrefix(role, rolePrefix)
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * 1099511628211
	}
	b := make([]byte, 16)
	for i := range b {
		h = h*6364136223846793005 + 1442695040888963407
		b[i] = byte(h >> 56)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return strings.Join([]string{hexs(b[0:4]), hexs(b[4:6]), hexs(b[6:8]), hexs(b[8:10]), hexs(b[10:16])}, "-")
}

func hexs(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// seedAuthorization gives the demo users their roles and adds a scope group.
func (st *state) seedAuthorization(now time.Time) {
	p := st.plat
	ws := "grn:glp/workspaces/" + p.workspaceID
	created := now.Add(-200 * 24 * time.Hour)
	for i, u := range st.users.list() {
		if i >= 4 {
			break
		}
		role := DemoRoles[min(i, len(DemoRoles)-1)]
		p.addRoleAssignment("user:"+u.ID, role, []string{ws}, created)
	}
	id := p.uuid()
	p.scopes.add(id, &scopeGroup{
		ID: id, Type: "authorization/scope-group", Name: "prod-servers", Description: "Production servers",
		GRN: ws + "/regions/default/providers/authorization/scope-groups/" + id, Generation: 1,
		CreatedAt: ts(created), UpdatedAt: ts(created),
	})
}

// addRoleAssignment records a role assignment.
func (p *platform) addRoleAssignment(principal, role string, scope []string, t time.Time) *roleAssignment {
	kind, pid, _ := strings.Cut(principal, ":")
	id := p.uuid()
	ra := &roleAssignment{
		ID: id, Type: "authorization/role-assignment", Principal: principal, Role: role, Scope: scope,
		PrincipalMetadata: typedID{pid, "identity/" + kind}, RoleMetadata: typedID{p.roleID(role), "authorization/role"},
		Source: "LOCAL", Generation: 1, CreatedAt: ts(t), UpdatedAt: ts(t),
	}
	p.roles.add(id, ra)
	return ra
}

// roleFilter is a parsed role-assignments filter: the allowed values of
// each property it names.
type roleFilter map[string]map[string]bool

// parseRoleFilter accepts the API's subset: "in" clauses on role, scope and
// principal joined with "and", each property at most once.
func parseRoleFilter(text string) (roleFilter, string) {
	f := roleFilter{}
	if strings.TrimSpace(text) == "" {
		return f, ""
	}
	e, err := odata.Parse(text)
	if err != nil {
		return nil, "Invalid filter: " + err.Error()
	}
	var walk func(odata.Expr) string
	walk = func(e odata.Expr) string {
		switch x := e.(type) {
		case *odata.Logic:
			if x.Op != "and" {
				return "Invalid filter: only 'in' and 'and' are supported"
			}
			if msg := walk(x.Left); msg != "" {
				return msg
			}
			return walk(x.Right)
		case *odata.InExpr:
			path, ok1 := x.Left.(*odata.Path)
			list, ok2 := x.Right.(*odata.List)
			if !ok1 || !ok2 {
				return "Invalid filter: want <property> in ('value', ...)"
			}
			name := path.String()
			if name != "role" && name != "scope" && name != "principal" {
				return "Invalid filter: role-assignments filter on role, scope and principal only, not " + name
			}
			if _, dup := f[name]; dup {
				return "Invalid filter: " + name + " may appear only once"
			}
			f[name] = map[string]bool{}
			for _, it := range list.Items {
				f[name][it.Str] = true
			}
			return ""
		}
		return "Invalid filter: only 'in' and 'and' are supported"
	}
	if msg := walk(e); msg != "" {
		return nil, msg
	}
	return f, ""
}

// match reports whether ra passes f.
func (f roleFilter) match(ra *roleAssignment) bool {
	if vs, ok := f["principal"]; ok && !vs[ra.Principal] {
		return false
	}
	if vs, ok := f["role"]; ok && !vs[ra.Role] {
		return false
	}
	if vs, ok := f["scope"]; ok {
		for _, sc := range ra.Scope {
			if vs[sc] {
				return true
			}
		}
		return false
	}
	return true
}

func (s *Sim) listRoleAssignments(r *request) response {
	offset, limit, resp, ok := s.offsetLimit(r, pageAuthz)
	if !ok {
		return resp
	}
	f, msg := parseRoleFilter(r.query.Get("filter"))
	if msg != "" {
		return s.apiError(r.fam, http.StatusBadRequest, msg, issue{"query.parameter", "filter"})
	}
	var l []*roleAssignment
	for _, ra := range s.st.plat.roles.list() {
		if f.match(ra) {
			l = append(l, ra)
		}
	}
	return jsonResp(http.StatusOK, page(views(l), offset, limit))
}

func (s *Sim) getRoleAssignment(r *request) response {
	ra, ok := s.st.plat.roles.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Role assignment "+r.params[0]+" not found")
	}
	return jsonResp(http.StatusOK, render(ra))
}

// roleBody is the body of POST and PUT role-assignments.
type roleBody struct {
	ID        *string   `json:"id"`
	Principal *string   `json:"principal"`
	Role      *string   `json:"role"`
	Scope     *[]string `json:"scope"`
}

// checkRoleBody validates principal, role and scope; it returns the
// refused field and why, or "".
func (s *Sim) checkRoleBody(in roleBody) (string, string) {
	if in.Principal == nil || glapi.CheckPrincipal("", *in.Principal) != nil {
		return "principal", "principal must be user:<id>, user-group:<id> or api-client:<id>"
	}
	if in.Role == nil || !strings.HasPrefix(*in.Role, rolePrefix) || len(*in.Role) == len(rolePrefix) {
		return "role", "role must be a role GRN " + rolePrefix + "<name>"
	}
	if in.Scope == nil || len(*in.Scope) == 0 || len(*in.Scope) > 20 {
		return "scope", "scope must hold 1 to 20 GRNs"
	}
	ws := 0
	for _, sc := range *in.Scope {
		if !strings.HasPrefix(sc, "grn:glp/workspaces/") {
			return "scope", "Invalid scope GRN " + sc
		}
		if !strings.Contains(strings.TrimPrefix(sc, "grn:glp/workspaces/"), "/") {
			ws++
		}
	}
	if ws > 1 {
		return "scope", "At most one workspace scope"
	}
	return "", ""
}

func (s *Sim) createRoleAssignment(r *request) response {
	var in roleBody
	if resp, ok := s.decodeBody(r, &in); !ok {
		return resp
	}
	if field, msg := s.checkRoleBody(in); field != "" {
		return s.apiError(r.fam, http.StatusBadRequest, msg, issue{"body", field})
	}
	p := s.st.plat
	n := 0
	for _, ra := range p.roles.list() {
		if ra.Principal == *in.Principal {
			n++
			if ra.Role == *in.Role && strings.Join(ra.Scope, ",") == strings.Join(*in.Scope, ",") {
				return s.apiError(r.fam, http.StatusConflict, "The role assignment already exists")
			}
		}
	}
	if n >= roleAssignmentsPerPrincipal {
		return s.apiError(r.fam, http.StatusConflict, "A principal has at most 50 role assignments per workspace")
	}
	ra := p.addRoleAssignment(*in.Principal, *in.Role, append([]string(nil), *in.Scope...), r.now)
	s.audit("User Management", "Role "+ra.Role+" assigned to "+ra.Principal, r.now, false)
	return jsonResp(http.StatusCreated, render(ra)).with("Location", glapi.URI(glapi.CollectionRoleAssignments, ra.ID))
}

func (s *Sim) updateRoleAssignment(r *request) response {
	ra, ok := s.st.plat.roles.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Role assignment "+r.params[0]+" not found")
	}
	var in roleBody
	if resp, ok := s.decodeBody(r, &in); !ok {
		return resp
	}
	if in.ID == nil || *in.ID != ra.ID {
		return s.apiError(r.fam, http.StatusBadRequest, "id is required and must be the assignment's", issue{"body", "id"})
	}
	if field, msg := s.checkRoleBody(in); field != "" {
		return s.apiError(r.fam, http.StatusBadRequest, msg, issue{"body", field})
	}
	if *in.Principal != ra.Principal || *in.Role != ra.Role {
		return s.apiError(r.fam, http.StatusBadRequest, "Only scope can be changed", issue{"body", "role"})
	}
	ra.Scope = append([]string(nil), *in.Scope...)
	ra.Generation++
	ra.UpdatedAt = ts(r.now)
	s.audit("User Management", "Scope of role "+ra.Role+" of "+ra.Principal+" changed", r.now, false)
	return jsonResp(http.StatusOK, render(ra))
}

func (s *Sim) deleteRoleAssignment(r *request) response {
	ra, ok := s.st.plat.roles.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Role assignment "+r.params[0]+" not found")
	}
	s.st.plat.roles.del(ra.ID)
	s.audit("User Management", "Role "+ra.Role+" removed from "+ra.Principal, r.now, false)
	return response{status: http.StatusNoContent}
}

func (s *Sim) listScopeGroups(r *request) response {
	return s.listOffset(r, pageAuthz, odata.ResourceScopeGroups, views(s.st.plat.scopes.list()))
}
