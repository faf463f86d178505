// Package lint finds likely mistakes in runbooks without running them:
// buildifier's generic Starlark warnings plus glrun's own checks against the
// builtins' registry (unknown builtins and misspelled module members with a
// did-you-mean, wrong argument names, mutating calls at top level, main
// without a docstring, unused parameters, filter strings that do not
// parse, a created job thrown away unwaited).
package lint

import (
	"fmt"
	"sort"

	"glrun/internal/testfile"
)

// Finding is one problem in a file.
type Finding struct {
	// File is the path as given.
	File string `json:"file"`
	// Line and Col are 1-based.
	Line int `json:"line"`
	Col  int `json:"col"`
	// Rule names the check, such as "unknown-builtin" or buildifier's
	// "unused-variable".
	Rule string `json:"rule"`
	// Message says what is wrong and, where it can, what was meant.
	Message string `json:"message"`
}

// String renders the finding as file:line:col: message (rule).
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s (%s)", f.File, f.Line, f.Col, f.Message, f.Rule)
}

// SyntaxError is returned when a file does not parse: nothing else can be
// checked then.
type SyntaxError struct {
	// File is the path as given.
	File string
	// Line and Col locate the error (1-based; 0 when unknown).
	Line, Col int
	// Msg is the error without its position.
	Msg string
	// Err is the parser's error, with its position.
	Err error
}

// Error returns the parser's message.
func (e *SyntaxError) Error() string { return e.Err.Error() }

// Unwrap returns the parser's error.
func (e *SyntaxError) Unwrap() error { return e.Err }

// File lints the runbook source src, read from path. Files whose name ends
// in _test.star are runbook tests: they may also use the test framework's
// names (runbook, sim, assert, replay: testfile.Names), whose members are not
// checked.
func File(path string, src []byte) ([]Finding, error) {
	own, err := glrunFindings(path, src)
	if err != nil {
		return nil, err
	}
	generic, err := genericFindings(path, src)
	if err != nil {
		return nil, err
	}
	all := append(dedupe(generic, own), own...)
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Line != all[j].Line {
			return all[i].Line < all[j].Line
		}
		return all[i].Col < all[j].Col
	})
	return all, nil
}

// isTestFile reports whether path is a runbook test.
func isTestFile(path string) bool { return testfile.Is(path) }

// dedupe drops the generic findings that glrun's own say better: an unused
// parameter (buildifier calls it an unused variable) and main's missing
// docstring.
func dedupe(generic, own []Finding) []Finding {
	type key struct {
		line, col int
		rule      string
	}
	covered := map[key]bool{}
	for _, f := range own {
		switch f.Rule {
		case RuleUnusedParam:
			covered[key{f.Line, f.Col, "unused-variable"}] = true
		case RuleMainDocstring:
			covered[key{f.Line, f.Col, "function-docstring"}] = true
		}
	}
	var out []Finding
	for _, f := range generic {
		if !covered[key{f.Line, f.Col, f.Rule}] {
			out = append(out, f)
		}
	}
	return out
}
