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

// simEnv is a client of a fresh simulator sharing its virtual clock
// (so the client's waits move the simulator's time).
type simEnv struct {
	c   *glapi.Client
	sim *sim.Sim
	clk *clock.Virtual
}

// newSimEnv starts a simulator with opts, its clocks virtual from
// 2026-11-25 09:00 UTC (a TokenClock opts gives is kept), and a client of
// it with the demo credentials; edit changes the client's Config first.
func newSimEnv(t *testing.T, opts sim.Options, edit ...func(*glapi.Config)) *simEnv {
	t.Helper()
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	vc := clock.NewVirtual(start)
	opts.Clock = vc
	if opts.TokenClock == nil {
		opts.TokenClock = clock.NewVirtual(start)
	}
	s := sim.New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	cfg := glapi.Config{BaseURL: srv.URL, ClientID: sim.DemoClientID, ClientSecret: glapi.NewSecret(sim.DemoClientSecret), Clock: vc}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := glapi.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &simEnv{c: c, sim: s, clk: vc}
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
