package sim

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestRequestLogStampsWallAndSimTime: a request log line says when the
// request came on the wall clock ("time", what a person reading the log
// expects) and on the simulator's clock ("sim_time"), keeping the keys of
// the first version of the log.
func TestRequestLogStampsWallAndSimTime(t *testing.T) {
	h := newHarness(t, Options{}) // its clock stands at start, in 2025
	h.clk.Advance(90 * time.Minute)
	before := time.Now()
	h.get("/compute-ops-mgmt/v1/groups", 200)
	after := time.Now()
	lines := strings.Split(strings.TrimSpace(h.log.String()), "\n")
	var line map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &line); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"time", "sim_time", "method", "path", "query", "status", "fault"} {
		if _, ok := line[k]; !ok {
			t.Errorf("log line lacks %q: %v", k, line)
		}
	}
	wall, err := time.Parse(time.RFC3339Nano, line["time"].(string))
	if err != nil || wall.Before(before.Add(-time.Second)) || wall.After(after.Add(time.Second)) {
		t.Errorf("time = %v, want the wall clock (between %v and %v)", line["time"], before, after)
	}
	if sim, err := time.Parse(time.RFC3339Nano, line["sim_time"].(string)); err != nil || !sim.Equal(start.Add(90*time.Minute)) {
		t.Errorf("sim_time = %v, want the simulated %v", line["sim_time"], start.Add(90*time.Minute))
	}
	var e LogEntry
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &e); err != nil || !e.Time.Equal(start.Add(90*time.Minute)) || e.Wall.IsZero() {
		t.Errorf("reading the line back: %+v, %v", e, err)
	}
}
