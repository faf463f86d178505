package glapi

import (
	"strings"
	"testing"
)

func TestLookupTemplateSuggestsTheAliasOfATypo(t *testing.T) {
	tests := []struct {
		in, suggestion string
	}{
		{"restrat", "did you mean restart?"},
		{"Power_Of", "did you mean power_off?"},
		{"firmware_updte", "did you mean firmware_update?"},
		{"reboot-everything-now", ""},
	}
	for _, tt := range tests {
		_, err := LookupTemplate(tt.in)
		if err == nil {
			t.Fatalf("LookupTemplate(%q) found a template", tt.in)
		}
		msg := err.Error()
		if tt.suggestion != "" && !strings.Contains(msg, tt.suggestion) {
			t.Errorf("LookupTemplate(%q): %q lacks %q", tt.in, msg, tt.suggestion)
		}
		if tt.suggestion == "" && strings.Contains(msg, "did you mean") {
			t.Errorf("LookupTemplate(%q): %q suggests something for a word near nothing", tt.in, msg)
		}
		for _, alias := range []string{"power_on", "restart", "group_firmware_update"} {
			if !strings.Contains(msg, alias) {
				t.Errorf("LookupTemplate(%q): %q does not list the alias %s", tt.in, msg, alias)
			}
		}
	}
}

func TestTemplateParamsAreTheOnesTheEffectTableReads(t *testing.T) {
	for _, tmpl := range JobTemplates {
		names := map[string]bool{}
		for _, p := range tmpl.Params() {
			names[p.Name] = true
			if p.Type == "" || p.Desc == "" {
				t.Errorf("%s: parameter %s lacks a type or a description", tmpl.Alias, p.Name)
			}
		}
		if e := tmpl.Effect; e.Firmware && !names[ParamBundleID] {
			t.Errorf("%s installs firmware but does not document %s", tmpl.Alias, ParamBundleID)
		}
		if p := tmpl.Effect.PowerOffParam; p != "" && !names[p] {
			t.Errorf("%s reads %s but does not document it", tmpl.Alias, p)
		}
		if tmpl.Effect.EachServer && !names[ParamDevices] {
			t.Errorf("%s runs on each server of a group but does not document %s", tmpl.Alias, ParamDevices)
		}
	}
}
