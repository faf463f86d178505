package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"glrun/exitcode"
)

// inviteRunbook is a runbook with required parameters declared by type.
const inviteRunbook = `"""Invites people by email."""

def main(emails = list, labels = dict, batch = 2):
    """Invites each of emails."""
    return {"emails": emails, "labels": labels, "batch": batch}
`

func writeInvite(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "invite.star")
	if err := os.WriteFile(path, []byte(inviteRunbook), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// describe shows a parameter declared with a type as required, of that
// type, in text and in JSON.
func TestDescribeShowsParameterTypes(t *testing.T) {
	t.Parallel()
	rb := writeInvite(t)
	r := glrunSim(t, nil, "describe", rb)
	for _, want := range []string{"  emails (required, list)\n", "  labels (required, dict)\n", "  batch = 2 (int)\n", "emails=... labels=..."} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("describe lacks %q:\n%s", want, r.stdout)
		}
	}
	j := glrunSim(t, nil, "describe", "-o", "json", rb)
	var d struct {
		Params []map[string]any `json:"params"`
	}
	if err := json.Unmarshal([]byte(j.stdout), &d); err != nil {
		t.Fatalf("describe -o json: %v\n%s", err, j.stdout)
	}
	want := []map[string]any{
		{"name": "emails", "type": "list", "required": true},
		{"name": "labels", "type": "dict", "required": true},
		{"name": "batch", "type": "int", "required": false, "default": float64(2)},
	}
	if diff := cmp.Diff(want, d.Params); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
}

// A list and a dict convert alike on the command line of run, plan and
// apply (which re-converts the plan's recorded strings); a missing one is
// a usage error.
func TestTypedParametersOnTheCommandLine(t *testing.T) {
	t.Parallel()
	rb := writeInvite(t)
	s := newTestSim(t)
	want := map[string]any{"emails": []any{"a@x.io", "b@x.io"}, "labels": map[string]any{"env": "prod"}, "batch": float64(2)}
	r := glrunSim(t, s, "run", "--sim", rb, "emails=a@x.io,b@x.io", "labels=env=prod")
	if r.code != 0 {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	if diff := cmp.Diff(want, r.decode(t)); diff != "" {
		t.Errorf("run (-want +got):\n%s", diff)
	}
	planFile, _ := makePlanFile(t, s, rb, "emails=a@x.io,b@x.io", "labels=env=prod")
	if p := readPlan(t, planFile); p.Params["emails"] != "a@x.io,b@x.io" {
		t.Errorf("plan params %v, want the strings as given", p.Params)
	}
	a := glrunSim(t, s, "apply", "--sim", planFile)
	if a.code != 0 {
		t.Fatalf("apply: exit %d\n%s", a.code, a.stderr)
	}
	if diff := cmp.Diff(want, a.decode(t)); diff != "" {
		t.Errorf("apply (-want +got):\n%s", diff)
	}
	m := glrunSim(t, s, "run", "--sim", rb, "labels=")
	if m.code != exitcode.Usage || !strings.Contains(m.stderr, "missing required parameter emails") {
		t.Errorf("missing list: exit %d, want 2 naming emails\n%s", m.code, m.stderr)
	}
}
