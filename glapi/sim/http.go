package sim

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// request is what a handler gets: the HTTP request, its path parameters,
// the decoded query and the simulated time.
type request struct {
	*http.Request
	fam    string
	params []string
	query  url.Values
	now    time.Time
	body   []byte
	// caller is the id of the API client whose token the request carries.
	caller string
}

// route maps a method and a path pattern ("{}" matches one segment) to a handler.
type route struct {
	method  string
	pattern string
	handle  func(*Sim, *request) response
}

// routes lists every API endpoint of the simulator.
var routes = []route{
	{"GET", "/compute-ops-mgmt/v1/jobs", (*Sim).listJobs},
	{"POST", "/compute-ops-mgmt/v1/jobs", (*Sim).createJob},
	{"GET", "/compute-ops-mgmt/v1/jobs/{}", (*Sim).getJob},
	{"PATCH", "/compute-ops-mgmt/v1/jobs/{}", (*Sim).patchJob},
	{"GET", "/compute-ops-mgmt/v1/async-operations", (*Sim).listAsyncOps},
	{"GET", "/compute-ops-mgmt/v1/async-operations/{}", (*Sim).getAsyncOp},
	{"GET", "/compute-ops-mgmt/v1/servers", (*Sim).listServers},
	{"GET", "/compute-ops-mgmt/v1/servers/{}", (*Sim).getServer},
	{"GET", "/compute-ops-mgmt/v1/groups", (*Sim).listGroups},
	{"GET", "/compute-ops-mgmt/v1/groups/{}", (*Sim).getGroup},
	{"GET", "/compute-ops-mgmt/v1/groups/{}/devices", (*Sim).listGroupDevices},
	{"POST", "/compute-ops-mgmt/v1/groups/{}/devices", (*Sim).assignGroupDevices},
	{"GET", "/compute-ops-mgmt/v1/groups/{}/compliance", (*Sim).listGroupCompliance},
	{"GET", "/compute-ops-mgmt/v1/firmware-bundles", (*Sim).listBundles},
	{"GET", "/compute-ops-mgmt/v1/firmware-bundles/{}", (*Sim).getBundle},
	{"GET", "/identity/v1/users", (*Sim).listUsers},
	{"POST", "/identity/v1/users", (*Sim).inviteUser},
	{"GET", "/identity/v1/users/{}", (*Sim).getUser},
	{"PUT", "/identity/v1/users/{}", (*Sim).updateUser},
	{"DELETE", "/identity/v1/users/{}", (*Sim).deleteUser},
	{"GET", "/workspaces/v1/credentials", (*Sim).listCredentials},
	{"POST", "/workspaces/v1/credentials", (*Sim).createCredential},
	{"DELETE", "/workspaces/v1/credentials/{}", (*Sim).deleteCredential},
	{"POST", "/workspaces/v1/credentials/{}/reset", (*Sim).resetCredential},
	{"GET", "/compute-ops-mgmt/v1beta2/activities", (*Sim).listActivities},
	{"GET", "/devices/v1/devices", (*Sim).listDevices},
	{"POST", "/devices/v1/devices", (*Sim).addDevices},
	{"GET", "/devices/v1/devices/{}", (*Sim).getDevice},
	{"PATCH", "/devices/v1/devices", (*Sim).patchDevicesV1},
	{"PATCH", "/devices/v2beta1/devices", (*Sim).patchDevicesV2},
	{"GET", "/devices/v1/async-operations/{}", (*Sim).getDeviceOp},
	{"GET", "/subscriptions/v1/subscriptions", (*Sim).listSubscriptions},
	{"POST", "/subscriptions/v1/subscriptions", (*Sim).addSubscriptions},
	{"GET", "/subscriptions/v1/subscriptions/{}", (*Sim).getSubscription},
	{"GET", "/subscriptions/v1/async-operations/{}", (*Sim).getSubscriptionOp},
	{"GET", "/service-catalog/v1/service-managers", (*Sim).listServiceManagers},
	{"GET", "/service-catalog/v1/service-managers/{}", (*Sim).getServiceManager},
	{"GET", "/service-catalog/v1/service-manager-provisions", (*Sim).listProvisions},
	{"GET", "/service-catalog/v1/service-manager-provisions/{}", (*Sim).getProvision},
	{"GET", "/authorization/v1beta1/role-assignments", (*Sim).listRoleAssignments},
	{"POST", "/authorization/v1beta1/role-assignments", (*Sim).createRoleAssignment},
	{"GET", "/authorization/v1beta1/role-assignments/{}", (*Sim).getRoleAssignment},
	{"PUT", "/authorization/v1beta1/role-assignments/{}", (*Sim).updateRoleAssignment},
	{"DELETE", "/authorization/v1beta1/role-assignments/{}", (*Sim).deleteRoleAssignment},
	{"GET", "/authorization/v1beta1/scope-groups", (*Sim).listScopeGroups},
	{"GET", "/identity/v2beta1/scim/v2/Groups", (*Sim).listSCIMGroups},
	{"POST", "/identity/v2beta1/scim/v2/Groups", (*Sim).createSCIMGroup},
	{"GET", "/identity/v2beta1/scim/v2/Groups/{}", (*Sim).getSCIMGroup},
	{"PATCH", "/identity/v2beta1/scim/v2/Groups/{}", (*Sim).patchSCIMGroup},
	{"DELETE", "/identity/v2beta1/scim/v2/Groups/{}", (*Sim).deleteSCIMGroup},
	{"GET", "/identity/v2beta1/scim/v2/extensions/Groups/{}/users", (*Sim).listSCIMGroupUsers},
	{"GET", "/audit-log/v2beta1/logs", (*Sim).listAuditLogs},
	{"GET", "/audit-log/v2beta1/logs/{}", (*Sim).getAuditLog},

	// Change control (approvals.go, schedules.go).
	{"GET", "/compute-ops-mgmt/v1beta2/approval-policies", (*Sim).listApprovalPolicies},
	{"POST", "/compute-ops-mgmt/v1beta2/approval-policies", (*Sim).createApprovalPolicy},
	{"GET", "/compute-ops-mgmt/v1beta2/approval-policies/{}", (*Sim).getApprovalPolicy},
	{"PATCH", "/compute-ops-mgmt/v1beta2/approval-policies/{}", (*Sim).patchApprovalPolicy},
	{"DELETE", "/compute-ops-mgmt/v1beta2/approval-policies/{}", (*Sim).deleteApprovalPolicy},
	{"GET", "/compute-ops-mgmt/v1beta2/approval-requests", (*Sim).listApprovalRequests},
	{"GET", "/compute-ops-mgmt/v1beta2/approval-requests/{}", (*Sim).getApprovalRequest},
	{"PATCH", "/compute-ops-mgmt/v1beta2/approval-requests/{}", (*Sim).patchApprovalRequest},
	{"POST", "/compute-ops-mgmt/v1beta2/approval-requests/{}/approve", (*Sim).approveRequest},
	{"GET", "/compute-ops-mgmt/v1beta2/schedules", (*Sim).listSchedules},
	{"POST", "/compute-ops-mgmt/v1beta2/schedules", (*Sim).createSchedule},
	{"GET", "/compute-ops-mgmt/v1beta2/schedules/{}", (*Sim).getSchedule},
	{"PATCH", "/compute-ops-mgmt/v1beta2/schedules/{}", (*Sim).patchSchedule},
	{"DELETE", "/compute-ops-mgmt/v1beta2/schedules/{}", (*Sim).deleteSchedule},
	{"GET", "/compute-ops-mgmt/v1beta2/schedules/{}/history", (*Sim).listScheduleHistory},
	{"GET", "/compute-ops-mgmt/v1beta2/schedules/{}/history/{}", (*Sim).getScheduleHistory},
}

