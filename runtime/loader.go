package runtime

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"glrun/internal/regularfile"
)

// unit is one compiled file of a runbook.
type unit struct {
	// name is the file's path relative to the root, with slashes; it is the
	// file name Starlark positions (and so error messages) carry.
	name string
	// file is the parsed syntax tree (for docstrings).
	file *syntax.File
	// prog is the compiled program (nil in a graph from resolveGraph).
	prog *starlark.Program
	// loads maps each module string of a load statement to the name of the
	// unit it designates.
	loads map[string]string
	// sum is the hex sha256 of the file's content as compiled.
	sum string
}

// graph is a runbook and every file it loads, compiled, with load paths
// checked and cycles excluded. Nothing has run.
type graph struct {
	// root is the absolute, symlink-free runbook root.
	root string
	// entry is the runbook itself.
	entry *unit
	// units holds every unit by name.
	units map[string]*unit
}

// compiler builds a graph.
type compiler struct {
	g             *graph
	isPredeclared func(string) bool
	// programs says whether to compile what runs (unit.prog); glrun check
	// and the file listing need only the resolved syntax trees.
	programs bool
	// stack is the chain of files being compiled, for cycle detection.
	stack []string
}

// compileGraph parses, resolves and compiles the runbook at path and,
// transitively, every file it loads, confined to root (empty: the
// runbook's directory), ready to run. Errors are *Error of KindSyntax.
func compileGraph(file, root string, isPredeclared func(string) bool) (*graph, error) {
	return buildGraph(file, root, isPredeclared, true)
}

// resolveGraph is compileGraph without the programs: every file is parsed
// and resolved, with the same errors, and unit.prog stays nil. It is what
// glrun check needs, at about half the cost.
func resolveGraph(file, root string, isPredeclared func(string) bool) (*graph, error) {
	return buildGraph(file, root, isPredeclared, false)
}

// buildGraph is compileGraph, with or without the programs.
func buildGraph(file, root string, isPredeclared func(string) bool, programs bool) (*graph, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, syntaxErr(fmt.Sprintf("%s: %v", file, err), err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, syntaxErr(fmt.Sprintf("cannot read runbook %s: %v", file, unwrapPathError(err)), err)
	}
	if root == "" {
		root = filepath.Dir(real)
	}
	rootAbs, err := filepath.Abs(root)
	if err != nil {
		return nil, syntaxErr(fmt.Sprintf("runbook root %s: %v", root, err), err)
	}
	rootReal, err := filepath.EvalSymlinks(rootAbs)
	if err != nil {
		return nil, syntaxErr(fmt.Sprintf("runbook root %s: %v", root, unwrapPathError(err)), err)
	}
	name, ok := within(rootReal, real)
	if !ok {
		return nil, syntaxErr(fmt.Sprintf("runbook %s lies outside its root %s", file, root), nil)
	}
	c := &compiler{
		g: &graph{root: rootReal, units: map[string]*unit{}},
		// The bounded replacements of universal functions must resolve
		// as predeclared names, or the compiled code would use the
		// originals.
		isPredeclared: func(n string) bool { return isGuard(n) || isPredeclared(n) },
		programs:      programs,
	}
	entry, err := c.compile(name)
	if err != nil {
		return nil, err
	}
	c.g.entry = entry
	return c.g, nil
}

