package runtime

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
)

// File is one file of a runbook: the runbook itself or a file it loads,
// with the hash of the content that was compiled. A saved plan records
// them so an apply can refuse to run files that changed since.
type File struct {
	// Name is the path relative to the runbook root, with slashes.
	Name string `json:"name"`
	// SHA256 is the hex sha256 of the file's content.
	SHA256 string `json:"sha256"`
}

// Files returns every file of the runbook (itself and everything it loads,
// transitively), sorted by name, with their content hashes.
func (rb *Runbook) Files() []File { return rb.graph.files() }

// ListFiles parses and resolves the runbook at path (as CheckOptions does,
// executing nothing) and returns its files with their content hashes.
func ListFiles(path string, opts Options, isPredeclared func(string) bool) ([]File, error) {
	g, err := resolveGraph(path, opts.Root, func(n string) bool {
		return opts.Predeclared.Has(n) || (isPredeclared != nil && isPredeclared(n))
	})
	if err != nil {
		return nil, err
	}
	return g.files(), nil
}

// files lists the graph's units, sorted by name.
func (g *graph) files() []File {
	out := make([]File, 0, len(g.units))
	for _, u := range g.units {
		out = append(out, File{Name: u.name, SHA256: u.sum})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// sha256Hex returns the hex sha256 of b.
func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
