package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"glrun/exitcode"
	"glrun/glapi/sim"
)

// TestNoSecretLeaks runs a runbook that creates and resets an API
// credential and logs, prints and returns what it gets back (secret
// included), in every way glrun can run it: verbose, -o json, dry run,
// plan (saved and shown), recorded to a cassette, and failing on purpose
// with the secret in its fail() message. None of stdout, stderr, the plan,
// the cassette or the report may contain glrun's own client secret, a
// credential's secret or a bearer token the simulator issued.
func TestNoSecretLeaks(t *testing.T) {
	t.Parallel()
	const rb = "testdata/reliability/credentials.star"
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.json")
	cassette := filepath.Join(dir, "run.yaml")
	cases := []struct {
		name  string
		args  []string
		files []string // files the run writes, checked too
		code  int
	}{
		{"verbose", []string{"run", "-v", "--sim", rb}, nil, exitcode.OK},
		{"json report", []string{"run", "-v", "-o", "json", "--sim", rb}, nil, exitcode.OK},
		{"dry run", []string{"run", "-v", "--dry-run", "--sim", rb}, nil, exitcode.OK},
		{"plan", []string{"plan", "-v", "--sim", rb, "--out", plan}, []string{plan}, exitcode.OK},
		{"show plan", []string{"show", plan}, nil, exitcode.OK},
		{"record", []string{"run", "-v", "--record", cassette, "--sim", rb}, []string{cassette}, exitcode.OK},
		{"failing on purpose", []string{"run", "-v", "-o", "json", "--sim", rb, "fail_at_end=true"}, nil, exitcode.Failed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestSim(t)
			r := glrunSim(t, s, tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", r.code, tc.code, r.stderr)
			}
			sends := tc.name != "dry run" && tc.name != "plan" && tc.name != "show plan"
			if sends && (len(s.IssuedTokens()) == 0 || len(r.mutations()) != 2) {
				t.Fatalf("want a token issued and the create and reset sent, got %d tokens, mutations %+v", len(s.IssuedTokens()), r.mutations())
			}
			secrets := leakCandidates(s)
			if len(secrets) < 2 {
				t.Fatalf("only %d secrets to look for; the test would prove nothing", len(secrets))
			}
			outputs := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
			for _, f := range tc.files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				outputs[filepath.Base(f)] = string(b)
			}
			for where, text := range outputs {
				for _, sec := range secrets {
					if strings.Contains(text, sec) {
						t.Errorf("%s contains the secret %.6s...:\n%s", where, sec, text)
					}
				}
			}
			if tc.name == "verbose" && !strings.Contains(r.stderr, "<redacted>") {
				t.Errorf("the logged secret should read <redacted>:\n%s", r.stderr)
			}
		})
	}
}

// leakCandidates is every secret the simulator knows: its demo client
// secret, every credential's secret and every bearer token it issued.
func leakCandidates(s *sim.Sim) []string {
	out := []string{sim.DemoClientSecret}
	for _, c := range s.Credentials() {
		if sec, ok := c["clientSecret"].(interface{ Reveal() string }); ok && sec.Reveal() != "" {
			out = append(out, sec.Reveal())
		}
	}
	return append(out, s.IssuedTokens()...)
}
