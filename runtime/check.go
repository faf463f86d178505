package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"glrun/internal/suggest"
)

// Check parses and resolves the runbook at path and every file it loads,
// without executing anything: syntax errors, unknown names (a misspelled
// module, with a did-you-mean over predeclared and the Starlark universe),
// refused or missing loads and load cycles are reported as a KindSyntax
// *Error with file:line:col. predeclared are the names the builtins
// provide; the root is the runbook's directory.
func Check(path string, predeclared []string) error {
	return CheckWith(path, predeclared, nil)
}

// Inspect is a further static check of one parsed and resolved file of a
// runbook (package session checks the references to the builtins with
// one). It returns one message per problem, each "file:line:col: message"
// with the file named as positions in f name it.
type Inspect func(f *syntax.File) []string

// CheckWith is Check followed, when the runbook resolves, by inspect on
// each of its files (sorted by name); its messages make a KindSyntax
// *Error. inspect may be nil.
func CheckWith(path string, predeclared []string, inspect Inspect) error {
	names := make(map[string]bool, len(predeclared))
	for _, n := range predeclared {
		names[n] = true
	}
	isPredeclared := func(n string) bool { return names[n] }
	g, err := resolveGraph(path, "", isPredeclared)
	if err != nil {
		err = withNameHints(err, predeclared)
		if inspect != nil {
			err = withInspection(err, path, isPredeclared, inspect)
		}
		return err
	}
	if inspect == nil {
		return nil
	}
	units := make([]string, 0, len(g.units))
	for name := range g.units {
		units = append(units, name)
	}
	sort.Strings(units)
	var msgs []string
	for _, name := range units {
		msgs = append(msgs, inspect(g.units[name].file)...)
	}
	if len(msgs) > 0 {
		return syntaxErr(strings.Join(msgs, "\n"), nil)
	}
	return nil
}

// withNameHints adds a did-you-mean to each "undefined: NAME" of a resolve
// error that has none (the resolver suggests only names of the file), from
// predeclared and the Starlark universe.
func withNameHints(err error, predeclared []string) error {
	var re *Error
	var list resolve.ErrorList
	if !errors.As(err, &re) || !errors.As(err, &list) {
		return err
	}
	candidates := append([]string(nil), predeclared...)
	for name := range starlark.Universe {
		candidates = append(candidates, name)
	}
	lines := make([]string, len(list))
	for i, e := range list {
		lines[i] = e.Error()
		name, ok := strings.CutPrefix(e.Msg, "undefined: ")
		if !ok || strings.Contains(name, " ") {
			continue
		}
		if best := suggest.Closest(name, candidates); best != "" {
			lines[i] = fmt.Sprintf("%s (did you mean %s?)", lines[i], best)
		}
	}
	hinted := *re
	hinted.Msg = strings.Join(lines, "\n")
	return &hinted
}

// withInspection adds inspect's messages about the file whose names did
// not resolve to err, that file's resolve errors, so that one check
// reports every mistake of the file (an undefined name and a misspelt
// member, say), in the order of their lines. The file is parsed and
// resolved again: the resolver binds every name it can despite the errors.
func withInspection(err error, path string, isPredeclared func(string) bool, inspect Inspect) error {
	var re *Error
	var list resolve.ErrorList
	if !errors.As(err, &re) || !errors.As(err, &list) || len(list) == 0 {
		return err
	}
	real, rerr := filepath.EvalSymlinks(path)
	if rerr != nil {
		return err
	}
	name := list[0].Pos.Filename()
	src, rerr := os.ReadFile(filepath.Join(filepath.Dir(real), filepath.FromSlash(name)))
	if rerr != nil {
		return err
	}
	f, perr := fileOptions().Parse(name, src, 0)
	if perr != nil {
		return err
	}
	_ = resolve.File(f, isPredeclared, starlark.Universe.Has) // its errors are list
	more := inspect(f)
	if len(more) == 0 {
		return err
	}
	lines := append(strings.Split(re.Msg, "\n"), more...)
	sort.SliceStable(lines, func(i, j int) bool { return lineOf(lines[i]) < lineOf(lines[j]) })
	inspected := *re
	inspected.Msg = strings.Join(lines, "\n")
	return &inspected
}

// lineOf returns the line of a "file:line:col: message", or 0.
func lineOf(msg string) int {
	parts := strings.SplitN(msg, ":", 3)
	if len(parts) < 3 {
		return 0
	}
	n, _ := strconv.Atoi(parts[1])
	return n
}

// CheckOptions is Check with the root taken from opts.Root and the names
// predeclared being those of opts.Predeclared plus those isPredeclared
// (may be nil) accepts.
func CheckOptions(path string, opts Options, isPredeclared func(string) bool) error {
	_, err := resolveGraph(path, opts.Root, func(n string) bool {
		return opts.Predeclared.Has(n) || (isPredeclared != nil && isPredeclared(n))
	})
	if err != nil {
		return err
	}
	return nil
}
