package sim

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"glrun/glapi"
)

// createJob posts a job and returns its id.
func (h *harness) createJob(alias, rid string, params map[string]any) string {
	h.t.Helper()
	tmpl, err := glapi.LookupTemplate(alias)
	if err != nil {
		h.t.Fatal(err)
	}
	body := map[string]any{"jobTemplate": tmpl.ID, "resourceId": rid, "resourceType": tmpl.ResourceType}
	if params != nil {
		body["jobParams"] = params
	}
	r := h.do("POST", "/compute-ops-mgmt/v1/jobs", body)
	if r.status != 201 {
		h.t.Fatalf("create %s: status %d (%v)", alias, r.status, r.body)
	}
	id := r.body["id"].(string)
	if loc := r.header.Get("Location"); loc != "/compute-ops-mgmt/v1/jobs/"+id {
		h.t.Errorf("Location %q", loc)
	}
	return id
}

func (h *harness) job(id string) map[string]any {
	h.t.Helper()
	return h.get("/compute-ops-mgmt/v1/jobs/"+id, 200).body
}

func (h *harness) power(name string) string {
	h.t.Helper()
	o, _ := h.sim.ServerByName(name)
	return o["hardware"].(map[string]any)["powerState"].(string)
}

func TestJobLifeCycle(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.createJob("power_off", h.serverID("prod-web-05"), nil)
	steps := []struct {
		after       time.Duration
		state, code any
		power       string
	}{
		{0, "PENDING", nil, "ON"},
		{3 * time.Second, "RUNNING", nil, "POWERING_OFF"},
		{10 * time.Second, "RUNNING", nil, "POWERING_OFF"},
		{5 * time.Second, "COMPLETE", "SUCCESS", "OFF"},
	}
	gen := 0.0
	for i, s := range steps {
		h.clk.Advance(s.after)
		j := h.job(id)
		if j["state"] != s.state || j["resultCode"] != s.code {
			t.Fatalf("step %d: state %v resultCode %v, want %v %v", i, j["state"], j["resultCode"], s.state, s.code)
		}
		if p := h.power("prod-web-05"); p != s.power {
			t.Errorf("step %d: power %s, want %s", i, p, s.power)
		}
		if g := j["generation"].(float64); g < gen {
			t.Errorf("generation went back: %v < %v", g, gen)
		} else {
			gen = g
		}
	}
	if gen < 3 {
		t.Errorf("generation %v after two transitions", gen)
	}
	if j := h.job(id); j["updatedAt"] != ts(start.Add(18*time.Second)) {
		t.Errorf("updatedAt %v, want the completion time", j["updatedAt"])
	}
}

