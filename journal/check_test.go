package journal

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
)

// lostAnswer is a glapi.Mode that sends the first POST and answers it 502,
// as a gateway that lost the server's answer would.
type lostAnswer struct{ done bool }

func (l *lostAnswer) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	resp, err := next.RoundTrip(req)
	if l.done || req.Method != http.MethodPost || err != nil {
		return resp, err
	}
	l.done = true
	resp.Body.Close()
	resp.StatusCode, resp.Status = http.StatusBadGateway, "502 Bad Gateway"
	resp.Body = http.NoBody
	return resp, nil
}

// TestJournalledOutcomeCheckReplays: a job creation answered 502 was
// checked (and adopted) live; the run then crashed while polling. On
// resume, the check's filter holds a time computed on the journal's clock,
// a second off the original, and the journalled check still answers it.
func TestJournalledOutcomeCheckReplays(t *testing.T) {
	w := newWorld(t)
	st := NewFileStore(t.TempDir())
	tpl, _ := glapi.LookupTemplate("restart")
	server := w.sim.ServerIDs()[0]
	rb := func(ctx context.Context, c *glapi.Client, clk clock.Clock, wallTime func()) (glapi.Object, error) {
		if _, err := c.Servers.List(ctx, glapi.ListOptions{}); err != nil {
			return nil, err
		}
		wallTime() // the runbook works a moment: the wall clock moves, not the journal's
		job, err := c.Jobs.CreateChecked(ctx, glapi.JobCreate{JobTemplate: tpl.ID, ResourceID: server, ResourceType: "compute-ops-mgmt/server"})
		if err != nil {
			return nil, err
		}
		for !glapi.JobFinished(job.String("state")) {
			if err := clk.Sleep(ctx, 30*time.Second); err != nil {
				return nil, err
			}
			if job, err = c.Jobs.Get(ctx, job.ID()); err != nil {
				return nil, err
			}
		}
		return job, nil
	}
	run, err := Start(st, w.meta(), w.clk)
	if err != nil {
		t.Fatal(err)
	}
	c := w.client(t, run.Recorder(Chain(&crasher{at: 5}, &lostAnswer{})), w.clk)
	func() {
		defer func() {
			if _, ok := recover().(crash); !ok {
				t.Fatal("the run did not crash")
			}
		}()
		_, _ = rb(context.Background(), c, w.clk, func() { w.clk.Advance(1500 * time.Millisecond) })
	}()
	_ = run.unlock()

	in, err := Inspect(st, run.ID())
	if err != nil {
		t.Fatal(err)
	}
	if in.Status != Crashed || len(in.Summary.JobsInFlight) != 1 || in.Summary.Unknown != 1 {
		t.Errorf("inspect after the crash: %+v", in)
	}

	run, res, err := Resume(st, run.ID(), w.meta(), w.clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	job, err := rb(context.Background(), w.client(t, res, res.Clock()), res.Clock(), func() {})
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	_ = run.Finish(nil)
	if job.String("state") != glapi.JobComplete {
		t.Errorf("job %s", job.String("state"))
	}
	if n := changesSent(w.sim)["POST /compute-ops-mgmt/v1/jobs"]; n != 1 {
		t.Errorf("job created %d times", n)
	}
	if in, _ := Inspect(st, run.ID()); in.Status != Finished || len(in.Summary.JobsInFlight) != 0 {
		t.Errorf("inspect after the resume: %+v", in)
	}
}

func TestFromJournal(t *testing.T) {
	w := newWorld(t)
	st := NewFileStore(t.TempDir())
	id := crashed(t, w, st, 6, false)
	run, res, err := Resume(st, id, w.meta(), w.clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Finish(nil)
	var from []bool
	tap := tapMode{next: res, saw: func(resp *http.Response) { from = append(from, FromJournal(resp)) }}
	c := w.client(t, tap, res.Clock())
	if _, err := c.Servers.List(context.Background(), glapi.ListOptions{PageSize: 2, Limit: 4}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Groups.List(context.Background(), glapi.ListOptions{}); err == nil {
		t.Fatal("a request the journal does not hold should diverge")
	}
	if strings.Trim(strings.Repeat("true ", res.Replayed()), " ") != strings.Trim(strings.Repeat("true ", len(from)), " ") || len(from) != 2 {
		t.Errorf("answers from the journal: %v (replayed %d)", from, res.Replayed())
	}
}

// tapMode shows every answer of next to saw.
type tapMode struct {
	next glapi.Mode
	saw  func(*http.Response)
}

func (m tapMode) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	resp, err := m.next.RoundTrip(req, next)
	if err == nil {
		m.saw(resp)
	}
	return resp, err
}

// TestIdempotentChangeIsSentAgain: a schedule creation carries an
// Idempotency-Key, so a resume sends it again where its answer was not
// journalled, and the API answers with the schedule the first sending
// made: one schedule, whether the crash came before or after sending.
func TestIdempotentChangeIsSentAgain(t *testing.T) {
	for _, after := range []bool{false, true} {
		t.Run(map[bool]string{false: "crash before sending", true: "crash after sending"}[after], func(t *testing.T) {
			w := newWorld(t)
			st := NewFileStore(t.TempDir())
			tpl, _ := glapi.LookupTemplate("restart")
			sc := glapi.ScheduleCreate{
				Name:      "nightly restart",
				Schedule:  glapi.ScheduleWhen{StartAt: start.Add(6 * time.Hour)},
				Operation: glapi.JobOperation(glapi.JobCreate{JobTemplate: tpl.ID, ResourceID: w.sim.ServerIDs()[0], ResourceType: "compute-ops-mgmt/server"}),
			}
			key := glapi.IdempotencyKeyFor("test", "nightly restart")
			rb := func(c *glapi.Client) (glapi.Object, error) {
				if _, err := c.Schedules.List(context.Background(), glapi.ListOptions{}); err != nil {
					return nil, err
				}
				return c.Schedules.Create(context.Background(), sc, glapi.CreateOptions{IdempotencyKey: key})
			}
			run, err := Start(st, w.meta(), w.clk)
			if err != nil {
				t.Fatal(err)
			}
			func() {
				defer func() { _ = recover() }()
				_, _ = rb(w.client(t, run.Recorder(&crasher{at: 2, after: after}), w.clk))
			}()
			_ = run.unlock()
			run, res, err := Resume(st, run.ID(), w.meta(), w.clk, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := rb(w.client(t, res, res.Clock()))
			_ = run.Finish(err)
			if err != nil {
				t.Fatalf("resume: %v", err)
			}
			all, err := w.client(t, nil, w.clk).Schedules.List(context.Background(), glapi.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != 1 || all[0].ID() != got.ID() {
				t.Errorf("schedules %v, want the one the resume answered (%s)", all, got.ID())
			}
			j, _ := st.Read(run.ID())
			if s := Summarize(j.Records); s.Unknown != 0 || s.Sent != 1 {
				t.Errorf("summary %+v, want the first sending voided and one sent", s)
			}
		})
	}
}
