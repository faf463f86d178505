package sim

import (
	"encoding/json"
	"time"
)

// LogEntry is one request the simulator received, as written to the
// request log. Status is what the simulator did, even when a fault then
// cut the connection; Fault names the injected fault, if any. Secrets
// (client secrets, tokens) never appear in it.
type LogEntry struct {
	Time       time.Time `json:"time"`
	Method     string    `json:"method"`
	Path       string    `json:"path"`
	Query      string    `json:"query"`
	Status     int       `json:"status"`
	Fault      string    `json:"fault"`
	TenantACID string    `json:"tenantAcid,omitempty"`
}

// record appends e to the in-memory log and writes it to the request log.
func (s *Sim) record(e LogEntry) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log = append(s.log, e)
	if s.logW != nil {
		b, err := json.Marshal(e)
		if err == nil {
			_, _ = s.logW.Write(append(b, '\n'))
		}
	}
}

// Requests returns every request received so far, oldest first. It is safe
// for concurrent use.
func (s *Sim) Requests() []LogEntry {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return append([]LogEntry(nil), s.log...)
}
