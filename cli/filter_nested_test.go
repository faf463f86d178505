package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"glrun/exitcode"
)

// TestFilterTypoInNestedPropertyIsRefused: a misspelt or miscased property
// below the top level ("hardware/powrState", "hardware/powerstate") is an
// error with the did-you-mean at the wrong level, in 'glrun filter check',
// in a runbook's list(filter=) (exit 2, nothing sent) and in 'glrun lint',
// never a filter that silently matches nothing.
func TestFilterTypoInNestedPropertyIsRefused(t *testing.T) {
	for _, tt := range []struct{ filter, hint string }{
		{"hardware/powrState eq 'ON'", `did you mean "hardware/powerState"?`},
		{"hardware/powerstate eq 'OFF'", `did you mean "hardware/powerState"?`},
		{"hardware/bcm/version eq '3.03'", `did you mean "hardware/bmc/version"?`},
	} {
		t.Run(tt.filter, func(t *testing.T) {
			r := glrunTool(t, "", "filter", "check", "--resource", "servers", tt.filter)
			if r.code != exitcode.Usage || !strings.Contains(r.stderr, tt.hint) {
				t.Errorf("filter check: exit %d, stderr %q; want exit %d with %q", r.code, r.stderr, exitcode.Usage, tt.hint)
			}

			rb := filepath.Join(t.TempDir(), "typo.star")
			src := "\"\"\"List servers.\"\"\"\n\ndef main():\n    \"\"\"List.\"\"\"\n    return len(compute.servers.list(filter = \"" + tt.filter + "\"))\n"
			if err := os.WriteFile(rb, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			s := newTestSim(t)
			run := glrunSim(t, s, "run", "--sim", rb)
			if run.code != exitcode.Usage || !strings.Contains(run.stderr, tt.hint) {
				t.Errorf("run: exit %d, stderr %q; want exit %d with %q", run.code, run.stderr, exitcode.Usage, tt.hint)
			}
			for _, req := range run.requests {
				if strings.HasSuffix(req.Path, "/servers") {
					t.Errorf("the filter was sent: %s %s?%s", req.Method, req.Path, req.Query)
				}
			}

			lint := glrunTool(t, "", "lint", rb)
			if lint.code == 0 || !strings.Contains(lint.stdout+lint.stderr, tt.hint) {
				t.Errorf("lint: exit %d, output %q; want a finding with %q", lint.code, lint.stdout+lint.stderr, tt.hint)
			}
		})
	}
	ok := glrunTool(t, "", "filter", "check", "--resource", "servers", "hardware/powerState eq 'ON' and hardware/bmc/version eq '3.03'")
	if ok.code != 0 {
		t.Errorf("a correct nested filter: exit %d, stderr %q", ok.code, ok.stderr)
	}
}
