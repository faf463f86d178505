package builtins_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"

	"glrun/builtins"
	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
	"glrun/session"
)

// predeclaredNames walks the predeclared modules and returns every builtin
// and constant by full dotted name.
func predeclaredNames(env *builtins.Env) map[string]starlark.Value {
	out := map[string]starlark.Value{}
	var walk func(prefix string, v starlark.Value)
	walk = func(prefix string, v starlark.Value) {
		if m, ok := v.(*starlarkstruct.Module); ok {
			for name, member := range m.Members {
				walk(prefix+"."+name, member)
			}
			return
		}
		out[prefix] = v
	}
	for name, v := range builtins.Predeclared(env) {
		walk(name, v)
	}
	return out
}

// TestEveryBuiltinIsDocumented fails when a builtin is added without its
// documentation, or a documented one disappears.
func TestEveryBuiltinIsDocumented(t *testing.T) {
	var have, documented []string
	for name := range predeclaredNames(&builtins.Env{}) {
		have = append(have, name)
	}
	for _, d := range builtins.Docs() {
		documented = append(documented, d.Name)
		if d.Summary == "" || d.Example == "" {
			t.Errorf("%s: want a summary and an example", d.Name)
		}
		for _, p := range d.Params {
			if p.Desc == "" {
				t.Errorf("%s: parameter %s has no description", d.Name, p.Name)
			}
		}
	}
	sort.Strings(have)
	if diff := cmp.Diff(have, documented); diff != "" {
		t.Errorf("predeclared builtins (-) versus documented (+):\n%s", diff)
	}
	for name := range predeclaredNames(&builtins.Env{}) {
		mod := name[:max(0, strings.LastIndexByte(name, '.'))]
		if mod != "" && !builtins.IsModule(mod) {
			t.Errorf("module %s of %s has no ModuleDoc", mod, name)
		}
	}
}

// TestDocExamplesRunAgainstSimulator runs every example of the reference
// against a fresh simulator on a virtual clock.
func TestDocExamplesRunAgainstSimulator(t *testing.T) {
	for _, d := range builtins.Docs() {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			out, logs, err := runExample(t, d.Example)
			if err != nil {
				t.Fatalf("example of %s:\n%s\nfailed: %v\noutput:\n%s\nlogs:\n%s", d.Name, d.Example, err, out, logs)
			}
			if strings.Contains(out+logs, sim.DemoClientSecret) {
				t.Errorf("example of %s printed the client secret", d.Name)
			}
		})
	}
}

// runExample executes src with every builtin bound to a new simulator.
func runExample(t *testing.T, src string) (out, logs string, err error) {
	t.Helper()
	vc := clock.NewVirtual(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	s := sim.New(sim.Options{Clock: vc, Seed: 1})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	var logBuf, outBuf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logBuf, nil))
	opened, err := session.New(session.Config{
		API: glapi.Config{BaseURL: srv.URL, ClientID: sim.DemoClientID,
			ClientSecret: glapi.NewSecret(sim.DemoClientSecret), Clock: vc, Logger: logger},
		Clock: vc,
		Log:   logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	thread := &starlark.Thread{Name: "example",
		Print: func(_ *starlark.Thread, msg string) { outBuf.WriteString(msg + "\n") }}
	builtins.SetContext(thread, context.Background())
	opts := &syntax.FileOptions{Set: true, While: true, TopLevelControl: true}
	pre := opened.Predeclared
	// An example is a piece of a runbook's main: run it as one.
	body := "def main():\n    " + strings.ReplaceAll(strings.TrimSpace(src), "\n", "\n    ") + "\n    pass\n\nmain()\n"
	_, err = starlark.ExecFileOptions(opts, thread, "example.star", body, pre)
	return outBuf.String(), logBuf.String(), err
}
