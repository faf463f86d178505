package lint

import (
	"strings"

	"github.com/bazelbuild/buildtools/build"
	"github.com/bazelbuild/buildtools/warn"
)

// genericWarnings are the buildifier warnings that make sense for runbooks
// (general Starlark, nothing Bazel-specific). Left out: print (runbooks may
// print), unsorted-dict-items (order in a result dict is meaningful) and
// the argument/return docstring sections (a runbook documents its
// parameters in its own words; glrun describe shows them).
func genericWarnings() []string {
	return []string{
		"confusing-name", "dict-concatenation", "dict-method-named-arg",
		"function-docstring", "function-docstring-header", "integer-division",
		"list-append", "load", "module-docstring", "name-conventions", "no-effect",
		"redefined-variable", "return-value", "string-iteration", "uninitialized",
		"unreachable", "unused-variable",
	}
}

// genericFindings runs buildifier's analyzer with genericWarnings. A
// "# buildifier: disable=NAME" comment silences one, as in buildifier.
func genericFindings(path string, src []byte) ([]Finding, error) {
	f, err := build.ParseDefault(path, src)
	if err != nil {
		return nil, &SyntaxError{File: path, Err: err}
	}
	var out []Finding
	for _, w := range warn.FileWarnings(f, genericWarnings(), nil, warn.ModeWarn, nil) {
		if w.Category == "function-docstring" && isTestFile(path) {
			continue // a test's name says what it tests
		}
		msg, _, _ := strings.Cut(w.Message, "\n")
		out = append(out, Finding{File: path, Line: w.Start.Line, Col: w.Start.LineRune,
			Rule: w.Category, Message: strings.TrimSpace(msg)})
	}
	return out, nil
}
