package glapi_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
)

// simStart is where the virtual clocks of newSimEnv start.
var simStart = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// simEnv is a client of a fresh simulator sharing its virtual clock
// (so the client's waits move the simulator's time).
type simEnv struct {
	c   *glapi.Client
	sim *sim.Sim
	clk *clock.Virtual
	cfg glapi.Config // c's, before the test's edits
}

// newSimEnv starts a simulator with opts, its clocks virtual from
// simStart (a TokenClock opts gives is kept), and a client of
// it with the demo credentials; edit changes the client's Config first.
func newSimEnv(t *testing.T, opts sim.Options, edit ...func(*glapi.Config)) *simEnv {
	t.Helper()
	vc := clock.NewVirtual(simStart)
	opts.Clock = vc
	if opts.TokenClock == nil {
		opts.TokenClock = clock.NewVirtual(simStart)
	}
	s := sim.New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	e := &simEnv{sim: s, clk: vc,
		cfg: glapi.Config{BaseURL: srv.URL, ClientID: sim.DemoClientID, ClientSecret: glapi.NewSecret(sim.DemoClientSecret), Clock: vc}}
	e.c = e.client(t, edit...)
	return e
}

// client returns another client of the simulator: the demo client on its
// clock, as edit changes it.
func (e *simEnv) client(t *testing.T, edit ...func(*glapi.Config)) *glapi.Client {
	t.Helper()
	cfg := e.cfg
	for _, ed := range edit {
		ed(&cfg)
	}
	c, err := glapi.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// requests returns "METHOD path?query" of the API requests since n.
func (e *simEnv) requests(n int) []string {
	var out []string
	for _, r := range e.sim.Requests()[n:] {
		if strings.HasSuffix(r.Path, "/token.oauth2") {
			continue
		}
		s := r.Method + " " + r.Path
		if r.Query != "" {
			s += "?" + r.Query
		}
		out = append(out, s)
	}
	return out
}
