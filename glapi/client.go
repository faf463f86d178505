// Package glapi is the Go client for the HPE GreenLake APIs glrun drives:
// Compute Ops Management (jobs, async operations, servers, groups, firmware
// bundles, activities), identity users and workspaces credentials, and the
// platform APIs of onboarding (devices, subscriptions, the service catalog,
// authorization, SCIM user groups and the audit log). Every request goes
// through one transport chain:
//
//	service -> Client.do -> Mode -> retry -> limit -> auth -> Transport
//
// so that dry-run, apply, record and replay differ in the Mode only.
package glapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"

	"glrun/clock"
)

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
	Devices         *DevicesService
	Subscriptions   *SubscriptionsService
	ServiceCatalog  *ServiceCatalogService
	Authorization   *AuthorizationService
	SCIMGroups      *SCIMGroupsService
	Audit           *AuditService

	// ApprovalPolicies, ApprovalRequests and Schedules are the change
	// control of Compute Ops Management (v1beta2).
	ApprovalPolicies *ApprovalPoliciesService
	ApprovalRequests *ApprovalRequestsService
	Schedules        *SchedulesService

	endpoints Endpoints
	tenant    string
	mode      Mode
	next      http.RoundTripper // the retry layer
	log       *slog.Logger
	clock     clock.Clock // for "just before" times of outcome checks
	scrub     *Scrubber   // the client secret and the tokens seen
	auth      *authTransport

	readRetries   int           // times a GET with an unreadable answer is sent again
	readRetryWait time.Duration // first wait before that (then 2x, 3x...)
	maxPages      int           // the most pages one listing reads
	region        string        // the Compute Ops Management region (Region)
}

// New returns a Client for cfg. It fails when the configuration is
// incomplete (no client id or secret: ErrNoCredentials, with a message that
// says what to set) or invalid (unknown region, malformed URL:
// ErrInvalidConfig).
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.ClientID) == "" || cfg.ClientSecret.Reveal() == "" {
		return nil, ErrNoCredentials
	}
	ep, err := resolveEndpoints(cfg)
	if err != nil {
		return nil, err
	}
	base := cfg.Transport
	if base == nil {
		base = http.DefaultTransport.(*http.Transport).Clone()
	}
	idle := cfg.IdleTimeout
	switch {
	case idle == 0:
		idle = DefaultIdleTimeout
	case idle < 0:
		idle = 0
	}
	maxBody := cfg.MaxResponseBytes
	switch {
	case maxBody == 0:
		maxBody = DefaultMaxResponseBytes
	case maxBody < 0:
		maxBody = 0
	}
	base = guardTransport{next: base, idle: idle, max: maxBody}
	clk := cfg.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mode := cfg.Mode
	if mode == nil {
		mode = Live{}
	}
	if err := cfg.RateLimits.Validate(); err != nil {
		return nil, err
	}
	scrub := cfg.Scrubber
	if scrub == nil {
		scrub = NewScrubber()
	}
	scrub.Add(cfg.ClientSecret.Reveal())
	scrub.addBasic(cfg.ClientID, cfg.ClientSecret.Reveal())
	auth := newAuthTransport(cfg, ep.Token, base, scrub)
	c := &Client{
		endpoints: ep,
		tenant:    cfg.TenantACID,
		mode:      mode,
		next:      newRetryTransport(cfg, newLimitTransport(cfg, auth, clk, log), clk, log),
		log:       log,
		clock:     clk,
		scrub:     scrub,
		region:    cfg.Region,
		auth:      auth,

		readRetries:   maxReadRetries,
		readRetryWait: cfg.RetryWaitMin,
		maxPages:      cfg.MaxPages,
	}
	if c.maxPages <= 0 {
		c.maxPages = DefaultMaxPages
	}
	if cfg.RetryMax < 0 {
		c.readRetries = 0
	}
	if c.readRetryWait <= 0 {
		c.readRetryWait = time.Second
	}
	if c.region == "" {
		c.region = DefaultRegion
	}
	c.Jobs = &JobsService{c: c}
	c.AsyncOps = &AsyncOpsService{c: c}
	c.Servers = &ServersService{c: c}
	c.Groups = &GroupsService{c: c}
	c.FirmwareBundles = &FirmwareBundlesService{c: c}
	c.Users = &UsersService{c: c}
	c.Credentials = &CredentialsService{c: c}
	c.Devices = &DevicesService{c: c}
	c.Subscriptions = &SubscriptionsService{c: c}
	c.ServiceCatalog = &ServiceCatalogService{c: c}
	c.Authorization = &AuthorizationService{c: c}
	c.SCIMGroups = &SCIMGroupsService{c: c}
	c.Audit = &AuditService{c: c}
	c.ApprovalPolicies = &ApprovalPoliciesService{c: c}
	c.ApprovalRequests = &ApprovalRequestsService{c: c}
	c.Schedules = &SchedulesService{c: c}
	return c, nil
}

