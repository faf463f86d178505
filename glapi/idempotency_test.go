package glapi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"glrun/glapi"
	"glrun/glapi/sim"
)

// cutTransport loses the answer of the first POST it sees: "after" forwards
// it (the simulator processes it) and then reports a broken connection;
// "before" reports the broken connection without forwarding (the request
// never arrived, yet the client cannot know).
type cutTransport struct {
	base  http.RoundTripper
	when  string // "after" or "before"
	mu    sync.Mutex
	cut   bool
	posts int
}

func (c *cutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost || strings.HasSuffix(req.URL.Path, "/token.oauth2") {
		return c.base.RoundTrip(req)
	}
	c.mu.Lock()
	c.posts++
	first := !c.cut
	c.cut = true
	c.mu.Unlock()
	if !first {
		return c.base.RoundTrip(req)
	}
	if c.when == "after" {
		resp, err := c.base.RoundTrip(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}
	}
	return nil, io.ErrUnexpectedEOF
}

// outcomeClient is a client of a fresh simulator (virtual clock) whose
// first POST is cut as c says; the log goes to logs.
func outcomeClient(t *testing.T, c *cutTransport, logs *bytes.Buffer) (*glapi.Client, *sim.Sim) {
	t.Helper()
	c.base = http.DefaultTransport
	env := newSimEnv(t, sim.Options{}, func(cfg *glapi.Config) {
		cfg.Transport, cfg.Logger = c, slog.New(slog.NewTextHandler(logs, nil))
	})
	return env.c, env.sim
}

// TestUnknownOutcomeIsCheckedNotResentBlindly loses the answer of each kind
// of POST glrun can check, once after the simulator processed it and once
// before it arrived: processed, the object is found and adopted (sent once);
// never arrived, it is sent once more; either way a warning says so and the
// object exists exactly once.
func TestUnknownOutcomeIsCheckedNotResentBlindly(t *testing.T) {
	ctx := context.Background()
	type op struct {
		name  string
		do    func(*glapi.Client, *sim.Sim) error
		count func(*sim.Sim) int
	}
	ops := []op{
		{"job", func(c *glapi.Client, s *sim.Sim) error {
			tmpl, _ := glapi.LookupTemplate("restart")
			_, err := c.Jobs.CreateChecked(ctx, glapi.JobCreate{JobTemplate: tmpl.ID, ResourceID: s.ServerIDs()[0], ResourceType: tmpl.ResourceType})
			return err
		}, func(s *sim.Sim) int { return len(s.Jobs()) }},
		{"invite", func(c *glapi.Client, _ *sim.Sim) error {
			_, err := c.Users.InviteChecked(ctx, "ana.new@example.com", true)
			return err
		}, func(s *sim.Sim) int { return len(s.Users()) }},
		{"credential", func(c *glapi.Client, _ *sim.Sim) error {
			cred, err := c.Credentials.CreateChecked(ctx, glapi.CredentialCreate{CredentialName: "ci automation"})
			if err == nil && cred.ID() == "" {
				return errors.New("no credential returned")
			}
			return err
		}, func(s *sim.Sim) int { return len(s.Credentials()) }},
	}
	cases := []struct {
		when      string
		wantPosts int
		warning   string
	}{
		{"after", 1, "adopt"},
		{"before", 2, "sending it once more"},
	}
	for _, o := range ops {
		for _, tc := range cases {
			t.Run(o.name+"/cut "+tc.when, func(t *testing.T) {
				var logs bytes.Buffer
				cut := &cutTransport{when: tc.when}
				c, s := outcomeClient(t, cut, &logs)
				before := o.count(s)
				if err := o.do(c, s); err != nil {
					t.Fatalf("want the outcome checked and the call to succeed, got %v", err)
				}
				if got := o.count(s); got != before+1 {
					t.Errorf("%d objects, want %d: created exactly once", got, before+1)
				}
				if cut.posts != tc.wantPosts {
					t.Errorf("POST sent %d times, want %d", cut.posts, tc.wantPosts)
				}
				if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), tc.warning) {
					t.Errorf("log should warn %q:\n%s", tc.warning, logs.String())
				}
			})
		}
	}
}

// TestUnknownOutcomeOfResetIsAnError: a credential reset cannot be checked
// (the new secret is readable only in the lost answer), so its unknown
// outcome is an error wrapping ErrOutcomeUnknown, sent once, naming the
// endpoint.
func TestUnknownOutcomeOfResetIsAnError(t *testing.T) {
	var logs bytes.Buffer
	cut := &cutTransport{when: "after"}
	c, s := outcomeClient(t, cut, &logs)
	id := s.Credentials()[0].ID()
	_, err := c.Credentials.Reset(context.Background(), id)
	if !errors.Is(err, glapi.ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
	}
	if !strings.Contains(err.Error(), "/workspaces/v1/credentials/"+id+"/reset") || cut.posts != 1 {
		t.Errorf("error %q (after %d POSTs) should name the endpoint; one POST only", err, cut.posts)
	}
}

