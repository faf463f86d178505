package runtime_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.starlark.net/starlark"

	"glrun/runtime"
)

// exitCode returns the exit code err maps to: 0 for nil, -1 when err is
// not a *runtime.Error.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var e *runtime.Error
	if !errors.As(err, &e) {
		return -1
	}
	return e.ExitCode()
}

// loadRunbook loads testdata/<name> with the fake predeclared modules
// (unless opts sets its own).
func loadRunbook(t *testing.T, name string, opts runtime.Options) (*runtime.Runbook, *fakes, error) {
	t.Helper()
	f := &fakes{}
	if opts.Predeclared == nil {
		opts.Predeclared = f.predeclared()
	}
	if opts.Print == nil {
		opts.Print = func(_ *starlark.Thread, msg string) { t.Logf("print: %s", msg) }
	}
	rb, err := runtime.Load(context.Background(), "testdata/"+name, opts)
	return rb, f, err
}

// mustLoad is loadRunbook failing the test on error.
func mustLoad(t *testing.T, name string, opts runtime.Options) *runtime.Runbook {
	t.Helper()
	rb, _, err := loadRunbook(t, name, opts)
	if err != nil {
		t.Fatalf("Load(%s): %v", name, err)
	}
	return rb
}

// checkErr asserts that err has the exit code and contains every want.
func checkErr(t *testing.T, err error, code int, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want exit %d with %q", code, wants)
	}
	if got := exitCode(err); got != code {
		t.Errorf("exit code = %d, want %d; error:\n%v", got, code, err)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q; got:\n%v", w, err)
		}
	}
}
