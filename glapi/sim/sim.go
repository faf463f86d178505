// Package sim is an in-process simulator of the GreenLake APIs glrun drives:
// Compute Ops Management (jobs, async operations, servers, groups, firmware
// bundles, activities, approval policies and requests, schedules), identity
// users and workspaces credentials, and the platform APIs of onboarding
// (devices, subscriptions, service catalog, authorization, SCIM groups, audit
// log; docs/simulator.md), behind bearer tokens from its own OAuth2 token
// endpoint, for one or more API clients each with an identity. It is seeded with a deterministic demo
// fleet, runs job life cycles on a clock.Clock (so a virtual clock makes
// waits instant), keeps a log of every request and can inject faults.
//
// It serves `glrun sim serve` and `run --sim`, and Go tests use it directly
// through httptest or Start, and inspect its state through the test hooks
// (Server, Jobs, SetPower, FailNextJob, ...).
package sim

import (
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"sync"
	"time"

	"glrun/clock"
	"glrun/glapi"
)

// Demo credentials the simulator accepts when Options leave them empty.
const (
	// DemoClientID is the client id of the demo API credential.
	DemoClientID = "5f0c3b9e-7a1d-4e2b-9c8f-31d4a6b2e7c0"
	// DemoClientSecret is the client secret of the demo API credential. It
	// looks like a real GreenLake secret so leak tests can grep for it.
	DemoClientSecret = "9163c936b93911ee822c16e5bfc542a7"
)

// DefaultTokenTTL is how long an access token lives when neither Options.TokenTTL nor a token-ttl fault says otherwise.
const DefaultTokenTTL = 2 * time.Hour

// Options configures a simulator. Zero values take the defaults.
type Options struct {
	// ClientID and ClientSecret are the API credential the token endpoint
	// accepts; empty means DemoClientID and DemoClientSecret.
	ClientID     string
	ClientSecret string
	// Clock drives job life cycles, token expiry and rate limits; nil means
	// the wall clock, sped up by TimeScale.
	Clock clock.Clock
	// TimeScale, with a nil Clock, runs simulated time this many times
	// faster than real time (clock.Scaled); 0 or 1 means real time.
	TimeScale float64
	// RequestLog receives one JSON line per request; nil keeps the log in
	// memory only (see Requests).
	RequestLog io.Writer
	// TokenTTL is the lifetime of access tokens; 0 means DefaultTokenTTL.
	TokenTTL time.Duration
	// TokenClock measures token lifetimes; nil means the wall clock, which
	// is what clients measure expires_in on (a token must not expire early
	// because simulated time runs fast). Tests of expiry pass their virtual
	// clock.
	TokenClock clock.Clock
	// Seed makes the demo fleet's generated ids (and fault decisions)
	// reproducible; the same seed gives the same fleet.
	Seed int64
	// Faults to inject (see ParseFaults); the zero value injects none.
	Faults Faults
	// Limits are the platform APIs' rate limits; the zero value takes the
	// published ones.
	Limits PlatformLimits

	// Clients are more API clients the token endpoint accepts, each with
	// its own identity (its email), so that one may request a change and
	// another approve it. The client of ClientID has DemoClientEmail.
	Clients []Client
	// ApprovalExpiry is how long an approval request stays PENDING before
	// it expires; 0 means DefaultApprovalExpiry.
	ApprovalExpiry time.Duration
	// WorkspaceID is the id of the simulated workspace, which its access
	// tokens name (hpe_workspace_id); empty means DemoWorkspaceID.
	WorkspaceID string
	// JobDurationSpread makes the jobs of a template vary as real ones do:
	// each runs for its template's duration times a factor drawn uniformly
	// from [1-spread, 1+spread] (reproducibly, from Seed). 0, the default,
	// runs every job of a template for exactly as long; it is bounded to
	// 0.9.
	JobDurationSpread float64
}

// Check reports whether o can be served as it is: the client id, when set,
// must be a UUID, the shape GreenLake gives client ids and the type of the
// id and clientId fields of the credential the simulator lists for it.
func (o Options) Check() error {
	if o.ClientID != "" && !glapi.IsUUID(o.ClientID) {
		return fmt.Errorf("client id %q is not a UUID (like %s): GreenLake client ids are UUIDs, and the simulator lists its credential with it", o.ClientID, DemoClientID)
	}
	return nil
}