func TestJobEffects(t *testing.T) {
	newest := ""
	cases := []struct {
		name   string
		alias  string
		target string // server or group name
		params func(h *harness) map[string]any
		wait   time.Duration
		state  string
		check  func(t *testing.T, h *harness)
	}{
		{"power on an off server", "power_on", "lab-03", nil, time.Minute, "COMPLETE", func(t *testing.T, h *harness) {
			if p := h.power("lab-03"); p != "ON" {
				t.Errorf("lab-03 is %s", p)
			}
		}},
		{"restart", "restart", "prod-web-02", nil, 2 * time.Minute, "COMPLETE", func(t *testing.T, h *harness) {
			if p := h.power("prod-web-02"); p != "ON" {
				t.Errorf("prod-web-02 is %s", p)
			}
		}},
		{"restart an off server fails", "restart", "lab-07", nil, 2 * time.Minute, "ERROR", func(t *testing.T, h *harness) {
			if p := h.power("lab-07"); p != "OFF" {
				t.Errorf("lab-07 is %s", p)
			}
		}},
		{"cold boot an off server", "cold_boot", "lab-11", nil, 3 * time.Minute, "COMPLETE", func(t *testing.T, h *harness) {
			if p := h.power("lab-11"); p != "ON" {
				t.Errorf("lab-11 is %s", p)
			}
		}},
		{"server firmware", "firmware_update", "prod-web-03", func(h *harness) map[string]any {
			newest = h.sim.NewestBundleID()
			return map[string]any{"bundle_id": newest}
		}, 20 * time.Minute, "COMPLETE", func(t *testing.T, h *harness) {
			o, _ := h.sim.ServerByName("prod-web-03")
			if o["firmwareBundleUri"] != "/compute-ops-mgmt/v1/firmware-bundles/"+newest {
				t.Errorf("firmwareBundleUri %v", o["firmwareBundleUri"])
			}
			if o["lastFirmwareUpdate"].(map[string]any)["status"] != "OK" {
				t.Errorf("lastFirmwareUpdate %v", o["lastFirmwareUpdate"])
			}
		}},
		{"server firmware downgrade refused", "firmware_update", "prod-web-01", func(h *harness) map[string]any {
			return map[string]any{"bundle_id": h.sim.FirmwareBundles()[0].ID()}
		}, 20 * time.Minute, "ERROR", nil},
		{"ilo firmware", "ilo_firmware_update", "prod-db-02", nil, 6 * time.Minute, "COMPLETE", func(t *testing.T, h *harness) {
			o, _ := h.sim.ServerByName("prod-db-02")
			if v := o["hardware"].(map[string]any)["bmc"].(map[string]any)["version"]; v != "1.59" {
				t.Errorf("iLO version %v, want 1.59", v)
			}
		}},
		{"group firmware", "group_firmware_update", "lab", nil, 2 * time.Hour, "COMPLETE", func(t *testing.T, h *harness) {
			base, _ := h.sim.GroupBaseline("lab")
			for _, id := range h.sim.GroupServerIDs("lab") {
				o, _ := h.sim.Server(id)
				if o["firmwareBundleUri"] != "/compute-ops-mgmt/v1/firmware-bundles/"+base {
					t.Errorf("%s: firmwareBundleUri %v", o["name"], o["firmwareBundleUri"])
				}
			}
		}},
		{"group compliance", "group_firmware_compliance", "lab", nil, 2 * time.Minute, "COMPLETE", func(t *testing.T, h *harness) {
			g, _ := h.sim.GroupByName("lab")
			if g["complianceStatus"] != "NOT_COMPLIANT" {
				t.Errorf("complianceStatus %v", g["complianceStatus"])
			}
			recs := h.get("/compute-ops-mgmt/v1/groups/"+g.ID()+"/compliance", 200).items()
			bad := 0
			for _, r := range recs {
				if r.(map[string]any)["complianceState"] == "NOT_COMPLIANT" {
					bad++
				}
			}
			if len(recs) != 12 || bad != 5 {
				t.Errorf("%d records, %d not compliant; want 12 and 5", len(recs), bad)
			}
			ops := h.get("/compute-ops-mgmt/v1/async-operations?filter="+q("contains(sourceResourceUri, '"+g.ID()+"/compliance')"), 200).items()
			if len(ops) != 1 || ops[0].(map[string]any)["state"] != "SUCCEEDED" {
				t.Errorf("compliance async operation: %v", ops)
			}
		}},
		{"other templates complete without effect", "collect_server_inventory", "prod-db-01", nil, time.Minute, "COMPLETE", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			var rid string
			if _, ok := h.sim.GroupByName(c.target); ok {
				rid = h.groupID(c.target)
			} else {
				rid = h.serverID(c.target)
			}
			var params map[string]any
			if c.params != nil {
				params = c.params(h)
			}
			id := h.createJob(c.alias, rid, params)
			h.clk.Advance(c.wait)
			j := h.job(id)
			if j["state"] != c.state {
				t.Fatalf("state %v (%v, %v), want %s", j["state"], j["status"], j["statusDetails"], c.state)
			}
			if c.state == "ERROR" && (j["resultCode"] != "FAILURE" || j["statusDetails"] == nil) {
				t.Errorf("failed job: resultCode %v statusDetails %v", j["resultCode"], j["statusDetails"])
			}
			if c.check != nil {
				c.check(t, h)
			}
		})
	}
}

func TestFailNextJob(t *testing.T) {
	h := newHarness(t, Options{})
	if err := h.sim.FailNextJob("restart"); err != nil {
		t.Fatal(err)
	}
	if err := h.sim.FailNextJob("no_such_template"); err == nil {
		t.Error("FailNextJob accepted an unknown template")
	}
	failing := h.createJob("restart", h.serverID("prod-web-06"), nil)
	fine := h.createJob("restart", h.serverID("prod-web-07"), nil)
	h.clk.Advance(5 * time.Minute)
	j := h.job(failing)
	if j["state"] != "ERROR" || j["resultCode"] != "FAILURE" || j["status"] == "" {
		t.Errorf("failing job: %v %v %v", j["state"], j["resultCode"], j["status"])
	}
	if d, _ := j["statusDetails"].(map[string]any); d["message"] == nil {
		t.Errorf("statusDetails %v", j["statusDetails"])
	}
	if p := h.power("prod-web-06"); p != "ON" {
		t.Errorf("a failed restart left the server %s", p)
	}
	if j := h.job(fine); j["state"] != "COMPLETE" {
		t.Errorf("the next job: %v", j["state"])
	}
}

func TestPatchJob(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.createJob("group_firmware_update", h.groupID("prod-db"), map[string]any{"parallel": false})
	checkError(t, "bad state", h.do("PATCH", "/compute-ops-mgmt/v1/jobs/"+id, map[string]any{"state": "RUNNING"}), 400)
	r := h.do("PATCH", "/compute-ops-mgmt/v1/jobs/"+id, map[string]any{"state": "ERROR"})
	if r.status != 200 || r.body["state"] != "ERROR" {
		t.Fatalf("PATCH: %d %v", r.status, r.body)
	}
	h.clk.Advance(3 * time.Hour)
	if j := h.job(id); j["state"] != "ERROR" {
		t.Errorf("job moved on after PATCH: %v", j["state"])
	}
	checkError(t, "already ended", h.do("PATCH", "/compute-ops-mgmt/v1/jobs/"+id, map[string]any{"state": "COMPLETE"}), 400)
}