// Scrubber returns the Scrubber that knows the client secret and every
// token the client has received: apply it to anything written out that
// may quote a server's answer (logs, reports). Errors returned by the
// client are scrubbed already.
func (c *Client) Scrubber() *Scrubber { return c.scrub }

// maxReadRetries is how many times a GET whose answer was cut short or not
// JSON is sent again.
const maxReadRetries = 2

// Region returns the Compute Ops Management region the client talks to
// (the configured one, else DefaultRegion): where a device must be
// assigned for this client's COM to manage it.
func (c *Client) Region() string { return c.region }

// BaseURLs returns the hosts the client talks to, for describing the
// target of a run ("compute: https://us-west.api.greenlake.hpe.com ...").
func (c *Client) BaseURLs() Endpoints { return c.endpoints }

// api is the family of an endpoint, which decides its host.
type api int

const (
	apiCompute api = iota
	apiGlobal
)

// Path prefixes of the APIs.
const (
	prefixCompute        = "/compute-ops-mgmt/v1"
	prefixComputeBeta    = "/compute-ops-mgmt/v1beta2"
	prefixIdentity       = "/identity/v1"
	prefixWorkspaces     = "/workspaces/v1"
	prefixDevicesV1      = "/devices/v1"
	prefixDevicesV2      = "/devices/v2beta1"
	prefixSubscriptions  = "/subscriptions/v1"
	prefixServiceCatalog = "/service-catalog/v1"
	prefixAuthorization  = "/authorization/v1beta1"
	prefixSCIM           = "/identity/v2beta1/scim/v2"
	prefixAuditLog       = "/audit-log/v2beta1"
	contentSCIM          = "application/scim+json"
	contentJSON          = "application/json"
	contentMergePatch    = "application/merge-patch+json"
)

// call is one API request as a service describes it: the collection, the
// object and the action, from which the path is built (so the description
// attached to the request never has to be parsed back out of its path).
type call struct {
	api      api
	method   string
	coll     string     // the collection's path, one of the Collection* constants
	id       string     // the object, "" for the collection
	action   string     // what follows the id, such as "reset"; "" for none
	query    url.Values // without the filter
	filter   string     // raw filter text, encoded as docs/filters.md says
	body     any        // marshalled as JSON when non-nil
	bodyType string     // Content-Type of body; application/json by default
	job      *JobCreate // the body of a job creation

	header http.Header // extra request headers, such as Idempotency-Key
	// dryRunnable marks a write whose API honours dry-run=true.
	dryRunnable bool
}

// path is the escaped path of c.
func (c call) path() string {
	var segs []string
	if c.id != "" {
		segs = append(segs, c.id)
	}
	if c.action != "" {
		segs = append(segs, c.action)
	}
	return joinPath(c.coll, segs...)
}

// endpoint is "METHOD /path" for messages.
func (c call) endpoint() string { return c.method + " " + unescapePath(c.path()) }

