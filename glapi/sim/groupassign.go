package sim

import (
	"fmt"
	"net/http"
	"strconv"

	"glrun/glapi"
)

// assignGroupDevices answers POST groups/{id}/devices: it starts an async
// operation that makes the servers members of the group. The simulated
// operation ends at once (SUCCEEDED), unless a server is in another group
// already: moving needs the device's eTag, which the simulator does not
// check, so such a request FAILS, changing nothing. A server already in the
// group is left as it is.
func (s *Sim) assignGroupDevices(r *request) response {
	gid := r.params[0]
	g, ok := s.st.groups.get(gid)
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Group "+gid+" not found")
	}
	var in struct {
		Devices []struct {
			DeviceID string `json:"deviceId"`
			ETag     string `json:"eTag"`
		} `json:"devices"`
	}
	if resp, ok := s.decodeBody(r, &in); !ok {
		return resp
	}
	if len(in.Devices) == 0 {
		return s.apiError(r.fam, http.StatusBadRequest, "devices: must contain at least 1 item", issue{"body", "devices"})
	}
	var add []string
	var moved string
	for i, d := range in.Devices {
		if _, ok := s.st.servers.get(d.DeviceID); !ok {
			subject := "devices[" + strconv.Itoa(i) + "].deviceId"
			return s.apiError(r.fam, http.StatusBadRequest, subject+": unknown device "+d.DeviceID, issue{"body", subject})
		}
		switch other := s.groupOf(d.DeviceID); {
		case other == gid:
		case other != "" && d.ETag == "":
			moved = fmt.Sprintf("Device %s is in group %s: moving it to another group needs its eTag", d.DeviceID, other)
		default:
			add = append(add, d.DeviceID)
		}
	}
	id := s.st.uuid()
	op := &asyncOp{
		ID: id, Type: "compute-ops-mgmt/async-operation", OperationType: "INTERNAL_ASYNC_OPERATION",
		Generation: 1, CreatedAt: ts(r.now), UpdatedAt: ts(r.now),
		ResourceURI:       glapi.URI(glapi.CollectionAsyncOperations, id),
		SourceResourceURI: g.DevicesURI, StartedAt: ts(r.now), EndedAt: ts(r.now), ProgressPercent: 100,
		LogMessages: []logMessage{{Message: "Assigning devices to group " + g.Name, Timestamp: ts(r.now)}},
		created:     r.now,
	}
	if moved != "" {
		op.State = glapi.OpFailed
		op.Error = &opError{HTTPStatusCode: http.StatusConflict, ErrorCode: "HPE-GL-COMPUTE_OPS-0409001", Message: moved, DebugID: s.st.uuid()}
		op.Recommendations = []string{opFailedRecommendation}
	} else {
		for _, sid := range add {
			s.st.assign(gid, sid, r.now)
		}
		op.State = glapi.OpSucceeded
		op.Results = []opResult{{ResourceURI: g.DevicesURI}}
		op.log("Devices assigned to group "+g.Name, r.now)
	}
	s.st.asyncOps.add(id, op)
	return jsonResp(http.StatusAccepted, nil).with("Location", op.ResourceURI)
}

// groupOf returns the id of the group server sid is in, or "".
func (s *Sim) groupOf(sid string) string {
	for gid, members := range s.st.groupMembers {
		if containsStr(members, sid) {
			return gid
		}
	}
	return ""
}