func TestJobsPollAsWaitAllDoes(t *testing.T) {
	h := newHarness(t, Options{})
	a := h.createJob("power_on", h.serverID("lab-03"), nil)
	b := h.createJob("power_on", h.serverID("lab-07"), nil)
	h.clk.Advance(time.Minute)
	r := h.get("/compute-ops-mgmt/v1/jobs?filter="+q("id in ('"+a+"', '"+b+"') and state eq 'COMPLETE'"), 200)
	if len(r.items()) != 2 {
		t.Errorf("filtered poll: %v", ids(r.items()))
	}
}

// A filtered listing pages through the jobs that match when it is read:
// the pages of one listing agree, and a job that changes or is created
// between two listings is seen by the second.
func TestJobsFilteredPagesFollowChanges(t *testing.T) {
	h := newHarness(t, Options{})
	if _, err := h.sim.AddJobs(250); err != nil {
		t.Fatal(err)
	}
	done := q("state eq 'COMPLETE' and jobTemplate eq '" + templateByAlias("restart").ID + "'")
	base, _ := h.get("/compute-ops-mgmt/v1/jobs?limit=1&filter="+done, 200).body["total"].(float64)
	if base < 250 {
		t.Fatalf("%v COMPLETE restarts, want at least the 250 added", base)
	}
	var seen []string
	for off := 0; ; off += 100 {
		r := h.get("/compute-ops-mgmt/v1/jobs?limit=100&offset="+strconv.Itoa(off)+"&filter="+done, 200)
		if r.body["total"] != base {
			t.Fatalf("page at %d says total %v, the first %v", off, r.body["total"], base)
		}
		if len(r.items()) == 0 {
			break
		}
		seen = append(seen, ids(r.items())...)
	}
	if distinct := len(slices.Compact(slices.Sorted(slices.Values(seen)))); len(seen) != int(base) || distinct != int(base) {
		t.Fatalf("pages gave %d jobs (%d distinct), want %v", len(seen), distinct, base)
	}
	running := q("state eq 'RUNNING'")
	if got := h.get("/compute-ops-mgmt/v1/jobs?filter="+running, 200).items(); len(got) != 0 {
		t.Fatalf("running before any job was created: %v", ids(got))
	}
	id := h.createJob("restart", h.serverID("prod-web-05"), nil)
	h.clk.Advance(10 * time.Second)
	if got := ids(h.get("/compute-ops-mgmt/v1/jobs?filter="+running, 200).items()); !slices.Equal(got, []string{id}) {
		t.Fatalf("running after a restart started: %v, want [%s]", got, id)
	}
	h.clk.Advance(time.Hour)
	if got := h.get("/compute-ops-mgmt/v1/jobs?filter="+running, 200).items(); len(got) != 0 {
		t.Fatalf("running after the restart ended: %v", ids(got))
	}
	if r := h.get("/compute-ops-mgmt/v1/jobs?limit=1&filter="+done, 200); r.body["total"] != base+1 {
		t.Errorf("COMPLETE restarts after one more: total %v, want %v", r.body["total"], base+1)
	}
}

// runDurations restarts n new servers at once on a simulator made with
// opts and returns how long each job took (updatedAt - createdAt).
func runDurations(t *testing.T, opts Options, n int) []time.Duration {
	t.Helper()
	h := newHarness(t, opts)
	jobIDs := make([]string, 0, n)
	for _, sid := range h.sim.AddServers(n) {
		jobIDs = append(jobIDs, h.createJob("restart", sid, nil))
	}
	h.clk.Advance(time.Hour)
	out := make([]time.Duration, 0, n)
	for _, id := range jobIDs {
		j := h.job(id)
		created, err1 := time.Parse(time.RFC3339Nano, j["createdAt"].(string))
		updated, err2 := time.Parse(time.RFC3339Nano, j["updatedAt"].(string))
		if err1 != nil || err2 != nil || j["state"] != "COMPLETE" {
			t.Fatalf("job %s: %v", id, j)
		}
		out = append(out, updated.Sub(created))
	}
	return out
}

func TestJobDurationSpread(t *testing.T) {
	tests := []struct {
		name     string
		spread   float64
		min, max time.Duration // of a restart: 3s pending, then 90s +- spread
		distinct bool
	}{
		{"none: every restart takes 93s", 0, 93 * time.Second, 93 * time.Second, false},
		{"20%: 72s to 108s running", 0.2, 75 * time.Second, 111 * time.Second, true},
		{"bounded to 90%", 5, 12 * time.Second, 174 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runDurations(t, Options{Seed: 3, JobDurationSpread: tt.spread}, 30)
			for _, d := range got {
				if d < tt.min || d > tt.max {
					t.Errorf("a restart took %s, want %s to %s", d, tt.min, tt.max)
				}
			}
			if distinct := len(slices.Compact(slices.Sorted(slices.Values(got)))) > 1; distinct != tt.distinct {
				t.Errorf("durations %v: distinct = %v, want %v", got, distinct, tt.distinct)
			}
			if again := runDurations(t, Options{Seed: 3, JobDurationSpread: tt.spread}, 30); !slices.Equal(got, again) {
				t.Errorf("the same seed gave other durations:\n%v\n%v", got, again)
			}
		})
	}
}
