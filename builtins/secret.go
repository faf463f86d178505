package builtins

import (
	"encoding/json"
	"fmt"

	"go.starlark.net/starlark"

	"glrun/glapi"
)

// Secret is the Starlark value of a credential secret or token. It prints,
// str()s, reprs and JSON-encodes as "<redacted>", is truthy, cannot be
// iterated, indexed, concatenated or hashed, and equals only itself. Go code
// gets the value back with Secret (FromStarlark does the same).
type Secret struct {
	secret glapi.Secret
}

var (
	_ starlark.Value = (*Secret)(nil)
	_ json.Marshaler = (*Secret)(nil)
)

// NewSecretValue wraps s as a Starlark value.
func NewSecretValue(s glapi.Secret) *Secret { return &Secret{secret: s} }

// Secret returns the wrapped glapi.Secret (still redacted when printed).
func (s *Secret) Secret() glapi.Secret { return s.secret }

// String returns "<redacted>".
func (s *Secret) String() string { return glapi.Redacted }

// Type returns "secret".
func (s *Secret) Type() string { return "secret" }

// Freeze does nothing: a secret is immutable.
func (s *Secret) Freeze() {}

// Truth reports true.
func (s *Secret) Truth() starlark.Bool { return starlark.True }

// Hash fails: secrets cannot be dict keys (their hash could leak a hint).
func (s *Secret) Hash() (uint32, error) {
	return 0, fmt.Errorf("unhashable type: secret")
}

// MarshalJSON writes "<redacted>", so json.encode never reveals a secret.
func (s *Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + glapi.Redacted + `"`), nil }

// Format writes "<redacted>" for every verb, so %#v does not reveal it.
func (s *Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(glapi.Redacted)) }
