package builtins

import (
	"context"
	"strings"
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// runStar executes src with predeclared plus the given extra names and
// returns what it printed and the error, if any.
func runStar(t *testing.T, predeclared starlark.StringDict, src string) (string, error) {
	t.Helper()
	var out strings.Builder
	thread := &starlark.Thread{
		Name:  "test",
		Print: func(_ *starlark.Thread, msg string) { out.WriteString(msg + "\n") },
	}
	SetContext(thread, context.Background())
	opts := &syntax.FileOptions{Set: true, While: true, TopLevelControl: true, GlobalReassign: true}
	_, err := starlark.ExecFileOptions(opts, thread, "test.star", src, predeclared)
	return out.String(), err
}

// wantErr checks that err is non-nil and contains every fragment.
func wantErr(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error containing %q, got none", fragments)
	}
	msg := err.Error()
	for _, f := range fragments {
		if !strings.Contains(msg, f) {
			t.Errorf("error %q does not contain %q", msg, f)
		}
	}
}
