package cli

import "glrun/runtest"

// testResults is 'glrun test -o json'.
type testResults struct {
	Passed int          `json:"passed"`
	Failed int          `json:"failed"`
	Tests  []testResult `json:"tests"`
}

// testResult is one test function's outcome.
type testResult struct {
	File      string   `json:"file"`
	Name      string   `json:"name"`
	Passed    bool     `json:"passed"`
	Failures  []string `json:"failures"`
	ElapsedMS int64    `json:"elapsed_ms"`
}

// testResultsJSON converts a test summary for JSON output.
func testResultsJSON(sum runtest.Summary) testResults {
	out := testResults{Passed: sum.Passed, Failed: sum.Failed, Tests: []testResult{}}
	for _, r := range sum.Results {
		f := r.Failures
		if f == nil {
			f = []string{}
		}
		out.Tests = append(out.Tests, testResult{File: r.File, Name: r.Name, Passed: r.Passed(), Failures: f, ElapsedMS: r.Elapsed.Milliseconds()})
	}
	return out
}
