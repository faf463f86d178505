package builtins

import (
	"strings"
	"testing"

	"go.starlark.net/starlark"

	"glrun/glapi/wait"
)

// TestRegistryDeclaresEveryBuiltinOnce: every function of the registry is
// bound from its Doc (impl), binds itself because the Doc has *args or
// **kwargs or wraps a go.starlark.net function (raw), or comes from a
// go.starlark.net module; every default a
// Doc declares is a literal the binder can use.
func TestRegistryDeclaresEveryBuiltinOnce(t *testing.T) {
	for _, b := range registry() {
		variadic := false
		for _, p := range b.Params {
			variadic = variadic || p.Variadic || p.Kwargs
		}
		library := strings.HasPrefix(b.Name, "json.") || strings.HasPrefix(b.Name, "time.")
		switch {
		case b.impl != nil && b.raw != nil:
			t.Errorf("%s has both a bound and a raw body", b.Name)
		case b.Value:
			if b.impl != nil || b.raw != nil {
				t.Errorf("%s is a constant with a body", b.Name)
			}
		case b.impl != nil:
			if variadic {
				t.Errorf("%s: a bound builtin with *args or **kwargs", b.Name)
			}
			for _, p := range b.Params {
				if p.Default == "" {
					continue
				}
				if _, err := literalValue(p.Default); err != nil {
					t.Errorf("%s: parameter %s: default %s is not a literal: %v", b.Name, p.Name, p.Default, err)
				}
			}
		case b.raw != nil:
			// A library function wrapped with checks (json.*) keeps the
			// library's own binding: positional-only and keyword-only
			// parameters, which a Doc cannot express.
			if !variadic && !library {
				t.Errorf("%s binds its own arguments but its Doc could: give it an impl", b.Name)
			}
		case !library:
			t.Errorf("%s has no body", b.Name)
		}
	}
}

// TestWaitDefaultsAreTheEngines: the defaults the waits declare are the
// polling engine's.
func TestWaitDefaultsAreTheEngines(t *testing.T) {
	for _, name := range []string{"compute.jobs.wait", "compute.jobs.wait_all", "compute.async_ops.wait"} {
		d, ok := LookupDoc(name)
		if !ok {
			t.Fatalf("%s is not declared", name)
		}
		for _, p := range d.Params {
			want, ok := map[string]any{"timeout": wait.DefaultTimeout, "poll": wait.DefaultPoll}[p.Name]
			if !ok {
				continue
			}
			v, err := literalValue(p.Default)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseDuration(v)
			if err != nil || got != want {
				t.Errorf("%s: %s defaults to %s (%v), want %s", name, p.Name, p.Default, err, want)
			}
		}
	}
}

// TestBoundBuiltinsTakeTheirDocsParameters: a call of every bound builtin
// with each of its Doc's parameters by keyword gets past binding (it may
// fail on the values, never on the names), and one with an unknown keyword
// does not.
func TestBoundBuiltinsTakeTheirDocsParameters(t *testing.T) {
	checked := 0
	for _, b := range registry() {
		if b.impl == nil {
			continue
		}
		sig := newSignature(b.Doc)
		var kwargs []starlark.Tuple
		for _, p := range b.Params {
			kwargs = append(kwargs, starlark.Tuple{starlark.String(p.Name), starlark.None})
		}
		if _, err := sig.bind(nil, kwargs); err != nil {
			t.Errorf("%s: binding its own parameters: %v", b.Name, err)
		}
		_, err := sig.bind(nil, []starlark.Tuple{{starlark.String("zz_unknown"), starlark.None}})
		if ae, ok := err.(*ArgError); !ok || ae.Param != "zz_unknown" {
			t.Errorf("%s: an unknown keyword gives %v, want an *ArgError about it", b.Name, err)
		}
		checked++
	}
	if checked < 40 {
		t.Errorf("only %d bound builtins", checked)
	}
}
