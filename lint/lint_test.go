package lint

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGolden lints every testdata/*.star file and compares the findings
// with testdata/NAME.golden (-update rewrites them).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.star")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			findings, err := File(path, src)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, f := range findings {
				b.WriteString(f.String() + "\n")
			}
			goldenPath := strings.TrimSuffix(path, ".star") + ".golden"
			if *update {
				if err := os.WriteFile(goldenPath, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (go test ./lint -update writes it)", err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("findings differ from %s (-want +got):\n%s", goldenPath, diff)
			}
		})
	}
}

// TestRules checks each of glrun's rules on a small runbook.
func TestRules(t *testing.T) {
	const doc = "\"\"\"Doc.\"\"\"\n\n"
	tests := []struct {
		name, src, rule, want string
	}{
		{"misspelled member", doc + "def main():\n    \"\"\"M.\"\"\"\n    identity.users.finde(\"a\")\n",
			RuleUnknownBuiltin, `identity.users has no member finde (did you mean "find"?)`},
		{"misspelled module", doc + "def main():\n    \"\"\"M.\"\"\"\n    compute.job.list()\n",
			RuleUnknownBuiltin, `compute has no member job (did you mean "jobs"?)`},
		{"unknown top-level name", doc + "def main():\n    \"\"\"M.\"\"\"\n    odatta.parse(\"a eq 1\")\n",
			RuleUnknownName, `unknown name odatta (did you mean "odata"?)`},
		{"wrong keyword", doc + "def main():\n    \"\"\"M.\"\"\"\n    identity.users.invite(\"a@example.com\", send_welcome_mail = False)\n",
			RuleArguments, `identity.users.invite has no parameter send_welcome_mail (did you mean "send_welcome_email"?)`},
		{"too many positional", doc + "def main():\n    \"\"\"M.\"\"\"\n    chunks([1], 1, 2)\n",
			RuleArguments, "chunks takes at most 2 positional arguments (items, n), got 3"},
		{"mutating at top level", doc + "identity.users.delete(\"u1\")\n",
			RuleMutatingTop, "identity.users.delete changes GreenLake at the top level"},
		{"mutating in a top-level loop", doc + "for u in [\"a\"]:\n    workspaces.credentials.reset(u)\n",
			RuleMutatingTop, "workspaces.credentials.reset changes GreenLake at the top level"},
		{"job created and never waited for", doc + "def main():\n    \"\"\"M.\"\"\"\n    for s in compute.servers.list():\n        compute.jobs.create(\"restart\", s)\n",
			RuleDiscardedJob, "the job compute.jobs.create returns is discarded, so nothing waits for it"},
		{"main without docstring", doc + "def main():\n    pass\n",
			RuleMainDocstring, "main has no docstring"},
		{"unused parameter", doc + "def main(group, batch = 5):\n    \"\"\"M.\"\"\"\n    print(group)\n",
			RuleUnusedParam, "parameter batch of main is never used"},
		{"filter does not parse", doc + "def main():\n    \"\"\"M.\"\"\"\n    compute.jobs.list(filter = \"state eq 'RUNNING\")\n",
			RuleFilter, "unterminated string literal"},
		{"filter on an unknown property", doc + "def main():\n    \"\"\"M.\"\"\"\n    identity.users.list(\"colour eq 'red'\")\n",
			RuleFilter, `users cannot be filtered by "colour"`},
		{"template with too few {}", doc + "def main():\n    \"\"\"M.\"\"\"\n    odata.filter(\"name eq {}\", \"a\", \"b\")\n",
			RuleFilter, `template "name eq {}" has 1 {} for 2 values`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			findings, err := File("t.star", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range findings {
				if f.Rule == tt.rule && strings.Contains(f.Message, tt.want) {
					return
				}
			}
			t.Errorf("want a %s finding containing %q, got %v", tt.rule, tt.want, findings)
		})
	}
}

// TestNoFalseAlarms lints correct uses that look like mistakes.
func TestNoFalseAlarms(t *testing.T) {
	src := `"""Doc."""

def helper(_unused, items):
    """Helper."""
    return [x for x in items]

def main(group, emails = []):
    """Main."""
    compute = {"shadow": True}  # a local named like a module is not the module
    print(compute["shadow"])
    f = odata.filter("id in {}", ["a", "b"])
    jobs = [compute.jobs.create("restart", s) for s in compute.servers.list()]
    compute.jobs.wait_all(jobs)
    for e in emails:
        log.info("user", email = e, group = group)
    if not emails:
        fail("stop", helper(1, []), sep = ", ")
    return odata.not_("state eq 'ERROR'") & f
`
	findings, err := File("ok.star", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) != 0 {
		t.Errorf("want no findings, got:\n%v", findings)
	}
}

// TestSyntaxError reports a file that does not parse as a *SyntaxError.
func TestSyntaxError(t *testing.T) {
	_, err := File("broken.star", []byte("def main(:\n"))
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "broken.star:1") {
		t.Errorf("want a SyntaxError naming broken.star:1, got %v", err)
	}
}