// describe is the Call that c attaches to its request; outcomeCheck marks
// the reads that look for the result of a change whose outcome was unknown.
func (c call) describe(outcomeCheck bool) Call {
	return Call{
		Resource:     c.coll[strings.LastIndexByte(c.coll, '/')+1:],
		Collection:   c.coll,
		ID:           c.id,
		Action:       c.action,
		Method:       c.method,
		Mutates:      mutates(c.method),
		OutcomeCheck: outcomeCheck && c.method == http.MethodGet,
		Job:          c.job,
		DryRunnable:  c.dryRunnable,
	}
}

// mutates reports whether a request of method changes something.
func mutates(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// do sends cl through the chain and returns a 2xx response, or an error:
// *APIError for a non-2xx answer (wrapping ErrOutcomeUnknown for a POST or
// PATCH answered 500, 502 or 504), ErrOutcomeUnknown for a POST or PATCH
// whose connection broke after sending, or the transport's error.
func (c *Client) do(ctx context.Context, cl call) (*http.Response, error) {
	resp, err := c.send(ctx, cl)
	return resp, c.scrub.Error(err)
}

// send is do without the scrubbing of errors.
func (c *Client) send(ctx context.Context, cl call) (*http.Response, error) {
	req, err := c.newRequest(ctx, cl)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	resp, err := c.mode.RoundTrip(req, c.next)
	if err != nil {
		return nil, c.transportError(ctx, cl, err)
	}
	c.log.Debug("api request", "method", cl.method, "path", unescapePath(cl.path()),
		"status", resp.StatusCode, "duration", time.Since(start))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxHintBody))
	_ = resp.Body.Close()
	apiErr := newAPIError(cl.method, unescapePath(cl.path()), resp.StatusCode, c.scrub.Bytes(body))
	if !idempotent(cl.method) {
		switch resp.StatusCode {
		case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
			return nil, fmt.Errorf("%w: %w", apiErr, ErrOutcomeUnknown)
		}
	}
	return nil, apiErr
}

// transportError adds the endpoint to an error that came back instead of
// a response (the retry layer has already marked a POST or PATCH whose fate
// is unknown with ErrOutcomeUnknown).
func (c *Client) transportError(ctx context.Context, cl call, err error) error {
	var te *TokenError
	var fe *FilterError
	if errors.As(err, &te) || errors.As(err, &fe) {
		return err
	}
	if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		return fmt.Errorf("%s: %w (%w)", cl.endpoint(), ctx.Err(), err)
	}
	return fmt.Errorf("%s: %w", cl.endpoint(), err)
}

// newRequest builds the *http.Request for cl, with its headers.
func (c *Client) newRequest(ctx context.Context, cl call) (*http.Request, error) {
	if cl.id != "" {
		if err := checkID(cl.id); err != nil {
			return nil, fmt.Errorf("%s %s/{id}: %w", cl.method, cl.coll, err)
		}
	}
	host := c.endpoints.Global
	if cl.api == apiCompute {
		host = c.endpoints.Compute
	}
	raw := host + cl.path()
	q := cl.query.Encode()
	if cl.filter != "" {
		if q != "" {
			q += "&"
		}
		q += "filter=" + encodeFilter(cl.filter)
	}
	if q != "" {
		raw += "?" + q
	}
	var body io.Reader
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			return nil, fmt.Errorf("%s: encoding request body: %w", cl.endpoint(), err)
		}
		body = bytes.NewReader(b)
	}
	ctx = WithCall(ctx, cl.describe(isOutcomeCheck(ctx)))
	req, err := http.NewRequestWithContext(ctx, cl.method, raw, body)
	if err != nil {
		return nil, fmt.Errorf("%s: building request: %w", cl.endpoint(), err)
	}
	req.Header.Set("Accept", contentJSON)
	if cl.body != nil {
		ct := cl.bodyType
		if ct == "" {
			ct = contentJSON
		}
		req.Header.Set("Content-Type", ct)
	}
	for k, vs := range cl.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if c.tenant != "" && cl.api == apiCompute {
		req.Header.Set("Tenant-Acid", c.tenant)
	}
	return req, nil
}

