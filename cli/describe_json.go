package cli

import (
	"strings"

	"glrun/builtins"
	"glrun/runtime"
)

// describedRunbook is 'glrun describe -o json'.
type describedRunbook struct {
	Path   string           `json:"path"`
	Doc    string           `json:"doc"`
	Params []describedParam `json:"params"`
}

// describedParam is one parameter of main.
type describedParam struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Required bool   `json:"required"`
	// Default is the default value as JSON (absent when required), or its
	// Starlark text when it has no JSON form.
	Default any `json:"default,omitempty"`
}

// describeJSON converts a description for JSON output.
func describeJSON(d runtime.Description) describedRunbook {
	out := describedRunbook{Path: d.Path, Doc: strings.TrimSpace(indent(d.Doc, "")), Params: []describedParam{}}
	for _, p := range d.Params {
		dp := describedParam{Name: p.Name, Type: p.Type, Required: p.Required}
		if p.Default != nil {
			if v, err := builtins.FromStarlark(p.Default); err == nil {
				dp.Default = v
			} else {
				dp.Default = p.Default.String()
			}
		}
		out.Params = append(out.Params, dp)
	}
	return out
}
