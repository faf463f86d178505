package sim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseFaults(t *testing.T) {
	good := []struct {
		spec string
		want string
	}{
		{"", ""},
		{"429=0.2,503=0.05,reset-after=0.02,latency=20ms,token-ttl=5m,seed=7", "429=0.2,503=0.05,reset-after=0.02,latency=20ms,token-ttl=5m0s,seed=7"},
		{" malformed=1 ", "malformed=1"},
	}
	for _, c := range good {
		f, err := ParseFaults(c.spec)
		if err != nil {
			t.Errorf("%q: %v", c.spec, err)
			continue
		}
		if f.String() != c.want {
			t.Errorf("%q: %q, want %q", c.spec, f.String(), c.want)
		}
	}
	bad := []struct{ spec, mention string }{
		{"418=0.1", `"418"`},
		{"429=2", "429"},
		{"429=lots", "lots"},
		{"latency=soon", "soon"},
		{"seed=x", "seed"},
		{"429", "KIND=VALUE"},
		{"429=0.6,503=0.6", "more than 1"},
	}
	for _, c := range bad {
		_, err := ParseFaults(c.spec)
		if err == nil || !strings.Contains(err.Error(), c.mention) {
			t.Errorf("%q: error %v, want one mentioning %s", c.spec, err, c.mention)
		}
	}
}

func TestInjectedStatusFaults(t *testing.T) {
	f, _ := ParseFaults("503=1")
	h := newHarness(t, Options{Faults: f})
	checkError(t, "injected 503", h.do("GET", "/compute-ops-mgmt/v1/servers", nil), 503)
	e := h.sim.Requests()
	if last := e[len(e)-1]; last.Fault != "503" || last.Status != 503 {
		t.Errorf("log entry %+v", last)
	}
	if e[0].Fault != "" {
		t.Errorf("token request got a fault: %+v", e[0])
	}
}

func TestInjected429sRotateWaitHints(t *testing.T) {
	f, _ := ParseFaults("429=1")
	h := newHarness(t, Options{Faults: f})
	hints := map[string]bool{}
	for i := 0; i < 4; i++ {
		r := h.do("GET", "/compute-ops-mgmt/v1/jobs", nil)
		checkError(t, "injected 429", r, 429)
		switch {
		case r.header.Get("Retry-After") != "":
			hints["Retry-After"] = true
		case r.header.Get("ratelimit-reset") != "":
			hints["ratelimit-reset"] = true
		case r.header.Get("X-RateLimit-Reset") != "":
			hints["X-RateLimit-Reset"] = true
		case r.body["errorDetails"] != nil:
			hints["retryAfterSeconds"] = true
		}
	}
	if len(hints) != 4 {
		t.Errorf("wait hints seen: %v", hints)
	}
}

func TestInjectedResetAfterStillActs(t *testing.T) {
	f, _ := ParseFaults("reset-after=1")
	h := newHarness(t, Options{Faults: f})
	body := strings.NewReader(`{"email":"reset@example.com"}`)
	req, _ := http.NewRequest("POST", h.srv.URL+"/identity/v1/users", body)
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the connection was not cut")
	}
	found := false
	for _, u := range h.sim.Users() {
		found = found || u.String("username") == "reset@example.com"
	}
	if !found {
		t.Error("the invitation was not carried out before the reset")
	}
	last := h.sim.Requests()[len(h.sim.Requests())-1]
	if last.Fault != "reset-after" || last.Status != 201 {
		t.Errorf("log entry %+v", last)
	}
}

func TestLatencyGoesThroughTheClock(t *testing.T) {
	f, _ := ParseFaults("latency=250ms")
	h := newHarness(t, Options{Faults: f})
	h.get("/compute-ops-mgmt/v1/groups", 200)
	h.get("/compute-ops-mgmt/v1/groups", 200)
	if got := h.clk.Now().Sub(start); got != 500*time.Millisecond {
		t.Errorf("virtual time moved %v, want 500ms", got)
	}
}
