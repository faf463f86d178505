package sim

import (
	"net/http"
	"testing"
)

func TestStartAndClose(t *testing.T) {
	s := New(Options{})
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(base + "/compute-ops-mgmt/v1/servers")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d without a token", resp.StatusCode)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + "/compute-ops-mgmt/v1/servers"); err == nil {
		t.Error("still serving after Close")
	}
}

func TestDemoFleetIsDeterministicAndScales(t *testing.T) {
	a, b := New(Options{Seed: 3}), New(Options{Seed: 3})
	if len(a.Servers()) != 40 || len(a.Users()) != 10 || len(a.Credentials()) != 3 || len(a.Groups()) != 3 {
		t.Fatalf("fleet: %d servers %d users %d credentials %d groups", len(a.Servers()), len(a.Users()), len(a.Credentials()), len(a.Groups()))
	}
	ga, _ := a.GroupByName("lab")
	gb, _ := b.GroupByName("lab")
	if ga.ID() != gb.ID() || a.NewestBundleID() != b.NewestBundleID() {
		t.Error("same seed, different fleet")
	}
	ids := a.AddServers(100)
	if len(ids) != 100 || len(a.Servers()) != 140 || len(a.GroupServerIDs("lab")) != 112 {
		t.Errorf("after AddServers: %d added, %d servers, %d in lab", len(ids), len(a.Servers()), len(a.GroupServerIDs("lab")))
	}
	if err := a.SetPower(ids[0], "OFF"); err != nil {
		t.Fatal(err)
	}
	if o, _ := a.Server(ids[0]); o["hardware"].(map[string]any)["powerState"] != "OFF" {
		t.Error("SetPower did not turn the server off")
	}
	if err := a.SetPower(ids[0], "BLINK"); err == nil {
		t.Error("SetPower accepted BLINK")
	}
}
