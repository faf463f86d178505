package sim

import (
	"encoding/json"
	"time"
)

// LogEntry is one request the simulator received, as written to the
// request log. Status is what the simulator did, even when a fault then
// cut the connection; Fault names the injected fault, if any. Secrets
// (client secrets, tokens) never appear in it.
//
// A log line carries both times: "time" is the wall clock (when a person
// saw it happen) and "sim_time" the simulator's clock, which --time-scale
// and virtual clocks move faster:
//
//	{"time":"2026-12-03T14:05:00.123Z","sim_time":"2026-12-03T15:45:10Z","method":"GET",...}
type LogEntry struct {
	// Time is when the simulator handled the request on its own clock
	// (simulated time): what job life cycles and tests measure. It is
	// written as "sim_time".
	Time time.Time
	// Wall is when it happened on the wall clock, written as "time".
	Wall       time.Time
	Method     string
	Path       string
	Query      string
	Status     int
	Fault      string
	TenantACID string
}

// logLine is the JSON form of a LogEntry; its keys are those of the
// request log's first version plus sim_time.
type logLine struct {
	Time       time.Time `json:"time"`
	SimTime    time.Time `json:"sim_time"`
	Method     string    `json:"method"`
	Path       string    `json:"path"`
	Query      string    `json:"query"`
	Status     int       `json:"status"`
	Fault      string    `json:"fault"`
	TenantACID string    `json:"tenantAcid,omitempty"`
}

// MarshalJSON writes e as a request log line: "time" is the wall clock,
// "sim_time" the simulated one.
func (e LogEntry) MarshalJSON() ([]byte, error) {
	return json.Marshal(logLine{Time: e.Wall, SimTime: e.Time, Method: e.Method, Path: e.Path,
		Query: e.Query, Status: e.Status, Fault: e.Fault, TenantACID: e.TenantACID})
}

// UnmarshalJSON reads a request log line.
func (e *LogEntry) UnmarshalJSON(b []byte) error {
	var l logLine
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	*e = LogEntry{Time: l.SimTime, Wall: l.Time, Method: l.Method, Path: l.Path, Query: l.Query,
		Status: l.Status, Fault: l.Fault, TenantACID: l.TenantACID}
	return nil
}

// record appends e to the in-memory log and writes it to the request log.
func (s *Sim) record(e LogEntry) {
	e.Wall = time.Now().UTC()
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
