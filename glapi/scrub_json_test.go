package glapi

import (
	"encoding/json"
	"testing"
)

// A secret written inside a JSON document (escaped, with or without HTML
// escaping) is scrubbed too.
func TestScrubberScrubsJSONEscapedForms(t *testing.T) {
	const secret = `p<a>ss&"w\rd"-0123`
	s := NewScrubber(secret)
	doc, _ := json.Marshal(map[string]string{"error": "bad " + secret})
	if got := s.String(string(doc)); got != `{"error":"bad <redacted>"}` {
		t.Errorf("HTML-escaped JSON: %s", got)
	}
	raw := `{"error":"bad p<a>ss&\"w\\rd\"-0123"}`
	if got := s.String(raw); got != `{"error":"bad <redacted>"}` {
		t.Errorf("JSON without HTML escaping: %s", got)
	}
}

// WorkspaceClaim reads hpe_workspace_id from a JWT's payload, and nothing
// from what is not a JWT.
func TestWorkspaceClaim(t *testing.T) {
	tests := []struct{ token, want string }{
		{"eyJhbGciOiJub25lIn0.eyJocGVfd29ya3NwYWNlX2lkIjoid3MtMSJ9.c2ln", "ws-1"},
		{"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln", ""},
		{"9163c936b93911ee822c16e5bfc542a7", ""},
		{"a.!!!.c", ""},
		{"a.bm90IGpzb24.c", ""},
	}
	for _, tt := range tests {
		if got := WorkspaceClaim(tt.token); got != tt.want {
			t.Errorf("WorkspaceClaim(%q) = %q, want %q", tt.token, got, tt.want)
		}
	}
}
