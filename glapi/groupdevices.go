package glapi

import (
	"context"
	"fmt"
	"net/http"
)

// groupDevicesAction is the path segment of a group's members.
const groupDevicesAction = "devices"

// groupDevice is one device of POST /groups/{id}/devices.
type groupDevice struct {
	DeviceID string `json:"deviceId"`
}

// Devices returns the members of group id (GET /groups/{id}/devices),
// reading every page.
func (s *GroupsService) Devices(ctx context.Context, id string) ([]Object, error) {
	if err := requireID("listing a group's devices", id); err != nil {
		return nil, err
	}
	l := lister{api: apiCompute, coll: CollectionGroups, id: id, action: groupDevicesAction, maxPage: groupsPageMax}
	return s.c.all(ctx, l, ListOptions{})
}

// AddDevices assigns servers (their ids) to group id (POST
// /groups/{id}/devices). It is asynchronous: it answers 202 with the
// Location of a Compute Ops Management async operation, whose id it
// returns (wait for it with AsyncOps). A server already in the group is
// left as it is; moving one from another group needs its eTag, which
// glrun does not send: such a move fails in the operation.
func (s *GroupsService) AddDevices(ctx context.Context, id string, serverIDs []string) (string, error) {
	const what = "adding servers to a group"
	if err := requireID(what, id); err != nil {
		return "", err
	}
	if len(serverIDs) == 0 {
		return "", fmt.Errorf("%s: no server ids given", what)
	}
	body := struct {
		Devices []groupDevice `json:"devices"`
	}{}
	for _, sid := range serverIDs {
		if err := requireID(what, sid); err != nil {
			return "", err
		}
		body.Devices = append(body.Devices, groupDevice{sid})
	}
	h, err := s.c.doJSON(ctx, call{api: apiCompute, method: http.MethodPost, coll: CollectionGroups, id: id,
		action: groupDevicesAction, body: body}, nil)
	if err != nil {
		return "", err
	}
	loc := h.Get("Location")
	if loc == "" {
		return "", fmt.Errorf("%s: POST %s/%s/devices: the answer has no Location", what, CollectionGroups, id)
	}
	return IDOf(loc), nil
}
