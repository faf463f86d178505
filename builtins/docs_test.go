package builtins_test

import (
	"bytes"
	"context"
	"errors"
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

// TestDocParamsMatchBuiltins calls every builtin with an unknown keyword:
// those that bind their arguments by name answer with their parameter list,
// which must be the documented one.
func TestDocParamsMatchBuiltins(t *testing.T) {
	values := predeclaredNames(&builtins.Env{})
	checked := 0
	for _, d := range builtins.Docs() {
		fn, ok := values[d.Name].(starlark.Callable)
		if d.Value {
			if ok {
				t.Errorf("%s is documented as a constant but is callable", d.Name)
			}
			continue
		}
		if !ok {
			t.Errorf("%s is documented as a function but is a %s", d.Name, values[d.Name].Type())
			continue
		}
		thread := &starlark.Thread{Name: "probe"}
		builtins.SetContext(thread, context.Background())
		_, err := starlark.Call(thread, fn, nil, []starlark.Tuple{{starlark.String("zz_probe"), starlark.None}})
		var ae *builtins.ArgError
		if !errors.As(err, &ae) || !strings.HasPrefix(ae.Want, "one of the parameters ") {
			continue // the builtin does not bind by name (log.info, fail, json...)
		}
		list := strings.TrimPrefix(ae.Want, "one of the parameters ")
		list, _, _ = strings.Cut(list, " (did you mean")
		want := strings.Join(d.ParamNames(), ", ")
		if want == "" {
			want = "none"
		}
		if list != want {
			t.Errorf("%s: the builtin takes (%s), the docs say (%s)", d.Name, list, want)
		}
		checked++
	}
	if checked < 40 {
		t.Errorf("only %d builtins could be checked; the probe no longer works", checked)
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
