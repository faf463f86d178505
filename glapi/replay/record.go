package replay

import (
	"fmt"
	"net/http"
	"strings"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// Recorder is an http.RoundTripper that sends every request through a real
// transport and keeps the interaction; Stop redacts them all and writes the
// cassette. It is safe for concurrent use.
type Recorder struct {
	file string
	rec  *recorder.Recorder
}

// Record starts recording into the cassette file path (".yaml" is added
// when missing; an existing file is overwritten on Stop). real sends the
// requests; nil means http.DefaultTransport.
func Record(path string, real http.RoundTripper) (*Recorder, error) {
	if real == nil {
		real = http.DefaultTransport
	}
	name := cassetteName(path)
	rec, err := recorder.New(name,
		recorder.WithMode(recorder.ModeRecordOnly),
		recorder.WithRealTransport(real),
		recorder.WithSkipRequestLatency(true),
		recorder.WithHook(redactHook, recorder.BeforeSaveHook),
	)
	if err != nil {
		return nil, fmt.Errorf("recording cassette %s: %w", name+".yaml", err)
	}
	return &Recorder{file: name + ".yaml", rec: rec}, nil
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