// compile compiles the unit called name and everything it loads.
func (c *compiler) compile(name string) (*unit, error) {
	if u, ok := c.g.units[name]; ok {
		return u, nil
	}
	src, err := ReadSource(filepath.Join(c.g.root, filepath.FromSlash(name)))
	if err != nil {
		return nil, syntaxErr(fmt.Sprintf("cannot read %s: %v", name, unwrapPathError(err)), err)
	}
	// f, as written and resolved, is for the docstrings and the reference
	// checks; what runs is compiled from a second parse with repetitions
	// and joins size-checked (see guardSizes).
	f, err := fileOptions().Parse(name, src, 0)
	if err != nil {
		return nil, staticErr(err)
	}
	if err := resolve.File(f, c.isPredeclared, starlark.Universe.Has); err != nil {
		return nil, staticErr(err)
	}
	u := &unit{name: name, file: f, loads: map[string]string{}, sum: sha256Hex(src)}
	if c.programs {
		guarded, err := fileOptions().Parse(name, src, 0)
		if err != nil {
			return nil, staticErr(err)
		}
		guardSizes(guarded)
		if u.prog, err = starlark.FileProgram(guarded, c.isPredeclared); err != nil {
			return nil, staticErr(err)
		}
	}
	c.stack = append(c.stack, name)
	defer func() { c.stack = c.stack[:len(c.stack)-1] }()
	for _, stmt := range f.Stmts {
		ld, ok := stmt.(*syntax.LoadStmt)
		if !ok {
			continue // the resolver allows load statements only at top level
		}
		module, pos := ld.ModuleName(), ld.Module.TokenPos
		target, err := c.resolveLoad(name, module)
		if err != nil {
			return nil, syntaxErr(fmt.Sprintf("%s: load(%q): %v", pos, module, err), err)
		}
		if cycle := c.cycle(target); cycle != "" {
			return nil, syntaxErr(fmt.Sprintf("%s: circular load: %s", pos, cycle), nil)
		}
		if _, err := c.compile(target); err != nil {
			return nil, err
		}
		u.loads[module] = target
	}
	c.g.units[name] = u
	return u, nil
}

// cycle returns "a.star -> b.star -> a.star" when loading target from the
// top of the stack closes a cycle, else "".
func (c *compiler) cycle(target string) string {
	for i, n := range c.stack {
		if n == target {
			chain := append(append([]string{}, c.stack[i:]...), target)
			return strings.Join(chain, " -> ")
		}
	}
	return ""
}

// resolveLoad maps the module string of a load statement in the unit from
// to the name of the unit it designates, refusing anything outside the root.
func (c *compiler) resolveLoad(from, module string) (string, error) {
	switch {
	case module == "":
		return "", errors.New("empty module path")
	case path.IsAbs(module) || filepath.IsAbs(module) || filepath.VolumeName(module) != "":
		return "", errors.New("absolute paths are refused; load files relative to the runbook")
	case strings.Contains(module, `\`):
		return "", errors.New(`use "/" to separate path segments`)
	}
	target := path.Clean(path.Join(path.Dir(from), module))
	if target == ".." || strings.HasPrefix(target, "../") {
		return "", errors.New("path escapes the runbook root")
	}
	real, err := filepath.EvalSymlinks(filepath.Join(c.g.root, filepath.FromSlash(target)))
	if err != nil {
		return "", fmt.Errorf("cannot read %s: %w", target, unwrapPathError(err))
	}
	name, ok := within(c.g.root, real)
	if !ok {
		return "", fmt.Errorf("%s is a symlink that leaves the runbook root", target)
	}
	return name, nil
}

// maxSource is the largest runbook file glrun reads.
const maxSource = 8 << 20

// readSource reads the runbook file at path, which must be a regular file
// of at most maxSource bytes (see package regularfile).
// ReadSource reads a runbook or a file it loads: a regular file only (a
// named pipe would hang the reader) of at most 8 MiB. glrun fmt and lint
// read the files they are given with it too.
func ReadSource(path string) ([]byte, error) { return regularfile.ReadFile(path, maxSource) }

// within returns the slash path of p relative to root, and whether p lies
// inside root.
func within(root, p string) (string, bool) {
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// unwrapPathError drops the (absolute) path of a *fs.PathError, keeping the
// reason ("no such file or directory").
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// syntaxErr makes a KindSyntax *Error.
func syntaxErr(msg string, err error) *Error {
	return &Error{Kind: KindSyntax, Msg: msg, Err: err}
}

// staticErr turns a parse or resolve error (which carries file:line:col)
// into a KindSyntax *Error listing every resolve error.
func staticErr(err error) *Error {
	var list resolve.ErrorList
	if errors.As(err, &list) {
		lines := make([]string, len(list))
		for i, e := range list {
			lines[i] = e.Error()
		}
		return syntaxErr(strings.Join(lines, "\n"), err)
	}
	return syntaxErr(err.Error(), err)
}
