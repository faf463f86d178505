package sim

import (
	"net/http"

	"glrun/glapi/odata"
)

func (s *Sim) listServers(r *request) response {
	return s.listOffset(r, pageServers, odata.ResourceServers, s.st.serverViews())
}

func (s *Sim) getServer(r *request) response {
	srv, ok := s.st.servers.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Server "+r.params[0]+" not found")
	}
	return jsonResp(http.StatusOK, copyObj(srv.view()))
}

func (s *Sim) listGroups(r *request) response {
	return s.listOffset(r, pageGroups, odata.ResourceGroups, views(s.st.groups.list()))
}

func (s *Sim) getGroup(r *request) response {
	g, ok := s.st.groups.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Group "+r.params[0]+" not found")
	}
	return jsonResp(http.StatusOK, render(g))
}

// listGroupDevices answers GET groups/{id}/devices (its filter parameter
// is not simulated).
func (s *Sim) listGroupDevices(r *request) response {
	g, ok := s.st.groups.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Group "+r.params[0]+" not found")
	}
	items := views(g.Devices)
	offset, limit, resp, ok := s.offsetLimit(r, pageGroups)
	if !ok {
		return resp
	}
	return jsonResp(http.StatusOK, page(items, offset, limit))
}

// listGroupCompliance answers GET groups/{id}/compliance: the results of
// the last Group Firmware Compliance job.
func (s *Sim) listGroupCompliance(r *request) response {
	gid := r.params[0]
	if _, ok := s.st.groups.get(gid); !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Group "+gid+" not found")
	}
	offset, limit, resp, ok := s.offsetLimit(r, pageGroups)
	if !ok {
		return resp
	}
	return jsonResp(http.StatusOK, page(s.st.compliance[gid], offset, limit))
}

func (s *Sim) listBundles(r *request) response {
	return s.listOffset(r, pageBundles, odata.ResourceFirmwareBundles, s.st.bundles.list())
}

func (s *Sim) getBundle(r *request) response {
	return s.getOne(r, s.st.bundles, "Firmware bundle")
}
