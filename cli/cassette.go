package cli

import (
	"net/http"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"glrun/clock"
	"glrun/exitcode"
	"glrun/glapi"
	"glrun/glapi/replay"
)

// replayClientID and replaySecret are the placeholder credentials a replay
// runs with: the cassette's token exchange is redacted, so no real secret
// is ever needed (or used).
const (
	replayClientID = "replay"
	replaySecret   = "replay-placeholder"
	replayBaseURL  = "http://replay.invalid"
)

// replayEpoch is where a replay's virtual clock starts when the cassette
// does not say when it was recorded.
var replayEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// registerCassetteFlags adds --record and --replay to a command that runs a
// runbook.
func registerCassetteFlags(fs *pflag.FlagSet, f *targetFlags) {
	fs.StringVar(&f.record, "record", "", "record every HTTP interaction (token exchange included, secrets redacted) into this cassette file (.yaml)")
	fs.StringVar(&f.replay, "replay", "", "answer every request from this cassette instead of the network, on a virtual clock (no credentials needed)")
}

// cassetteState is a target's recorder or player.
type cassetteState struct {
	recorder *replay.Recorder
	player   *replay.Player
	once     sync.Once
	err      error
}

// replayTarget builds the target of --replay: the cassette's player as the
// innermost transport, placeholder credentials and a virtual clock that
// starts when the recording did, so waits and backoff take no wall time.
func (f *targetFlags) replayTarget(cmd *cobra.Command) (*target, error) {
	for _, name := range []string{"sim", "base-url", "region", "token-url", "client-id", "record"} {
		if cmd.Flags().Changed(name) {
			return nil, usageErrorf("--replay and --%s do not go together: a replay answers from the cassette %s and sends nothing", name, f.replay)
		}
	}
	p, err := replay.Open(f.replay)
	if err != nil {
		return nil, withCode(exitcode.Usage, err)
	}
	start := p.Start()
	if start.IsZero() {
		start = replayEpoch
	}
	t := &target{
		cfg: glapi.Config{
			BaseURL:      replayBaseURL,
			ClientID:     replayClientID,
			ClientSecret: glapi.NewSecret(replaySecret),
			TenantACID:   f.tenantACID,
			Transport:    p,
		},
		clock: clock.NewVirtual(start),
	}
	t.cassette.player = p
	return t, nil
}

// startRecording, when path is not empty, puts a recorder under the
// target's transport; the cassette is written by finishRecording (or when
// the target is closed).
func (t *target) startRecording(path string) error {
	if path == "" {
		return nil
	}
	real := t.cfg.Transport
	if real == nil {
		real = http.DefaultTransport.(*http.Transport).Clone()
	}
	rec, err := replay.Record(path, real)
	if err != nil {
		return withCode(exitcode.Usage, err)
	}
	t.cfg.Transport = rec
	if t.cfg.Scrubber == nil {
		t.cfg.Scrubber = glapi.NewScrubber()
	}
	rec.ScrubWith(t.cfg.Scrubber) // the client adds its secret and tokens
	t.cassette.recorder = rec
	prev := t.stop
	t.stop = func() {
		_ = t.finishRecording()
		if prev != nil {
			prev()
		}
	}
	return nil
}

// finishRecording writes the cassette being recorded, once; it returns nil
// when nothing is being recorded.
func (t *target) finishRecording() error {
	if t.cassette.recorder == nil {
		return nil
	}
	t.cassette.once.Do(func() {
		if err := t.cassette.recorder.Stop(); err != nil {
			t.cassette.err = err
		}
	})
	return t.cassette.err
}
