package glapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// SCIMGroupsService is the user groups of SCIM 2.0,
// /identity/v2beta1/scim/v2/Groups. SCIM lists page with startIndex (from
// 1) and count, and answer Resources and totalResults. Their filter
// grammar is SCIM's, not OData's: displayName with sw, eq or co, and the
// group's source with eq, such as `displayName eq "ops"`. glrun checks
// only that a filter names one of these attributes and passes it on.
type SCIMGroupsService struct{ c *Client }

// SCIM constants.
const (
	scimGroupsPageMax = 200
	scimGroupSchema   = "urn:ietf:params:scim:schemas:core:2.0:Group"
	scimPatchSchema   = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	// SCIMGroupExtension is the HPE extension of a SCIM group
	// (groupDescription, source).
	SCIMGroupExtension = "urn:ietf:params:scim:schemas:extensions:hpe-greenlake:2.0:Group"
)

// checkSCIMFilter accepts an empty filter or one whose first word is an
// attribute the Groups list filters on.
func checkSCIMFilter(filter string) error {
	f := strings.TrimSpace(filter)
	if f == "" {
		return nil
	}
	attr, _, _ := strings.Cut(f, " ")
	if attr != "displayName" && attr != SCIMGroupExtension+":source" {
		return fmt.Errorf("listing SCIM groups: filter %q: SCIM groups filter on displayName (sw, eq, co) or %s:source (eq) only",
			filter, SCIMGroupExtension)
	}
	return nil
}

func (s *SCIMGroupsService) lister() lister {
	return lister{api: apiGlobal, coll: CollectionSCIMGroups, maxPage: scimGroupsPageMax, scim: true, checkFilter: checkSCIMFilter}
}

// List returns the groups matching opts (a SCIM filter), reading every
// page unless opts.Limit caps them.
func (s *SCIMGroupsService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, s.lister(), opts)
}

// Get returns the group id.
func (s *SCIMGroupsService) Get(ctx context.Context, id string) (Object, error) {
	if err := requireID("getting a SCIM group", id); err != nil {
		return nil, err
	}
	return s.c.getObject(ctx, apiGlobal, CollectionSCIMGroups, id)
}

// FindByName returns the group whose displayName is name, or nil, nil.
func (s *SCIMGroupsService) FindByName(ctx context.Context, name string) (Object, error) {
	if strings.TrimSpace(name) == "" {
		return nil, fmt.Errorf("finding a SCIM group: displayName must not be empty")
	}
	groups, err := s.List(ctx, ListOptions{Filter: `displayName eq "` + strings.ReplaceAll(name, `"`, `\"`) + `"`})
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if g.String("displayName") == name {
			return g, nil
		}
	}
	return nil, nil
}

// Create creates a group (POST, answered 201 with it). A POST that fails
// with an unknown outcome is not sent again: its error wraps
// ErrOutcomeUnknown.
func (s *SCIMGroupsService) Create(ctx context.Context, displayName, description string) (Object, error) {
	if strings.TrimSpace(displayName) == "" {
		return nil, fmt.Errorf("creating a SCIM group: displayName must not be empty")
	}
	body := map[string]any{
		"schemas":     []string{scimGroupSchema, SCIMGroupExtension},
		"displayName": displayName,
	}
	if description != "" {
		body[SCIMGroupExtension] = map[string]string{"groupDescription": description}
	}
	var o Object
	cl := call{api: apiGlobal, method: http.MethodPost, coll: CollectionSCIMGroups, body: body, bodyType: contentSCIM}
	if _, err := s.c.doJSON(ctx, cl, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// Delete deletes a group (answered 204).
func (s *SCIMGroupsService) Delete(ctx context.Context, id string) error {
	if err := requireID("deleting a SCIM group", id); err != nil {
		return err
	}
	_, err := s.c.doJSON(ctx, call{api: apiGlobal, method: http.MethodDelete, coll: CollectionSCIMGroups, id: id}, nil)
	return err
}

// scimMember is one member of a members operation.
type scimMember struct {
	Value string `json:"value"`
}

// patchMembers sends one add or remove operation on members.
func (s *SCIMGroupsService) patchMembers(ctx context.Context, what, op, id string, userIDs []string) (Object, error) {
	if err := requireID(what, id); err != nil {
		return nil, err
	}
	if len(userIDs) == 0 {
		return nil, fmt.Errorf("%s: no user ids given", what)
	}
	members := make([]scimMember, len(userIDs))
	for i, u := range userIDs {
		if strings.TrimSpace(u) == "" {
			return nil, fmt.Errorf("%s: user id %d must not be empty", what, i+1)
		}
		members[i] = scimMember{u}
	}
	body := map[string]any{
		"schemas":    []string{scimPatchSchema},
		"Operations": []map[string]any{{"op": op, "path": "members", "value": members}},
	}
	var o Object
	cl := call{api: apiGlobal, method: http.MethodPatch, coll: CollectionSCIMGroups, id: id, body: body, bodyType: contentSCIM}
	if _, err := s.c.doJSON(ctx, cl, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// AddMembers adds users (SCIM user ids) to group id.
func (s *SCIMGroupsService) AddMembers(ctx context.Context, id string, userIDs ...string) (Object, error) {
	return s.patchMembers(ctx, "adding SCIM group members", "add", id, userIDs)
}

// RemoveMembers removes users (SCIM user ids) from group id.
func (s *SCIMGroupsService) RemoveMembers(ctx context.Context, id string, userIDs ...string) (Object, error) {
	return s.patchMembers(ctx, "removing SCIM group members", "remove", id, userIDs)
}

// Members returns the users of group id
// (/identity/v2beta1/scim/v2/extensions/Groups/{id}/users).
func (s *SCIMGroupsService) Members(ctx context.Context, id string) ([]Object, error) {
	if err := requireID("listing SCIM group members", id); err != nil {
		return nil, err
	}
	return s.c.all(ctx, lister{api: apiGlobal, coll: collectionSCIMGroupExtensions, id: id, action: "users",
		maxPage: scimGroupsPageMax, scim: true, checkFilter: func(string) error { return nil }}, ListOptions{})
}

// collectionSCIMGroupExtensions is the extension collection of SCIM groups.
const collectionSCIMGroupExtensions = prefixSCIM + "/extensions/Groups"
