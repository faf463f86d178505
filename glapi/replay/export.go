package replay

import (
	"net/url"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// This file exports, for the run journal (package journal), the two things
// it shares with cassettes: how a request is matched and how secrets are
// removed. Both behave exactly as they do for cassettes.

// Shape is a request as replay matches it: method, path, query and JSON
// body with secrets redacted; host, headers and credentials are ignored.
type Shape struct{ s shape }

// NewShape returns the shape of a request to rawURL (only its path and
// query count) with that Content-Type and body; the body is redacted as a
// recorded one is, so a live request and its redacted record match.
func NewShape(method, rawURL, contentType, body string) Shape {
	u, err := url.Parse(rawURL)
	if err != nil {
		u = &url.URL{Path: rawURL}
	}
	return Shape{newShape(method, u, contentType, body)}
}

// Matches reports whether a request of shape s is answered by a recorded
// request of shape r (a Redacted value in r matches anything).
func (s Shape) Matches(r Shape) bool { return s.s.matches(r.s) }

// Differences lists what differs between the request s and the recorded
// request r, one item per field ("body.resourceId: ... (request) vs ...
// (recorded)").
func (s Shape) Differences(r Shape) []string { return differences(s.s, r.s) }

// String is the request on one line: METHOD /path?query body.
func (s Shape) String() string { return s.s.line() }

// SameEndpoint reports whether s and r have the same method and path.
func (s Shape) SameEndpoint(r Shape) bool {
	return s.s.method == r.s.method && s.s.path == r.s.path
}

// Redact removes every secret from i in place, as a cassette is redacted
// before it is written: secret headers dropped, secret form and JSON fields
// replaced by Redacted, and any other occurrence of a secret value seen in
// i, or of the known ones (a glapi.Scrubber's Values), scrubbed.
func Redact(i *cassette.Interaction, known ...string) { redactInteraction(i, known...) }

// IsSecretName reports whether a field or parameter of that name holds a
// secret (clientSecret, access_token, password, apiKey and the like; case,
// '_' and '-' ignored), as redaction judges JSON fields.
func IsSecretName(name string) bool { return isSecretKey(name) }
