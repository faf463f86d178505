package glapi

import "testing"

// TestEffectOf: the effect table says what each job that changes servers
// does, from its template id and jobParams; templates that change no
// server have none.
func TestEffectOf(t *testing.T) {
	cases := []struct {
		alias      string
		params     map[string]any
		power      string
		bundle     string
		eachServer bool
		changes    bool
	}{
		{"power_off", nil, PowerOff, "", false, true},
		{"power_on", nil, PowerOn, "", false, true},
		{"restart", nil, PowerOn, "", false, true},
		{"cold_boot", nil, PowerOn, "", false, true},
		{"firmware_update", map[string]any{"bundle_id": "b1"}, "", "b1", false, true},
		{"firmware_update", map[string]any{"bundle_id": "b1", "power_off": true}, PowerOff, "b1", false, true},
		{"group_firmware_update", map[string]any{"bundle_id": "b2", "powerOff": true}, PowerOff, "b2", true, true},
		{"group_firmware_update", map[string]any{"power_off": true}, "", "", true, true},
		{"ilo_firmware_update", nil, "", "", false, true},
		{"group_firmware_compliance", map[string]any{"bundle_id": "b3"}, "", "", false, true},
		{"collect_server_inventory", nil, "", "", false, false},
		{"carbon_footprint_report", nil, "", "", false, false},
	}
	for _, tc := range cases {
		tmpl, err := LookupTemplate(tc.alias)
		if err != nil {
			t.Fatal(err)
		}
		e := EffectOf(tmpl.ID)
		if got := e.PowerAfter(tc.params); got != tc.power {
			t.Errorf("%s %v: power after = %q, want %q", tc.alias, tc.params, got, tc.power)
		}
		if got := e.Bundle(tc.params); got != tc.bundle {
			t.Errorf("%s %v: bundle = %q, want %q", tc.alias, tc.params, got, tc.bundle)
		}
		if e.EachServer != tc.eachServer || e.Changes() != tc.changes {
			t.Errorf("%s: effect %+v, want eachServer %v, changes %v", tc.alias, e, tc.eachServer, tc.changes)
		}
	}
	if e := EffectOf("not-a-template"); e.Changes() {
		t.Errorf("unknown template: effect %+v, want none", e)
	}
	if got := Devices(map[string]any{"devices": []any{"s1", 2, "s2"}}); len(got) != 2 || got[0] != "s1" || got[1] != "s2" {
		t.Errorf("Devices = %v, want [s1 s2]", got)
	}
	if Downgrade(map[string]any{"downgrade": "yes"}) || !Downgrade(map[string]any{"downgrade": true}) {
		t.Error("Downgrade must be true only for a boolean true")
	}
}