// match reports whether path matches pattern, and the "{}" segments.
func match(pattern, path string) ([]string, bool) {
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	xs := strings.Split(strings.Trim(path, "/"), "/")
	if len(ps) != len(xs) {
		return nil, false
	}
	var params []string
	for i, p := range ps {
		if p == "{}" {
			if xs[i] == "" {
				return nil, false
			}
			params = append(params, xs[i])
		} else if p != xs[i] {
			return nil, false
		}
	}
	return params, true
}

// familyPrefixes maps path prefixes to API families, the more specific
// first (SCIM lies under /identity/).
var familyPrefixes = []struct{ prefix, family string }{
	{"/compute-ops-mgmt/", famCOM},
	{"/identity/v2beta1/scim/", famSCIM},
	{"/devices/", famDevices},
	{"/subscriptions/", famSubscriptions},
	{"/service-catalog/", famCatalog},
	{"/authorization/", famAuthz},
	{"/audit-log/", famAudit},
	{"/identity/", famIdentity},
	{"/workspaces/", famWorkspaces},
}

// family returns the API family of a path, or "" if it is none of ours.
func family(path string) string {
	for _, f := range familyPrefixes {
		if strings.HasPrefix(path, f.prefix) {
			return f.family
		}
	}
	return ""
}

// contentTypes is the Content-Type each mutating method needs.
var contentTypes = map[string]string{
	http.MethodPost:  "application/json",
	http.MethodPut:   "application/json",
	http.MethodPatch: "application/merge-patch+json",
}