// doJSON sends cl and decodes a JSON answer into out (unless out is nil or
// the answer has no body). It returns the answer's headers.
//
// A read (GET) whose 2xx answer is cut short or is not JSON is sent again,
// at most readRetries times, a backoff apart on the Clock: reading twice
// changes nothing, and a proxy or a dropped connection mangles one answer,
// rarely the next. The error names the attempts when all failed.
func (c *Client) doJSON(ctx context.Context, cl call, out any) (http.Header, error) {
	for attempt := 1; ; attempt++ {
		h, err := c.doJSONOnce(ctx, cl, out)
		var de *decodeError
		var big *ResponseTooLargeError
		if err == nil || !errors.As(err, &de) || errors.As(err, &big) || cl.method != http.MethodGet {
			return h, err
		}
		if attempt > c.readRetries {
			if attempt > 1 {
				err = fmt.Errorf("%w (after %d attempts)", err, attempt)
			}
			return nil, err
		}
		wait := c.readRetryWait * time.Duration(attempt)
		c.log.Debug("retrying request", "method", cl.method, "path", unescapePath(cl.path()),
			"attempt", attempt+1, "wait", wait, "why", "unreadable answer: "+de.err.Error())
		if out != nil {
			reflect.ValueOf(out).Elem().SetZero()
		}
		if err := c.clock.Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s: waiting to read again: %w", cl.endpoint(), err)
		}
	}
}

// decodeError marks an answer that could not be read or decoded.
type decodeError struct{ err error }

func (e *decodeError) Error() string { return e.err.Error() }
func (e *decodeError) Unwrap() error { return e.err }

// doJSONOnce is one attempt of doJSON.
func (c *Client) doJSONOnce(ctx context.Context, cl call, out any) (http.Header, error) {
	resp, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	defer drain(resp)
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return resp.Header, nil
	}
	if err := decodeJSON(resp.Body, out); err != nil {
		err = &decodeError{err: err}
		if !idempotent(cl.method) {
			// It took effect (2xx), but what it made was lost with the answer.
			return nil, c.scrub.Error(fmt.Errorf("%s: decoding the answer: %w: %w", cl.endpoint(), err, ErrOutcomeUnknown))
		}
		return nil, c.scrub.Error(fmt.Errorf("%s: decoding the answer: %w", cl.endpoint(), err))
	}
	return resp.Header, nil
}

// getObject GETs one object of a collection, and checks that the answer
// is the object asked for (its id is id): an answer about another object
// is an error (*WrongObjectError), never taken for the one asked.
func (c *Client) getObject(ctx context.Context, a api, coll, id string) (Object, error) {
	var o Object
	cl := call{api: a, method: http.MethodGet, coll: coll, id: id}
	if _, err := c.doJSON(ctx, cl, &o); err != nil {
		return nil, err
	}
	if got, _ := o["id"].(string); got != id {
		return nil, c.scrub.Error(&WrongObjectError{Endpoint: cl.endpoint(), Asked: id, Got: got})
	}
	return o, nil
}

// WrongObjectError is returned when the answer to a GET of one object by
// id is about another object (or has no id): glrun asked for Asked and the
// server answered with Got ("" when the answer had no id).
type WrongObjectError struct {
	Endpoint   string // "GET /path/id"
	Asked, Got string
}

// Error says which id was asked and which answered.
func (e *WrongObjectError) Error() string {
	if e.Got == "" {
		return fmt.Sprintf("%s: the answer has no id, so it cannot be told to be the object asked (%q); not used", e.Endpoint, e.Asked)
	}
	return fmt.Sprintf("%s: the answer is about id %q, not the id asked (%q); not used", e.Endpoint, e.Got, e.Asked)
}

// decodeJSON decodes exactly one JSON value from r, keeping numbers as
// json.Number.
func decodeJSON(r io.Reader, out any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("empty answer: %w", io.ErrUnexpectedEOF)
		}
		return err
	}
	return nil
}

// drain reads what is left of resp's body and closes it, so the connection
// can be reused.
func drain(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxHintBody))
	_ = resp.Body.Close()
}
