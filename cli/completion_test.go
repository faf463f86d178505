package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"glrun/exitcode"
)

// TestCompletionScripts compares each shell's script with its golden file.
func TestCompletionScripts(t *testing.T) {
	t.Parallel()
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		t.Run(shell, func(t *testing.T) {
			r := glrunTool(t, "", "completion", shell)
			if r.code != 0 || !strings.Contains(r.stdout, "glrun") {
				t.Fatalf("completion %s: exit %d, stderr %q", shell, r.code, r.stderr)
			}
			golden(t, filepath.Join("testdata", "completion", "glrun."+shell), []byte(r.stdout))
		})
	}
	if r := glrunTool(t, "", "completion", "tcsh"); r.code != exitcode.Usage || !strings.Contains(r.stderr, `invalid argument "tcsh"`) {
		t.Errorf("completion tcsh: exit %d, stderr %q; want 2", r.code, r.stderr)
	}
}

// TestCompletionCandidates asks glrun what the shell scripts ask it
// (__complete) and checks the candidates a user would see.
func TestCompletionCandidates(t *testing.T) {
	t.Parallel()
	rb := filepath.Join("..", "runbooks", "power_cycle.star")
	tests := []struct {
		name      string
		args      []string
		want      []string
		wantNot   []string
		directive string
	}{
		{"subcommands", []string{"__complete", "l"}, []string{"lint\t"}, []string{"run\t"}, ":4"},
		{"flags", []string{"__complete", "run", "--s"}, []string{"--sim\t", "--sim-time-scale\t"}, nil, ":4"},
		{"runbook files", []string{"__complete", "run", ""}, []string{"star"}, nil, ":8"},
		{"files for lint", []string{"__complete", "lint", ""}, []string{"star"}, nil, ":8"},
		{"parameters after the file", []string{"__complete", "run", rb, ""},
			[]string{"group=\tgroup (required, string)", "batch=\tbatch = 5 (int)", "timeout=", "poll="}, nil, ":6"},
		{"parameters not given yet", []string{"__complete", "run", "--sim", rb, "group=prod-web", "batch=2", ""},
			[]string{"timeout=", "poll="}, []string{"group=", "batch="}, ":6"},
		{"parameters by prefix", []string{"__complete", "run", rb, "ti"}, []string{"timeout="}, []string{"poll="}, ":6"},
		{"approve: subcommand", []string{"__complete", "appr"}, []string{"approve\t"}, []string{"apply\t"}, ":4"},
		{"approve: plan files", []string{"__complete", "approve", ""}, []string{"json"}, nil, ":8"},
		{"approve: flags", []string{"__complete", "approve", "--"}, []string{"--decline\t", "--remarks\t", "--wait\t"}, nil, ":4"},
		{"shells", []string{"__complete", "completion", ""}, []string{"bash", "zsh", "fish", "powershell"}, nil, ":4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := glrunTool(t, "", tt.args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			has := func(want string) bool {
				for _, l := range lines {
					if strings.HasPrefix(l, want) {
						return true
					}
				}
				return false
			}
			for _, w := range tt.want {
				if !has(w) {
					t.Errorf("want a candidate %q, got %q", w, lines)
				}
			}
			for _, w := range tt.wantNot {
				if has(w) {
					t.Errorf("want no candidate %q, got %q", w, lines)
				}
			}
			if last := lines[len(lines)-1]; last != tt.directive {
				t.Errorf("directive %s, want %s", last, tt.directive)
			}
		})
	}
}
