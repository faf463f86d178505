package sim

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"glrun/glapi"
)

// SCIM names.
const (
	scimGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"
	scimListSchema  = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	scimPatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	scimContent     = "application/scim+json"
)

// scimGroup is a SCIM user group.
type scimGroup struct {
	Schemas     []string     `json:"schemas"`
	ID          string       `json:"id"`
	DisplayName string       `json:"displayName"`
	Meta        scimMeta     `json:"meta"`
	Extension   scimGroupExt `json:"urn:ietf:params:scim:schemas:extensions:hpe-greenlake:2.0:Group"`
	members     []string     // user ids
}

// scimMeta is a SCIM resource's meta.
type scimMeta struct {
	ResourceType string `json:"resourceType"`
	Created      string `json:"created"`
	LastModified string `json:"lastModified"`
	Location     string `json:"location"`
}

// scimGroupExt is HPE's extension of a group.
type scimGroupExt struct {
	GroupDescription string `json:"groupDescription"`
	HPEPrincipal     string `json:"hpe_principal"`
	Source           string `json:"source"`
}

// DemoUserGroup is the SCIM user group of the demo.
const DemoUserGroup = "server-operators"

func (st *state) seedSCIMGroups(now time.Time) {
	g := st.plat.addSCIMGroup(DemoUserGroup, "Operators of the server fleet", now.Add(-100*24*time.Hour))
	if us := st.users.list(); len(us) > 2 {
		g.members = []string{us[1].ID, us[2].ID}
	}
}

func (p *platform) addSCIMGroup(name, desc string, t time.Time) *scimGroup {
	id := p.uuid()
	g := &scimGroup{
		Schemas: []string{scimGroupSchema, glapi.SCIMGroupExtension}, ID: id, DisplayName: name,
		Meta:      scimMeta{"Group", ts(t), ts(t), glapi.URI(glapi.CollectionSCIMGroups, id)},
		Extension: scimGroupExt{GroupDescription: desc, HPEPrincipal: "user-group:" + id, Source: "Local"},
	}
	p.groups.add(id, g)
	return g
}

func (p *platform) scimGroupViews() []obj { return views(p.groups.list()) }

// scimMatch evaluates the SCIM filter subset of the Groups list:
// displayName with eq, sw or co, and the extension's source with eq.
func scimMatch(filter string, g *scimGroup) (bool, string) {
	f := strings.TrimSpace(filter)
	if f == "" {
		return true, ""
	}
	attr, rest, _ := strings.Cut(f, " ")
	op, val, _ := strings.Cut(strings.TrimSpace(rest), " ")
	val = strings.TrimSpace(val)
	if len(val) < 2 || val[0] != '"' || val[len(val)-1] != '"' {
		return false, "Invalid filter: the value must be a double-quoted string"
	}
	val = strings.ReplaceAll(val[1:len(val)-1], `\"`, `"`)
	switch {
	case attr == "displayName" && strings.EqualFold(op, "eq"):
		return strings.EqualFold(g.DisplayName, val), ""
	case attr == "displayName" && strings.EqualFold(op, "sw"):
		return strings.HasPrefix(strings.ToLower(g.DisplayName), strings.ToLower(val)), ""
	case attr == "displayName" && strings.EqualFold(op, "co"):
		return strings.Contains(strings.ToLower(g.DisplayName), strings.ToLower(val)), ""
	case attr == glapi.SCIMGroupExtension+":source" && strings.EqualFold(op, "eq"):
		return g.Extension.Source == val, ""
	}
	return false, "Invalid filter: Groups filter on displayName (eq, sw, co) and source (eq)"
}

// scimPage reads startIndex and count and answers a ListResponse of items.
func (s *Sim) scimPage(r *request, items []obj) response {
	start, resp, ok := s.intParam(r, "startIndex", 1, 1, -1)
	if !ok {
		return resp
	}
	count, resp, ok := s.intParam(r, "count", 200, 1, 200)
	if !ok {
		return resp
	}
	lo := min(start-1, len(items))
	hi := min(lo+count, len(items))
	l := make([]any, 0, hi-lo)
	for _, it := range items[lo:hi] {
		l = append(l, copyObj(it))
	}
	return jsonResp(http.StatusOK, obj{
		"schemas": []any{scimListSchema}, "totalResults": len(items), "startIndex": start,
		"itemsPerPage": len(l), "Resources": l,
	}).with("Content-Type", scimContent)
}

func (s *Sim) listSCIMGroups(r *request) response {
	var items []obj
	for _, g := range s.st.plat.groups.list() {
		ok, msg := scimMatch(r.query.Get("filter"), g)
		if msg != "" {
			return s.apiError(r.fam, http.StatusBadRequest, msg, issue{"query.parameter", "filter"})
		}
		if ok {
			items = append(items, render(g))
		}
	}
	return s.scimPage(r, items)
}

func (s *Sim) getSCIMGroup(r *request) response {
	g, ok := s.st.plat.groups.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Group "+r.params[0]+" not found")
	}
	return jsonResp(http.StatusOK, render(g)).with("Content-Type", scimContent)
}