// credentialUUID is clientID when it is a UUID, else a UUID derived from
// it (name-based, SHA-1, version 5 layout), so the same client id always
// maps to the same credential id.
func credentialUUID(clientID string) string {
	if glapi.IsUUID(clientID) {
		return clientID
	}
	b := sha1.Sum([]byte("glrun-sim-credential:" + clientID))
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Sim is a running simulator. It is an http.Handler and safe for
// concurrent use.
type Sim struct {
	clock        clock.Clock
	tokenClock   clock.Clock
	latencyClock clock.Clock // waits out the latency fault
	clientID     string
	clientSecret string
	tokenTTL     time.Duration
	faults       Faults

	mu         sync.Mutex
	rng        *rand.Rand
	faultMu    sync.Mutex
	faultRng   *rand.Rand
	hint       int // rotates the wait hint of injected 429s
	st         *state
	tokens     map[string]time.Time // access token -> expiry (sim clock)
	identityRL []time.Time          // identity request times in the last minute
	limits     PlatformLimits
	platformRL map[string][]time.Time // platform request times in the last minute, by API and endpoint
	logMu      sync.Mutex
	logW       io.Writer
	log        []LogEntry

	srvMu sync.Mutex
	srv   *http.Server

	// clients are the API clients by id, with their identity; tokenOwner
	// is the client each access token was issued to.
	clients        map[string]Client
	tokenOwner     map[string]string
	approvalExpiry time.Duration

	// durationSpread and durationRng vary job durations (see
	// Options.JobDurationSpread); durationRng is used under mu.
	durationSpread float64
	durationRng    *rand.Rand
}

// New returns a simulator seeded with the demo fleet.
func New(opts Options) *Sim {
	clk := opts.Clock
	if clk == nil {
		if opts.TimeScale > 0 && opts.TimeScale != 1 {
			clk = clock.NewScaled(opts.TimeScale)
		} else {
			clk = clock.Real{}
		}
	}
	s := &Sim{
		clock:        clk,
		tokenClock:   opts.TokenClock,
		clientID:     opts.ClientID,
		clientSecret: opts.ClientSecret,
		tokenTTL:     opts.TokenTTL,
		faults:       opts.Faults,
		rng:          rand.New(rand.NewSource(opts.Seed)),
		faultRng:     rand.New(rand.NewSource(opts.Faults.Seed)),
		tokens:       map[string]time.Time{},
		logW:         opts.RequestLog,
		limits:       opts.Limits.withDefaults(),
		platformRL:   map[string][]time.Time{},
		// Its own source, so that a spread leaves the fleet's ids as they are.
		durationSpread: min(max(opts.JobDurationSpread, 0), 0.9),
		durationRng:    rand.New(rand.NewSource(opts.Seed ^ 0x5eed)),
	}
	if s.tokenClock == nil {
		s.tokenClock = clock.Real{}
	}
	// Injected latency stands for the network, so it is wall time unless
	// the simulator runs on a clock of its own (tests): 20ms stays 20ms
	// whatever --time-scale does to job life cycles.
	s.latencyClock = opts.Clock
	if s.latencyClock == nil {
		s.latencyClock = clock.Real{}
	}
	if s.clientID == "" {
		s.clientID = DemoClientID
	}
	if s.clientSecret == "" {
		s.clientSecret = DemoClientSecret
	}
	if s.tokenTTL <= 0 {
		s.tokenTTL = DefaultTokenTTL
	}
	if opts.Faults.TokenTTL > 0 {
		s.tokenTTL = opts.Faults.TokenTTL
	}
	s.initClients(opts)
	s.st = newDemoState(s.rng, clk.Now(), s.clientID, s.clientSecret)
	if opts.WorkspaceID != "" {
		s.st.plat.workspaceID = opts.WorkspaceID
	}
	return s
}

// Clock returns the clock the simulator runs on.
func (s *Sim) Clock() clock.Clock { return s.clock }

// Serve answers HTTP requests on l until Close is called. It returns nil
// after Close.
func (s *Sim) Serve(l net.Listener) error {
	if err := s.httpServer().Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("sim: serve: %w", err)
	}
	return nil
}

// httpServer returns the one http.Server of s, creating it on first use.
func (s *Sim) httpServer() *http.Server {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.srv == nil {
		s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	}
	return s.srv
}

// Close stops a simulator started with Serve or Start.
func (s *Sim) Close() error {
	srv := s.httpServer()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("sim: close: %w", err)
	}
	return nil
}

// Start listens on addr (such as "127.0.0.1:0"), serves in the background
// and returns the base URL, such as "http://127.0.0.1:41234". Stop it with
// Close.
func (s *Sim) Start(addr string) (baseURL string, err error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("sim: listen on %s: %w", addr, err)
	}
	srv := s.httpServer()
	go func() { _ = srv.Serve(l) }()
	return "http://" + l.Addr().String(), nil
}
