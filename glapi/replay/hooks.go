package replay

import (
	"slices"
	"sync"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// redactHook returns the go-vcr BeforeSaveHook that removes secrets from
// an interaction before the cassette is written: by field name, and by the
// values known (by the Recorder's Scrubber, if any, and those found in the
// interactions before: the token request's secret, echoed by a later
// answer, is caught there too). Interactions are redacted in order.
func redactHook(known func() []string) func(i *cassette.Interaction) error {
	var mu sync.Mutex
	var seen []string
	return func(i *cassette.Interaction) error {
		mu.Lock()
		defer mu.Unlock()
		found := redactInteraction(i, append(known(), seen...)...)
		for _, f := range found {
			if len(f) >= 8 && f != Redacted && !slices.Contains(seen, f) {
				seen = append(seen, f)
			}
		}
		return nil
	}
}
