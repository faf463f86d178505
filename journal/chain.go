package journal

import (
	"net/http"

	"glrun/glapi"
)

// Chain returns the glapi.Mode that hands each request to outer, with inner
// between outer and the wire: what outer sends goes through inner. It puts
// a mode that must see every call, replayed or live, above the journal:
//
//	glrun apply:   Chain(apply, run.Recorder(nil))
//	glrun resume:  Chain(apply, resumer)   (for a resumed apply)
//
// so that the apply's check of each change against the plan also sees the
// changes a resume answers from the journal.
func Chain(outer, inner glapi.Mode) glapi.Mode { return chained{outer, inner} }

type chained struct{ outer, inner glapi.Mode }

// RoundTrip runs outer, whose next is inner in front of next.
func (c chained) RoundTrip(req *http.Request, next http.RoundTripper) (*http.Response, error) {
	return c.outer.RoundTrip(req, bound{c.inner, next})
}

// bound is a mode bound to the transport it sends through.
type bound struct {
	mode glapi.Mode
	next http.RoundTripper
}

func (b bound) RoundTrip(req *http.Request) (*http.Response, error) {
	return b.mode.RoundTrip(req, b.next)
}
