package builtins

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/odata"
)

// fakeSecret is the client secret the fake accepts; it must never be printed.
const fakeSecret = "fake-client-secret-value"

// fakeGL is a small in-memory GreenLake identity and workspaces API: a
// token endpoint, /identity/v1/users and /workspaces/v1/credentials, with
// offset/limit pages of at most pageSize items. It records requests.
type fakeGL struct {
	mu       sync.Mutex
	users    map[string]map[string]any
	creds    map[string]map[string]any
	seq      int
	pageSize int
	requests []string // "METHOD path"
	bodies   []string
}

func newFakeGL() *fakeGL {
	f := &fakeGL{users: map[string]map[string]any{}, creds: map[string]map[string]any{}, pageSize: 2}
	for i, name := range []string{"ann@example.com", "bob@example.com", "cy@example.com"} {
		id := fmt.Sprintf("u-%d", i+1)
		f.users[id] = map[string]any{"id": id, "type": "user", "username": name, "userStatus": "VERIFIED"}
	}
	return f
}

// client starts the fake and returns a glapi.Client talking to it, with
// logs into logBuf.
func (f *fakeGL) client(t *testing.T, logBuf *bytes.Buffer) *glapi.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	c, err := glapi.New(glapi.Config{
		BaseURL: srv.URL, ClientID: "fake-client", ClientSecret: glapi.NewSecret(fakeSecret),
		Clock: clock.NewVirtual(helperEpoch), RetryMax: -1,
		Logger: slog.New(slog.NewTextHandler(logBuf, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fakeGL) sent() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.requests...)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeGL) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/as/token.oauth2" {
		writeJSON(w, 200, map[string]any{"access_token": "tok", "token_type": "Bearer", "expires_in": 3600})
		return
	}
	var body bytes.Buffer
	_, _ = body.ReadFrom(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path)
	f.bodies = append(f.bodies, body.String())
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	notFound := func() {
		writeJSON(w, 404, map[string]any{"errorCode": "HPE_GL_ERROR_NOT_FOUND", "message": "not found", "debugId": "d1"})
	}
	switch {
	case len(parts) == 3 && parts[0] == "identity" && r.Method == http.MethodGet:
		f.list(w, r, f.users)
	case len(parts) == 4 && parts[0] == "identity" && r.Method == http.MethodGet:
		if u, ok := f.users[parts[3]]; ok {
			writeJSON(w, 200, u)
		} else {
			notFound()
		}
	case len(parts) == 3 && parts[0] == "identity" && r.Method == http.MethodPost:
		var in struct{ Email string }
		_ = json.Unmarshal(body.Bytes(), &in)
		f.seq++
		id := fmt.Sprintf("u-new-%d", f.seq)
		f.users[id] = map[string]any{"id": id, "type": "user", "username": in.Email, "userStatus": "UNVERIFIED"}
		w.Header().Set("Location", "/identity/v1/users/"+id)
		writeJSON(w, 200, map[string]any{"message": "User invited"})
	case len(parts) == 4 && parts[0] == "identity" && r.Method == http.MethodPut:
		if _, ok := f.users[parts[3]]; !ok {
			notFound()
			return
		}
		writeJSON(w, 200, map[string]any{"message": "User updated"})
	case len(parts) == 4 && parts[0] == "identity" && r.Method == http.MethodDelete:
		if _, ok := f.users[parts[3]]; !ok {
			notFound()
			return
		}
		delete(f.users, parts[3])
		w.WriteHeader(204)
	case len(parts) == 3 && parts[0] == "workspaces" && r.Method == http.MethodPost:
		var in struct{ CredentialName string }
		_ = json.Unmarshal(body.Bytes(), &in)
		f.seq++
		id := fmt.Sprintf("cred-%d", f.seq)
		f.creds[id] = map[string]any{"id": id, "credentialName": in.CredentialName, "clientId": "cid-" + id}
		out := map[string]any{"clientSecret": fmt.Sprintf("topsecret-%d", f.seq)}
		for k, v := range f.creds[id] {
			out[k] = v
		}
		writeJSON(w, 201, out)
	case len(parts) == 3 && parts[0] == "workspaces" && r.Method == http.MethodGet:
		f.list(w, r, f.creds)
	case len(parts) == 5 && parts[0] == "workspaces" && parts[4] == "reset" && r.Method == http.MethodPost:
		c, ok := f.creds[parts[3]]
		if !ok {
			notFound()
			return
		}
		f.seq++
		out := map[string]any{"clientSecret": fmt.Sprintf("topsecret-%d", f.seq)}
		for k, v := range c {
			out[k] = v
		}
		writeJSON(w, 200, out)
	case len(parts) == 4 && parts[0] == "workspaces" && r.Method == http.MethodDelete:
		if _, ok := f.creds[parts[3]]; !ok {
			notFound()
			return
		}
		delete(f.creds, parts[3])
		w.WriteHeader(204)
	default:
		notFound()
	}
}

// list answers an offset/limit page of items matching the filter.
func (f *fakeGL) list(w http.ResponseWriter, r *http.Request, all map[string]map[string]any) {
	q := r.URL.Query()
	var e odata.Expr
	if text := q.Get("filter"); text != "" {
		var err error
		if e, err = odata.Parse(text); err != nil {
			writeJSON(w, 400, map[string]any{"message": err.Error()})
			return
		}
	}
	ids := make([]string, 0, len(all))
	for id := range all {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var items []any
	for _, id := range ids {
		if e == nil || odata.Eval(e, all[id]) {
			items = append(items, all[id])
		}
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit == 0 || limit > f.pageSize {
		limit = f.pageSize
	}
	total := len(items)
	end := min(offset+limit, total)
	offset = min(offset, total)
	pg := items[offset:end]
	if pg == nil {
		pg = []any{}
	}
	writeJSON(w, 200, map[string]any{"items": pg, "count": len(pg), "offset": offset, "total": total})
}
