package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"glrun/exitcode"
)

// TestPlanOutputSpellings: -o is the output format (text or json) and
// --out the file the plan is saved to; the old '-o FILE' still saves the
// plan, with a warning. Each row runs in its own directory, so a file
// named "json" would be seen.
func TestPlanOutputSpellings(t *testing.T) {
	tests := []struct {
		name     string
		flags    func(dir string) []string
		wantFile string // the file the plan must be saved to, relative to dir; "" for none
		jsonOut  bool   // stdout is the plan as JSON (else the rendered plan)
		warning  string // on stderr; "" for none
	}{
		{"--out FILE", func(dir string) []string { return []string{"--out", filepath.Join(dir, "p.json")} }, "p.json", false, ""},
		{"-o json", func(string) []string { return []string{"-o", "json"} }, "", true, ""},
		{"-o json --out FILE", func(dir string) []string { return []string{"-o", "json", "--out", filepath.Join(dir, "p.json")} }, "p.json", true, ""},
		{"--out -", func(string) []string { return []string{"--out", "-"} }, "", true, ""},
		{"-o FILE (deprecated)", func(dir string) []string { return []string{"-o", filepath.Join(dir, "p.json")} }, "p.json", false, "-o FILE is deprecated; use --out FILE"},
		{"-o - (deprecated)", func(string) []string { return []string{"-o", "-"} }, "", true, "-o - is deprecated; use -o json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := append([]string{"plan", "--sim", "../runbooks/onboard_user.star", "email=ana@example.com"}, tc.flags(dir)...)
			r := glrunSim(t, newTestSim(t), args...)
			if r.code != exitcode.OK {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			var files []string
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				files = append(files, e.Name())
			}
			if tc.wantFile == "" && len(files) != 0 {
				t.Errorf("files %v written, want none", files)
			}
			if tc.wantFile != "" && (len(files) != 1 || files[0] != tc.wantFile) {
				t.Errorf("files %v written, want only %s", files, tc.wantFile)
			}
			var v map[string]any
			isJSON := json.Unmarshal([]byte(r.stdout), &v) == nil && v["mutations"] != nil
			if isJSON != tc.jsonOut {
				t.Errorf("stdout is the plan as JSON: %v, want %v\n%s", isJSON, tc.jsonOut, r.stdout)
			}
			if !tc.jsonOut && !strings.Contains(r.stdout, "invite") {
				t.Errorf("stdout is not the rendered plan:\n%s", r.stdout)
			}
			if tc.warning != "" && !strings.Contains(r.stderr, tc.warning) {
				t.Errorf("stderr lacks %q:\n%s", tc.warning, r.stderr)
			}
			if tc.warning == "" && strings.Contains(r.stderr, "deprecated") {
				t.Errorf("unexpected deprecation warning:\n%s", r.stderr)
			}
		})
	}
}

// TestPlanRefusesTwoFiles: '-o FILE --out FILE' is ambiguous: a usage
// error before anything is sent.
func TestPlanRefusesTwoFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := newTestSim(t)
	r := glrunSim(t, s, "plan", "--sim", "../runbooks/onboard_user.star", "email=ana@example.com",
		"-o", filepath.Join(dir, "a.json"), "--out", filepath.Join(dir, "b.json"))
	if r.code != exitcode.Usage {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitcode.Usage, r.stderr)
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestShowJSONSpellings: 'show -o json' prints the plan as JSON; the old
// 'show --json' does too, with a warning.
func TestShowJSONSpellings(t *testing.T) {
	t.Parallel()
	const planFile = "../testdata/plans/failed_jobs.plan.json"
	want, err := os.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args    []string
		warning string
	}{
		{[]string{"show", "-o", "json", planFile}, ""},
		{[]string{"show", "--json", planFile}, "--json is deprecated; use -o json"},
	} {
		r := glrunTool(t, "", tc.args...)
		if r.code != exitcode.OK {
			t.Fatalf("%v: exit %d\n%s", tc.args, r.code, r.stderr)
		}
		if r.stdout != string(want) {
			t.Errorf("%v: stdout is not the plan file:\n%s", tc.args, r.stdout)
		}
		if tc.warning != "" && !strings.Contains(r.stderr, tc.warning) {
			t.Errorf("%v: stderr lacks %q:\n%s", tc.args, tc.warning, r.stderr)
		}
		if tc.warning == "" && r.stderr != "" {
			t.Errorf("%v: unexpected stderr:\n%s", tc.args, r.stderr)
		}
	}
}