// ServeHTTP answers one API or token request, logging it.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	entry := LogEntry{
		Method:     r.Method,
		Path:       r.URL.Path,
		Query:      r.URL.RawQuery,
		TenantACID: r.Header.Get("Tenant-Acid"),
	}
	f := s.pickFault(r)
	if f.latency > 0 {
		_ = s.latencyClock.Sleep(r.Context(), f.latency)
	}
	if f.kind == faultResetBefore {
		entry.Time, entry.Fault = s.clock.Now(), f.kind
		s.record(entry)
		resetConn(w)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	now := s.clock.Now()
	var resp response
	if f.status != 0 {
		resp = s.faultResponse(r.URL.Path, f.status)
	} else {
		resp = s.dispatch(r, body, now)
	}
	s.mu.Unlock()
	entry.Time, entry.Status, entry.Fault = now, resp.status, f.kind
	s.record(entry)
	switch f.kind {
	case faultResetAfter:
		resetConn(w)
		return
	case faultMalformed:
		writeMalformed(w, resp)
		return
	}
	writeResp(w, resp)
}

// dispatch routes a request. Callers hold s.mu.
func (s *Sim) dispatch(r *http.Request, body []byte, now time.Time) response {
	if r.URL.Path == tokenPath {
		return s.handleToken(r, body)
	}
	fam := family(r.URL.Path)
	if fam == "" {
		fam = famCOM
	}
	if msg := s.checkBearer(r); msg != "" {
		return s.apiError(fam, http.StatusUnauthorized, msg).with("WWW-Authenticate", `Bearer realm="greenlake"`)
	}
	s.advance(now)
	s.advancePlatform(now)
	if fam == famIdentity {
		if wait := s.identityRateLimit(now); wait > 0 {
			return s.tooMany(fam, wait, "Rate limit exceeded: 300 requests per minute per workspace")
		}
	}
	if resp, limited := s.platformRateLimit(r, fam, now); limited {
		return resp
	}
	var allowed []string
	for _, rt := range routes {
		params, ok := match(rt.pattern, r.URL.Path)
		if !ok {
			continue
		}
		if rt.method != r.Method {
			allowed = append(allowed, rt.method)
			continue
		}
		want := contentTypes[r.Method]
		if fam == famSCIM && want != "" {
			want = "application/scim+json"
		}
		if want != "" && !(len(body) == 0 && strings.HasSuffix(rt.pattern, "/reset")) {
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != want {
				return s.apiError(fam, http.StatusUnsupportedMediaType,
					"Content-Type header must designate '"+want+"' in order for the request to be performed", issue{"header", "Content-Type"})
			}
		}
		return rt.handle(s, &request{Request: r, fam: fam, params: params, query: r.URL.Query(), now: now, body: body,
			caller: s.callerOf(r)})
	}
	if len(allowed) > 0 {
		return s.apiError(fam, http.StatusMethodNotAllowed, "Method "+r.Method+" is not allowed on "+r.URL.Path).
			with("Allow", strings.Join(allowed, ", "))
	}
	return s.apiError(fam, http.StatusNotFound, "No such resource: "+r.URL.Path)
}

// identityRateLimit counts an identity request at now and returns 0, or the
// seconds to wait when the 300 requests/minute limit is exceeded. Callers
// hold s.mu.
func (s *Sim) identityRateLimit(now time.Time) int {
	var wait int
	s.identityRL, wait = countInWindow(s.identityRL, 300, now)
	return wait
}

// countInWindow counts a request at now against a limit of n requests a
// minute, times being when the requests of the last minute came: it
// returns those still in the minute, now among them and a wait of 0 when
// the limit allows it, else without it and the whole seconds (at least 1)
// until the oldest leaves the minute.
func countInWindow(times []time.Time, n int, now time.Time) ([]time.Time, int) {
	const window = time.Minute
	keep := times[:0]
	for _, t := range times {
		if now.Sub(t) < window {
			keep = append(keep, t)
		}
	}
	if len(keep) < n {
		return append(keep, now), 0
	}
	wait := keep[0].Add(window).Sub(now)
	return keep, max(int((wait+time.Second-1)/time.Second), 1)
}

// writeResp writes a response as JSON.
func writeResp(w http.ResponseWriter, resp response) {
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	if resp.body == nil {
		w.WriteHeader(resp.status)
		return
	}
	b, err := json.Marshal(resp.body)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(b)
}

// decodeBody decodes a JSON request body into v, returning a 400 answer
// when it is not valid JSON.
func (s *Sim) decodeBody(r *request, v any) (response, bool) {
	if len(r.body) == 0 {
		return s.apiError(r.fam, http.StatusBadRequest, "Request body is required"), false
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		return s.apiError(r.fam, http.StatusBadRequest, "Request body is not valid JSON: "+err.Error()), false
	}
	return response{}, true
}
