package runtest

import (
	"fmt"
	"log/slog"
	"path/filepath"
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

// rel returns path relative to the test file's directory, as the test
// wrote it relative to.
func (tc *testCase) rel(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(tc.dir, path)
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
	p, err := replay.Open(tc.rel(cassette.Value))
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	tc.player = p
	if s := p.Start(); !s.IsZero() {
		tc.clk = clock.NewVirtual(s)
	}
	return starlark.None, nil
}
