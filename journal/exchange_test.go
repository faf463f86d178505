package journal

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestJournalExchangeRedacts(t *testing.T) {
	const known = "tok-0123456789abcdef"
	req := httptest.NewRequest(http.MethodPost, "http://h/workspaces/v1/credentials?trace="+known,
		strings.NewReader(`{"credentialName":"ci","password":"hunter2hunter2"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+known)
	resp := &http.Response{StatusCode: 201, Header: http.Header{
		"Content-Type": {"application/json"}, "Location": {"/workspaces/v1/credentials/c1"},
		"Set-Cookie": {"session=abcdefghijkl"}, "X-Echo": {known},
	}}
	body := []byte(`{"id":"c1","credentialName":"ci","clientSecret":"cs-9876543210fedcba","note":"made with ` + known + `"}`)
	jr, jresp := journalExchange(req, []byte(`{"credentialName":"ci","password":"hunter2hunter2"}`), resp, body, []string{known})
	line, err := encodeLine(Record{Seq: 1, Kind: KindRead, Request: jr, Response: jresp})
	if err != nil {
		t.Fatal(err)
	}
	text := string(line)
	for _, bad := range []string{known, "hunter2hunter2", "cs-9876543210fedcba", "abcdefghijkl", "X-Echo", "Authorization"} {
		if strings.Contains(text, bad) {
			t.Errorf("the record holds %q:\n%s", bad, text)
		}
	}
	for _, good := range []string{`\"credentialName\":\"ci\"`, `"Location":"/workspaces/v1/credentials/c1"`, `\"clientSecret\":\"<redacted>\"`, `"status":201`} {
		if !strings.Contains(text, good) {
			t.Errorf("the record lacks %q:\n%s", good, text)
		}
	}
}
