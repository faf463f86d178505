package glapi

// TEMPORARY: this file fixes the exported API of package glapi so that other
// packages can be written against it in parallel. The glapi implementer
// replaces every body here (moving the code into client.go, jobs.go,
// asyncops.go, servers.go, groups.go, firmware.go, users.go, credentials.go,
// errors.go, retry.go ...) and deletes this file. Signatures may gain
// fields/methods but must not change incompatibly.

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"glrun/clock"
)

// Default endpoints.
const (
	DefaultTokenURL = "https://sso.common.cloud.hpe.com/as/token.oauth2"
	DefaultRegion   = "us-west"
)

// Config configures a Client. Zero values take the defaults.
type Config struct {
	ClientID     string
	ClientSecret Secret
	// Region selects the Compute Ops Management host: us-west, eu-central,
	// ap-northeast. Identity and workspaces always use global.
	Region string
	// BaseURL, when set, sends every API to this one host (e.g. the
	// simulator); the token URL then defaults to BaseURL + "/as/token.oauth2".
	BaseURL string
	// TokenURL overrides the token endpoint.
	TokenURL string
	// TenantACID, when set, is sent as the Tenant-Acid header on COM calls.
	TenantACID string
	// Transport is the innermost http.RoundTripper; nil means a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
	// Mode is the seam where live, dry-run, apply, record and replay differ;
	// nil means Live.
	Mode Mode
	// Clock is used for every wait (retry backoff); nil means clock.Real.
	Clock clock.Clock
	// Logger receives debug logs of requests (never secrets); nil discards.
	Logger *slog.Logger
	// RetryMax is the number of retries of a failed request; 0 means 5, -1 none.
	RetryMax int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff when the
	// API gives no wait hint; 0 means 1s and 30s.
	RetryWaitMin, RetryWaitMax time.Duration
}

// Mode decides, for each API request, whether and how it is sent. It sits
// between Client.do and the retry layer:
//
//	builtin -> service -> Client.do -> Mode -> retry -> auth -> transport
type Mode interface {
	// RoundTrip handles req, normally by calling next.RoundTrip(req).
	RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error)
}

// Live sends every request.
type Live struct{}

// RoundTrip sends req.
func (Live) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	return next.RoundTrip(req)
}

// Client talks to GreenLake. Its services are safe for concurrent use.
type Client struct {
	Jobs            *JobsService
	AsyncOps        *AsyncOpsService
	Servers         *ServersService
	Groups          *GroupsService
	FirmwareBundles *FirmwareBundlesService
	Users           *UsersService
	Credentials     *CredentialsService
}

// New returns a Client for cfg. It fails when the configuration is
// incomplete (no client id or secret) with a message that says what to set.
func New(cfg Config) (*Client, error) { panic("unimplemented") }

// APIError is an error answer from GreenLake.
type APIError struct {
	Method     string // request method
	Path       string // request path (no query)
	StatusCode int
	ErrorCode  string // the body's errorCode, if any
	Message    string // the body's message, if any
	DebugID    string // the body's debugId, if any
}

func (e *APIError) Error() string { panic("unimplemented") }

// JobsService is /compute-ops-mgmt/v1/jobs.
type JobsService struct{}

func (s *JobsService) Create(ctx context.Context, req JobCreate) (Object, error) {
	panic("unimplemented")
}
func (s *JobsService) Get(ctx context.Context, id string) (Object, error) { panic("unimplemented") }
func (s *JobsService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	panic("unimplemented")
}
func (s *JobsService) ListFunc(ctx context.Context, opts ListOptions, fn func(Object) error) error {
	panic("unimplemented")
}

// Update sets a job's state (PATCH, application/merge-patch+json).
func (s *JobsService) Update(ctx context.Context, id, state string) (Object, error) {
	panic("unimplemented")
}

// AsyncOpsService is /compute-ops-mgmt/v1/async-operations (cursor pagination).
type AsyncOpsService struct{}

func (s *AsyncOpsService) Get(ctx context.Context, id string) (Object, error) {
	panic("unimplemented")
}
func (s *AsyncOpsService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	panic("unimplemented")
}
func (s *AsyncOpsService) ListFunc(ctx context.Context, opts ListOptions, fn func(Object) error) error {
	panic("unimplemented")
}

// ServersService is /compute-ops-mgmt/v1/servers.
type ServersService struct{}

func (s *ServersService) Get(ctx context.Context, id string) (Object, error) {
	panic("unimplemented")
}
func (s *ServersService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	panic("unimplemented")
}

// GroupsService is /compute-ops-mgmt/v1/groups.
type GroupsService struct{}

func (s *GroupsService) Get(ctx context.Context, id string) (Object, error) {
	panic("unimplemented")
}
func (s *GroupsService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	panic("unimplemented")
}

// FirmwareBundlesService is /compute-ops-mgmt/v1/firmware-bundles.
type FirmwareBundlesService struct{}

func (s *FirmwareBundlesService) Get(ctx context.Context, id string) (Object, error) {
	panic("unimplemented")
}
func (s *FirmwareBundlesService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	panic("unimplemented")
}

// UsersService is /identity/v1/users.
type UsersService struct{}

func (s *UsersService) Get(ctx context.Context, id string) (Object, error) { panic("unimplemented") }
func (s *UsersService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	panic("unimplemented")
}

// Find returns the user whose username is exactly username, or nil, nil.
func (s *UsersService) Find(ctx context.Context, username string) (Object, error) {
	panic("unimplemented")
}
func (s *UsersService) Invite(ctx context.Context, email string, sendWelcomeEmail bool) (InviteResult, error) {
	panic("unimplemented")
}
func (s *UsersService) Update(ctx context.Context, id string, u UserUpdate) (string, error) {
	panic("unimplemented")
}
func (s *UsersService) Delete(ctx context.Context, id string) error { panic("unimplemented") }

// CredentialsService is /workspaces/v1/credentials. Objects it returns hold
// clientSecret as a Secret.
type CredentialsService struct{}

func (s *CredentialsService) Create(ctx context.Context, c CredentialCreate) (Object, error) {
	panic("unimplemented")
}
func (s *CredentialsService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	panic("unimplemented")
}
func (s *CredentialsService) Reset(ctx context.Context, id string) (Object, error) {
	panic("unimplemented")
}
func (s *CredentialsService) Delete(ctx context.Context, id string) error { panic("unimplemented") }
