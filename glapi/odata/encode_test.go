package odata

import (
	"net/url"
	"testing"
)

func TestEncode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"createdAt gt 2024-07-01T17:44:30Z", "createdAt%20gt%202024-07-01T17%3A44%3A30Z"},
		{"name eq 'my+group'", "name%20eq%20%27my%2Bgroup%27"},
		{"resource/id eq 'P06760-B21+2M212504P8'", "resource%2Fid%20eq%20%27P06760-B21%2B2M212504P8%27"},
		{"a in (1, 2)", "a%20in%20%281%2C%202%29"},
		{"!#$&'()*+,/:;=?@[]", "%21%23%24%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D"},
		{"é", "%C3%A9"},
		{"a-b.c_d~e%", "a-b.c_d~e%25"},
		{"", ""},
	}
	for _, tt := range tests {
		got := Encode(tt.in)
		if got != tt.want {
			t.Errorf("Encode(%q) = %q, want %q", tt.in, got, tt.want)
		}
		// a server decodes it back exactly, as a query value: + stays +
		q, err := url.ParseQuery("filter=" + got)
		if err != nil || q.Get("filter") != tt.in {
			t.Errorf("decoded %q = %q, %v", got, q.Get("filter"), err)
		}
	}
}