func (s *Sim) createSCIMGroup(r *request) response {
	var in struct {
		Schemas     []string `json:"schemas"`
		DisplayName *string  `json:"displayName"`
		Ext         *struct {
			GroupDescription string `json:"groupDescription"`
		} `json:"urn:ietf:params:scim:schemas:extensions:hpe-greenlake:2.0:Group"`
	}
	if resp, ok := s.decodeBody(r, &in); !ok {
		return resp
	}
	if len(in.Schemas) == 0 {
		return s.apiError(r.fam, http.StatusBadRequest, "schemas is required")
	}
	if in.DisplayName == nil || strings.TrimSpace(*in.DisplayName) == "" {
		return s.apiError(r.fam, http.StatusBadRequest, "displayName is required")
	}
	for _, g := range s.st.plat.groups.list() {
		if strings.EqualFold(g.DisplayName, *in.DisplayName) {
			return s.apiError(r.fam, http.StatusConflict, "Group "+*in.DisplayName+" already exists")
		}
	}
	desc := ""
	if in.Ext != nil {
		desc = in.Ext.GroupDescription
	}
	g := s.st.plat.addSCIMGroup(*in.DisplayName, desc, r.now)
	s.audit("User Management", "User group "+g.DisplayName+" created", r.now, false)
	return jsonResp(http.StatusCreated, render(g)).with("Location", g.Meta.Location).with("Content-Type", scimContent)
}

func (s *Sim) deleteSCIMGroup(r *request) response {
	g, ok := s.st.plat.groups.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Group "+r.params[0]+" not found")
	}
	s.st.plat.groups.del(g.ID)
	s.audit("User Management", "User group "+g.DisplayName+" deleted", r.now, false)
	return response{status: http.StatusNoContent}
}

// scimOp is one operation of a SCIM PATCH.
type scimOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

func (s *Sim) patchSCIMGroup(r *request) response {
	g, ok := s.st.plat.groups.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Group "+r.params[0]+" not found")
	}
	var in struct {
		Schemas    []string  `json:"schemas"`
		Operations *[]scimOp `json:"Operations"`
	}
	if resp, ok := s.decodeBody(r, &in); !ok {
		return resp
	}
	if len(in.Schemas) != 1 || in.Schemas[0] != scimPatchSchema {
		return s.apiError(r.fam, http.StatusBadRequest, "schemas must be ["+scimPatchSchema+"]")
	}
	if in.Operations == nil || len(*in.Operations) == 0 {
		return s.apiError(r.fam, http.StatusBadRequest, "Operations is required")
	}
	// Validate every operation before applying any.
	type change func()
	var changes []change
	for i, op := range *in.Operations {
		where := "Operations[" + strconv.Itoa(i) + "]"
		verb := strings.ToLower(op.Op)
		switch op.Path {
		case "members":
			if verb != "add" && verb != "remove" {
				return s.apiError(r.fam, http.StatusBadRequest, where+": members support add and remove only")
			}
			list, ok := op.Value.([]any)
			if !ok || len(list) == 0 {
				return s.apiError(r.fam, http.StatusBadRequest, where+".value: want [{\"value\": <user id>}, ...]")
			}
			var ids []string
			for _, m := range list {
				mo, _ := m.(map[string]any)
				id, _ := mo["value"].(string)
				if _, known := s.st.users.get(id); !known {
					return s.apiError(r.fam, http.StatusBadRequest, where+".value: unknown user "+id)
				}
				ids = append(ids, id)
			}
			changes = append(changes, func() {
				for _, id := range ids {
					has := containsStr(g.members, id)
					if verb == "add" && !has {
						g.members = append(g.members, id)
					}
					if verb == "remove" && has {
						for j, m := range g.members {
							if m == id {
								g.members = append(g.members[:j:j], g.members[j+1:]...)
								break
							}
						}
					}
				}
				s.audit("User Management", "Members of user group "+g.DisplayName+" changed ("+verb+" "+strings.Join(ids, ", ")+")", r.now, false)
			})
		case "displayName", glapi.SCIMGroupExtension + ":groupDescription":
			v, ok := op.Value.(string)
			if verb != "replace" || !ok {
				return s.apiError(r.fam, http.StatusBadRequest, where+": "+op.Path+" takes replace with a string")
			}
			path := op.Path
			changes = append(changes, func() {
				if path == "displayName" {
					g.DisplayName = v
				} else {
					g.Extension.GroupDescription = v
				}
			})
		default:
			return s.apiError(r.fam, http.StatusBadRequest, where+".path: want members, displayName or "+glapi.SCIMGroupExtension+":groupDescription")
		}
	}
	for _, c := range changes {
		c()
	}
	g.Meta.LastModified = ts(r.now)
	return jsonResp(http.StatusOK, render(g)).with("Content-Type", scimContent)
}

func (s *Sim) listSCIMGroupUsers(r *request) response {
	g, ok := s.st.plat.groups.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Group "+r.params[0]+" not found")
	}
	var items []obj
	for _, id := range g.members {
		if u, ok := s.st.users.get(id); ok {
			items = append(items, obj{"id": u.ID, "userName": u.Username, "schemas": []any{"urn:ietf:params:scim:schemas:core:2.0:User"}})
		}
	}
	return s.scimPage(r, items)
}