// TestRetriedDeleteOfAGoneObjectSucceeds: a DELETE whose answer was lost is
// retried (DELETE is idempotent); the retry's 404 means the first attempt
// deleted it, so the call succeeds and the log says why.
func TestRetriedDeleteOfAGoneObjectSucceeds(t *testing.T) {
	var logs bytes.Buffer
	cut := &deleteCut{base: http.DefaultTransport}
	env := newSimEnv(t, sim.Options{}, func(cfg *glapi.Config) {
		cfg.Transport, cfg.Logger = cut, slog.New(slog.NewTextHandler(&logs, nil))
	})
	c, s := env.c, env.sim
	id := s.Credentials()[0].ID()
	if err := c.Credentials.Delete(context.Background(), id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if cut.deletes != 2 || len(s.Credentials()) != 2 {
		t.Errorf("%d DELETEs, %d credentials left; want 2 and 2", cut.deletes, len(s.Credentials()))
	}
	if !strings.Contains(logs.String(), "the first attempt deleted it") {
		t.Errorf("log should say why a 404 is success:\n%s", logs.String())
	}
}

// deleteCut processes the first DELETE and then loses its answer.
type deleteCut struct {
	base    http.RoundTripper
	mu      sync.Mutex
	deletes int
}

func (d *deleteCut) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodDelete {
		return d.base.RoundTrip(req)
	}
	d.mu.Lock()
	d.deletes++
	n := d.deletes
	d.mu.Unlock()
	resp, err := d.base.RoundTrip(req)
	if n == 1 && err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return nil, io.ErrUnexpectedEOF
	}
	return resp, err
}

// TestJobAdoptionOnlyOfOurOwnJob: after a job creation with an unknown
// outcome, glrun adopts only a job created after its request was sent
// (less glapi.JobAdoptSkew) with the same parameters. Someone else's job
// from a minute before is ignored (the request is sent once more); one
// from just before with other parameters, or two that match, leave the
// outcome unknown: an error, never a success.
func TestJobAdoptionOnlyOfOurOwnJob(t *testing.T) {
	tmpl, _ := glapi.LookupTemplate("restart")
	tests := []struct {
		name        string
		otherParams map[string]any // the other client's job
		otherAgo    time.Duration  // created this long before glrun's POST
		cut         string         // when glrun's POST is cut
		wantPosts   int
		wantErr     string // "" for success
	}{
		{"someone else's job a minute before is not adopted", nil, time.Minute, "before", 2, ""},
		{"someone else's job just before with other parameters", map[string]any{"power_off": true}, 5 * time.Second, "before", 1,
			"0 with the same parameters: glrun cannot tell whether one of them is its own"},
		{"two jobs that match", nil, 5 * time.Second, "after", 1,
			"2 with the same parameters: glrun cannot tell whether one of them is its own"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			env := newSimEnv(t, sim.Options{})
			s, vc := env.sim, env.clk
			newClient := func(rt http.RoundTripper, logs *bytes.Buffer) *glapi.Client {
				return env.client(t, func(cfg *glapi.Config) {
					cfg.Transport, cfg.Logger = rt, slog.New(slog.NewTextHandler(logs, nil))
				})
			}
			server := s.ServerIDs()[0]
			other, err := newClient(nil, &bytes.Buffer{}).Jobs.Create(ctx, glapi.JobCreate{JobTemplate: tmpl.ID,
				ResourceID: server, ResourceType: tmpl.ResourceType, JobParams: tt.otherParams})
			if err != nil {
				t.Fatal(err)
			}
			vc.Advance(tt.otherAgo)
			var logs bytes.Buffer
			cut := &cutTransport{when: tt.cut, base: http.DefaultTransport}
			job, err := newClient(cut, &logs).Jobs.CreateChecked(ctx, glapi.JobCreate{JobTemplate: tmpl.ID,
				ResourceID: server, ResourceType: tmpl.ResourceType})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CreateChecked: %v", err)
				}
				if job.ID() == other.ID() {
					t.Errorf("adopted someone else's job %s", other.ID())
				}
			} else {
				if !errors.Is(err, glapi.ErrOutcomeUnknown) || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), other.ID()) {
					t.Fatalf("err = %v, want ErrOutcomeUnknown saying %q and naming %s", err, tt.wantErr, other.ID())
				}
				if job != nil {
					t.Errorf("returned job %v with an unknown outcome", job)
				}
			}
			if cut.posts != tt.wantPosts {
				t.Errorf("POST sent %d times, want %d", cut.posts, tt.wantPosts)
			}
		})
	}
}
