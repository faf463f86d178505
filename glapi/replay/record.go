package replay

import (
	"fmt"
	"net/http"
	"strings"
	"sync"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"

	"glrun/glapi"
)

// Recorder is an http.RoundTripper that sends every request through a real
// transport and keeps the interaction; Stop redacts them all and writes the
// cassette. It is safe for concurrent use.
type Recorder struct {
	file string
	rec  *recorder.Recorder

	mu    sync.Mutex
	scrub *glapi.Scrubber
}

// Record starts recording into the cassette file path (".yaml" is added
// when missing; an existing file is overwritten on Stop). real sends the
// requests; nil means http.DefaultTransport.
func Record(path string, real http.RoundTripper) (*Recorder, error) {
	if real == nil {
		real = http.DefaultTransport
	}
	name := cassetteName(path)
	r := &Recorder{file: name + ".yaml"}
	rec, err := recorder.New(name,
		recorder.WithMode(recorder.ModeRecordOnly),
		recorder.WithRealTransport(real),
		recorder.WithSkipRequestLatency(true),
		recorder.WithHook(redactHook(r.known), recorder.BeforeSaveHook),
	)
	if err != nil {
		return nil, fmt.Errorf("recording cassette %s: %w", name+".yaml", err)
	}
	r.rec = rec
	return r, nil
}

// ScrubWith makes the cassette writer scrub, by value, every secret s knows
// when the cassette is written (pass the client's glapi.Client.Scrubber):
// a secret a server echoed where no field name marks it is caught too.
func (r *Recorder) ScrubWith(s *glapi.Scrubber) {
	r.mu.Lock()
	r.scrub = s
	r.mu.Unlock()
}

// known returns the values the Scrubber knows, if any.
func (r *Recorder) known() []string {
	r.mu.Lock()
	s := r.scrub
	r.mu.Unlock()
	return s.Values()
}

// File returns the path of the cassette file.
func (r *Recorder) File() string { return r.file }

// RoundTrip sends req through the real transport and records the answer.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	return r.rec.RoundTrip(req)
}

// Stop redacts every interaction recorded and writes the cassette.
func (r *Recorder) Stop() error {
	if err := r.rec.Stop(); err != nil {
		return fmt.Errorf("writing cassette %s: %w", r.file, err)
	}
	return nil
}

// cassetteName is the go-vcr name of a cassette file: its path without ".yaml".
func cassetteName(path string) string {
	return strings.TrimSuffix(path, ".yaml")
}
