package sim

import (
	"net/http"
	"sort"
	"strings"
	"time"

	"glrun/glapi"
	"glrun/glapi/odata"
)

// auditEntry is an audit log entry as /audit-log/v2beta1/logs shows it.
type auditEntry struct {
	ID             string       `json:"id"`
	Type           string       `json:"type"`
	Category       string       `json:"category"`
	CreatedAt      string       `json:"createdAt"`
	Description    string       `json:"description"`
	Username       string       `json:"username"`
	IPAddress      string       `json:"ipAddress"`
	HasDetails     bool         `json:"hasDetails"`
	ServiceOffer   serviceOffer `json:"serviceOffer"`
	Workspace      auditSpace   `json:"workspace"`
	AdditionalInfo obj          `json:"additionalInfo"`
}

// serviceOffer is the service an audit entry comes from.
type serviceOffer struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Region string `json:"region"`
}

// auditSpace is the workspace of an audit entry.
type auditSpace struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// audit writes an audit log entry of a change the simulator made at t on
// behalf of the API client: a platform entry, or (com) one of Compute Ops
// Management in simRegion.
func (s *Sim) audit(category, description string, t time.Time, com bool) {
	p := s.st.plat
	so := serviceOffer{platformServiceOffer, "HPE GreenLake platform", "global"}
	if com {
		so = serviceOffer{p.comID, DemoComputeOpsManagement, simRegion}
	}
	p.audit = keepNewest(p.audit, maxLogEntries)
	p.audit = append(p.audit, &auditEntry{
		ID: p.uuid(), Type: "/audit-log/log", Category: category, CreatedAt: ts(t), Description: description,
		Username: p.actor, IPAddress: "203.0.113.10", ServiceOffer: so,
		Workspace: auditSpace{p.workspaceID, p.workspaceName, "STANDALONE"}, AdditionalInfo: obj{},
	})
}

// listAuditLogs answers GET /audit-log/v2beta1/logs: newest first (sort
// "createdAt asc" reverses), platform entries only unless the filter names
// serviceOffer/id, with remainingRecords.
func (s *Sim) listAuditLogs(r *request) response {
	offset, limit, resp, ok := s.offsetLimit(r, pageAudit)
	if !ok {
		return resp
	}
	entries := append([]*auditEntry(nil), s.st.plat.audit...)
	asc := false
	switch sortBy := strings.TrimSpace(r.query.Get("sort")); sortBy {
	case "", "createdAt", "createdAt desc":
	case "createdAt asc":
		asc = true
	default:
		return s.apiError(r.fam, http.StatusBadRequest, "Unsupported sort "+sortBy, issue{"query.parameter", "sort"})
	}
	sort.SliceStable(entries, func(i, j int) bool {
		if asc {
			return entries[i].CreatedAt < entries[j].CreatedAt
		}
		return entries[i].CreatedAt > entries[j].CreatedAt
	})
	items := views(entries)
	filter := r.query.Get("filter")
	byOffer := false
	if e, err := odata.Parse(filter); filter != "" && err == nil {
		for _, path := range odata.Paths(e) {
			byOffer = byOffer || path == "serviceOffer/id"
		}
	}
	if !byOffer {
		var platformOnly []obj
		for _, it := range items {
			if so, _ := it["serviceOffer"].(obj); so["id"] == platformServiceOffer {
				platformOnly = append(platformOnly, it)
			}
		}
		items = platformOnly
	}
	items, resp, ok = s.filter(r, odata.ResourceAuditLogs, items, func(o obj) obj {
		v := copyObj(o)
		if so, ok := v["serviceOffer"].(map[string]any); ok {
			v["region"] = so["region"]
		}
		return v
	})
	if !ok {
		return resp
	}
	pg := page(items, offset, limit)
	pg["remainingRecords"] = offset+pg["count"].(int) < len(items)
	return jsonResp(http.StatusOK, pg)
}

func (s *Sim) getAuditLog(r *request) response {
	for _, e := range s.st.plat.audit {
		if e.ID == r.params[0] {
			return jsonResp(http.StatusOK, render(e))
		}
	}
	return s.apiError(r.fam, http.StatusNotFound, "Audit log "+r.params[0]+" not found")
}

// activity is a Compute Ops Management activity (v1beta2).
type activity struct {
	ID                  string         `json:"id"`
	Type                string         `json:"type"`
	Generation          int            `json:"generation"`
	CreatedAt           string         `json:"createdAt"`
	UpdatedAt           string         `json:"updatedAt"`
	Key                 string         `json:"key"`
	Title               string         `json:"title"`
	Message             string         `json:"message"`
	RecommendedAction   *string        `json:"recommendedAction"`
	AssociatedServerURI *string        `json:"associatedServerUri"`
	Source              activitySource `json:"source"`
}

// activitySource is what an activity is about.
type activitySource struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	ResourceURI string `json:"resourceUri"`
	DisplayName string `json:"displayName"`
}

// activity records a COM activity at t, and the matching COM audit entry.
func (s *Sim) activity(key, title, message string, src activitySource, serverURI string, t time.Time) {
	p := s.st.plat
	a := &activity{ID: p.uuid(), Type: "compute-ops-mgmt/activity", Generation: 1, CreatedAt: ts(t), UpdatedAt: ts(t),
		Key: key, Title: title, Message: message, Source: src}
	if serverURI != "" {
		a.AssociatedServerURI = &serverURI
	}
	p.acts = keepNewest(p.acts, maxLogEntries)
	p.acts = append(p.acts, a)
	s.audit(DemoComputeOpsManagement, message, t, true)
}

// maxLogEntries is how many activities, and how many audit log entries, the
// simulator keeps: the newest; an older one is forgotten, as the real logs
// forget with age. A simulator seeded with 300,000 jobs would otherwise
// hold 600,000 of each.
const maxLogEntries = 50_000

// keepNewest returns log with room for one more entry within max: when it
// has grown a quarter past max, the newest max entries in a new slice (so
// the forgotten ones are freed); otherwise log itself.
func keepNewest[T any](log []T, max int) []T {
	if len(log) < max+max/4 {
		return log
	}
	return append(make([]T, 0, max+max/4), log[len(log)-max+1:]...)
}

// jobActivity records the activity of a job event: created, or ended in
// state.
func (s *Sim) jobActivity(j *job, event string, t time.Time) {
	rec := j.rec
	src := activitySource{ID: rec.ID, Type: "compute-ops-mgmt/job", ResourceURI: rec.ResourceURI, DisplayName: rec.Name}
	server := ""
	if rec.Resource.Type == glapi.ResourceServer {
		server = glapi.URI(glapi.CollectionServers, rec.Resource.ID)
	}
	s.activity("JOB_"+strings.ToUpper(event), "Job "+event, "Job "+rec.Name+" on "+rec.Resource.ID+": "+event, src, server, t)
}

// listActivities answers GET /compute-ops-mgmt/v1beta2/activities, newest
// first.
func (s *Sim) listActivities(r *request) response {
	acts := s.st.plat.acts
	l := make([]*activity, len(acts))
	for i, a := range acts {
		l[len(acts)-1-i] = a
	}
	return s.listOffset(r, pageActivities, odata.ResourceActivities, views(l))
}
