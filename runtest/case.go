package runtest

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.starlark.net/starlark"

	"glrun/builtins"
	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/replay"
	"glrun/glapi/sim"
	"glrun/internal/testfile"
	"glrun/session"
)

// DefaultStart is where each test's virtual clock starts.
var DefaultStart = time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)

// testCase is one test function's world: its simulator on a virtual clock
// (or, after replay(), a cassette), the failures its assertions recorded
// and the output it printed.
type testCase struct {
	opts *Options
	file string // the test file, as found
	dir  string // its directory: runbook.run and replay paths are relative to it

	clk    *clock.Virtual
	sim    *sim.Sim
	player *replay.Player

	failures []string
	output   lines // print() output and, with -v, the runs' logs
}

func newCase(opts *Options, file string) *testCase {
	clk := clock.NewVirtual(opts.start())
	return &testCase{
		opts: opts,
		file: file,
		dir:  filepath.Dir(file),
		clk:  clk,
		sim:  sim.New(sim.Options{Clock: clk}),
	}
}

// sessionConfig is the session of a test file or of a runbook it runs:
// requests go to the simulator in memory (or the cassette) through cap, on
// the test's virtual clock; print() goes to print.
func (tc *testCase) sessionConfig(cap *capturing, logger *slog.Logger, print func(*starlark.Thread, string)) session.Config {
	return session.Config{
		API: glapi.Config{
			BaseURL:      "http://sim.test",
			ClientID:     sim.DemoClientID,
			ClientSecret: glapi.NewSecret(sim.DemoClientSecret),
			Transport:    cap,
			Clock:        tc.clk,
		},
		Clock:    tc.clk,
		Log:      logger,
		Mode:     builtins.ModeTest,
		MaxSteps: tc.opts.MaxSteps,
		Timeout:  tc.opts.timeout(),
		Print:    print,
		Classify: tc.opts.Classify,
	}
}

// testModules are what a test file sees besides the builtins: the names
// of testfile.Names.
func (tc *testCase) testModules() starlark.StringDict {
	return starlark.StringDict{
		"runbook": tc.runbookModule(),
		"sim":     tc.simModule(),
		"assert":  tc.assertModule(),
		"replay":  starlark.NewBuiltin("replay", tc.replayBuiltin),
	}
}

// Names returns the names a test file sees besides the builtins, for
// glrun check: testfile.Names.
func Names() []string { return testfile.Names() }

// resolve returns the file a test means by path: relative to the test
// file's directory, and inside the test's root (see Options.Root), as
// load() is confined to a runbook's. Absolute paths, paths that climb out
// of the root and symlinks that lead out of it are refused.
func (tc *testCase) resolve(path string) (string, error) {
	if filepath.IsAbs(path) || filepath.VolumeName(path) != "" {
		return "", fmt.Errorf("%s: absolute paths are refused; give the path relative to the test file", path)
	}
	root, err := tc.root()
	if err != nil {
		return "", err
	}
	full, err := filepath.Abs(filepath.Join(tc.dir, path))
	if err != nil {
		return "", err
	}
	if !inside(root, full) {
		return "", fmt.Errorf("%s: the path leaves the test's root %s", path, root)
	}
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		return full, nil // the caller reports what is missing
	}
	if !inside(root, real) {
		return "", fmt.Errorf("%s is a symlink that leaves the test's root %s", path, root)
	}
	return real, nil
}

// root returns the absolute, symlink-free root of the test's paths:
// Options.Root, else the repository holding the test file (the nearest
// directory above it with a .git), else the test file's directory.
func (tc *testCase) root() (string, error) {
	root := tc.opts.Root
	if root == "" {
		dir, err := filepath.Abs(tc.dir)
		if err != nil {
			return "", err
		}
		root = dir
		for d := dir; ; d = filepath.Dir(d) {
			if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
				root = d
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("test root %s: %w", root, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("test root %s: %w", root, err)
	}
	return real, nil
}

// inside reports whether path lies in dir (both absolute and clean).
func inside(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// replayBuiltin is replay(cassette): the test's later runs answer from the
// cassette instead of the simulator, on a virtual clock starting when the
// recording did.
func (tc *testCase) replayBuiltin(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	a, err := builtins.Bind(replayDoc, args, kwargs)
	if err != nil {
		return nil, err
	}
	cassette := builtins.StringArg{What: "a cassette path string", NonEmpty: true}
	if err := a.Unpack("cassette", &cassette); err != nil {
		return nil, err
	}
	path, err := tc.resolve(cassette.Value)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	p, err := replay.Open(path)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	tc.player = p
	if s := p.Start(); !s.IsZero() {
		tc.clk = clock.NewVirtual(s)
	}
	return starlark.None, nil
}
