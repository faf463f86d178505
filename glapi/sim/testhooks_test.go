package sim

import (
	"testing"
	"time"
)

func TestFailJobTargetsServerTemplateAndNth(t *testing.T) {
	tests := []struct {
		name    string
		failure JobFailure
		// jobs are created in this order: template alias and server name
		jobs      [][2]string
		wantError []bool
	}{
		{"by server", JobFailure{Resource: "prod-web-02"},
			[][2]string{{"restart", "prod-web-01"}, {"restart", "prod-web-02"}, {"restart", "prod-web-02"}},
			[]bool{false, true, false}},
		{"by template", JobFailure{Template: "power_off"},
			[][2]string{{"restart", "prod-web-01"}, {"power_off", "prod-web-02"}},
			[]bool{false, true}},
		{"the nth job", JobFailure{Nth: 3},
			[][2]string{{"restart", "prod-web-01"}, {"restart", "prod-web-02"}, {"power_off", "prod-web-03"}, {"restart", "prod-web-04"}},
			[]bool{false, false, true, false}},
		{"the nth of a template on a server", JobFailure{Resource: "prod-web-01", Template: "restart", Nth: 2},
			[][2]string{{"restart", "prod-web-01"}, {"power_off", "prod-web-01"}, {"restart", "prod-web-02"}, {"restart", "prod-web-01"}},
			[]bool{false, false, false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			f := tt.failure
			if f.Resource != "" {
				f.Resource = h.serverID(f.Resource)
			}
			if err := h.sim.FailJob(f); err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, j := range tt.jobs {
				ids = append(ids, h.createJob(j[0], h.serverID(j[1]), nil))
			}
			h.clk.Advance(10 * time.Minute)
			for i, id := range ids {
				if got := h.job(id)["state"] == "ERROR"; got != tt.wantError[i] {
					t.Errorf("job %d (%s on %s): ERROR = %v, want %v", i+1, tt.jobs[i][0], tt.jobs[i][1], got, tt.wantError[i])
				}
			}
		})
	}
	h := newHarness(t, Options{})
	if err := h.sim.FailJob(JobFailure{Template: "restrat"}); err == nil {
		t.Error("FailJob accepted an unknown template")
	}
}

func TestSeedUserAndCredential(t *testing.T) {
	h := newHarness(t, Options{})
	u := h.sim.SeedUser(UserSeed{Email: "ops@example.com", FirstName: "Ada", Status: "UNVERIFIED"})
	if u["username"] != "ops@example.com" || u["firstName"] != "Ada" || u["userStatus"] != "UNVERIFIED" {
		t.Errorf("user %v", u)
	}
	c := h.sim.AddCredential("svc-backup")
	if c["credentialName"] != "svc-backup" || c["clientSecret"] != nil {
		t.Errorf("credential %v", c)
	}
	r := h.get("/workspaces/v1/credentials", 200)
	found := false
	for _, it := range r.items() {
		if m, _ := it.(map[string]any); m["credentialName"] == "svc-backup" {
			found = true
		}
	}
	if !found {
		t.Error("the API does not list the seeded credential")
	}
}
