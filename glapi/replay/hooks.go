package replay

import "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

// redactHook is the go-vcr BeforeSaveHook that removes secrets from an
// interaction before the cassette is written.
func redactHook(i *cassette.Interaction) error {
	redactInteraction(i)
	return nil
}
