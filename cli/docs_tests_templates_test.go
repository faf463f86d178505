package cli

import (
	"strings"
	"testing"

	"glrun/glapi"
	"glrun/runtest"
)

// TestDocsMarkdownCoversTestBuiltinsAndTemplates checks that the reference
// documents every test builtin, every template alias and every documented
// job parameter.
func TestDocsMarkdownCoversTestBuiltinsAndTemplates(t *testing.T) {
	md := docsMarkdown()
	for _, d := range runtest.Docs() {
		for _, want := range []string{"### " + d.Name + "\n", d.Signature(), strings.TrimSpace(d.Example)} {
			if !strings.Contains(md, want) {
				t.Errorf("the reference lacks %q", want)
			}
		}
	}
	for _, tmpl := range glapi.JobTemplates {
		if !strings.Contains(md, "| `"+tmpl.Alias+"` | "+tmpl.Name+" |") {
			t.Errorf("the reference lacks the template alias %s", tmpl.Alias)
		}
		for _, p := range tmpl.Params() {
			if !strings.Contains(md, "| `"+p.Name+"` | "+p.Type+" |") {
				t.Errorf("the reference lacks parameter %s of %s", p.Name, tmpl.Alias)
			}
		}
	}
	for _, p := range []string{"bundle_id", "downgrade", "power_off", "devices", "parallel", "powerOff"} {
		if !strings.Contains(md, "| `"+p+"` |") {
			t.Errorf("the reference lacks the job parameter %s", p)
		}
	}
}
