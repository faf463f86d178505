package cli

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"text/template"

	"glrun/exitcode"

	"github.com/spf13/cobra"
)

// newTemplates are the files 'glrun new' writes.
//
//go:embed templates/runbook.star.tmpl templates/runbook_test.star.tmpl
var newTemplates embed.FS

// runbookName is what a new runbook's file name (without .star) must look
// like: a lower-case Starlark-friendly identifier.
// It is compiled on first use, not at the start of every command.
var runbookName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9_]*$`) })

func newNewCmd(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "new [DIR/]NAME",
		Short: "Scaffold a runbook and its test from a template",
		Long: `Write NAME.star, a commented runbook with a documented main, and
NAME_test.star, its tests, in DIR (default: the current directory; created
when missing). NAME is lower case letters, digits and underscores, starting
with a letter. Existing files are never overwritten.

The runbook powers on the servers of a group that are off: a working
starting point to edit. Both files pass 'glrun check', 'glrun lint',
'glrun fmt --check' and 'glrun test' as written.`,
		Example: `  glrun new runbooks/restart_lab
  glrun describe runbooks/restart_lab.star
  glrun test runbooks/restart_lab_test.star
  glrun run --sim runbooks/restart_lab.star group=lab`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := scaffold(args[0])
			if err != nil {
				return err
			}
			for _, f := range files {
				fmt.Fprintf(s.out, "wrote %s\n", f)
			}
			fmt.Fprintf(s.err, "next: edit %s, then 'glrun test %s' and 'glrun run --sim %s group=lab'\n", files[0], files[1], files[0])
			return nil
		},
	}
}

// scaffoldData is what the templates see.
type scaffoldData struct {
	Name     string // the runbook's name: "restart_lab"
	File     string // its file name: "restart_lab.star"
	Path     string // its path as given: "runbooks/restart_lab.star"
	TestPath string // its test's path: "runbooks/restart_lab_test.star"
}

// scaffold writes the runbook and its test for arg ("DIR/NAME" or
// "DIR/NAME.star") and returns their paths. It writes nothing when either
// file exists or NAME is not valid.
func scaffold(arg string) ([]string, error) {
	dir, base := filepath.Split(arg)
	name := strings.TrimSuffix(base, ".star")
	if !runbookName().MatchString(name) || strings.HasSuffix(name, "_test") {
		return nil, usageErrorf("new: runbook name %q: want lower case letters, digits and underscores, starting with a letter and not ending in _test (e.g. restart_lab)", name)
	}
	d := scaffoldData{
		Name:     name,
		File:     name + ".star",
		Path:     filepath.ToSlash(filepath.Join(dir, name+".star")),
		TestPath: filepath.ToSlash(filepath.Join(dir, name+"_test.star")),
	}
	out := []struct{ path, tmpl string }{
		{d.Path, "templates/runbook.star.tmpl"},
		{d.TestPath, "templates/runbook_test.star.tmpl"},
	}
	for _, o := range out {
		if _, err := os.Lstat(filepath.FromSlash(o.path)); err == nil {
			return nil, usageErrorf("new: %s already exists; nothing was written (choose another name or remove it)", o.path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, usageErrorf("new: %v", err)
		}
	}
	contents := make([][]byte, len(out))
	for i, o := range out {
		b, err := renderTemplate(o.tmpl, d)
		if err != nil {
			return nil, err
		}
		contents[i] = b
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, withCode(exitcode.Failed, fmt.Errorf("new: %w", err))
		}
	}
	var written []string
	for i, o := range out {
		if err := writeNew(filepath.FromSlash(o.path), contents[i]); err != nil {
			for _, w := range written {
				_ = os.Remove(filepath.FromSlash(w))
			}
			return nil, err
		}
		written = append(written, o.path)
	}
	return written, nil
}

// renderTemplate executes the embedded template name with d.
func renderTemplate(name string, d scaffoldData) ([]byte, error) {
	t, err := template.New(path.Base(name)).ParseFS(newTemplates, name)
	if err != nil {
		return nil, fmt.Errorf("new: template %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("new: template %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// writeNew creates path with content, refusing to replace a file that
// appeared since it was checked.
func writeNew(path string, content []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return usageErrorf("new: %s already exists; nothing was written", path)
		}
		return withCode(exitcode.Failed, fmt.Errorf("new: %w", err))
	}
	if _, err := f.Write(content); err != nil {
		f.Close()
		return withCode(exitcode.Failed, fmt.Errorf("new: writing %s: %w", path, err))
	}
	if err := f.Close(); err != nil {
		return withCode(exitcode.Failed, fmt.Errorf("new: writing %s: %w", path, err))
	}
	return nil
}
