package glapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"glrun/glapi/odata"
)

const plusID = "P06760-B21+2M212504P8"

// TestPlusInIDsTravelsEscaped: ids with "+" (and other reserved bytes) are
// sent as %2B in paths; the readable id is in errors. (An id with "/" is
// refused: TestUnsafeIDsRefusedBeforeSending.)
func TestPlusInIDsTravelsEscaped(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"id": idOf(r)})
	})
	c := testClient(t, f, newRecClock(), nil)
	ctx := context.Background()
	if _, err := c.Servers.Get(ctx, plusID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Jobs.Get(ctx, "a b&c?d#e"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"GET /compute-ops-mgmt/v1/servers/P06760-B21%2B2M212504P8",
		"GET /compute-ops-mgmt/v1/jobs/a%20b%26c%3Fd%23e",
	}
	if diff := cmp.Diff(want, f.requests()); diff != "" {
		t.Errorf("request URIs (-want +got):\n%s", diff)
	}
}

// TestFilterEncodedAndValidated: a filter travels percent-encoded (%20,
// %2B, never form-encoded); an invalid one is refused before sending.
func TestFilterEncodedAndValidated(t *testing.T) {
	f := newFake(t, pagedServer(1, 10, false, true))
	c := testClient(t, f, newRecClock(), nil)
	ctx := context.Background()
	if _, err := c.Jobs.List(ctx, ListOptions{Filter: "resource/id eq '" + plusID + "'"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users.Find(ctx, "o'brien@example.com"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"GET /compute-ops-mgmt/v1/jobs?limit=1000&filter=resource%2Fid%20eq%20%27P06760-B21%2B2M212504P8%27",
		"GET /identity/v1/users?limit=600&filter=username%20eq%20%27o%27%27brien%40example.com%27",
	}
	if diff := cmp.Diff(want, f.requests()); diff != "" {
		t.Errorf("request URIs (-want +got):\n%s", diff)
	}

	for _, tc := range []struct{ name, filter string }{
		{"syntax", "state == 'ERROR'"},
		{"unknown property", "stat eq 'ERROR'"},
	} {
		_, err := c.Jobs.List(ctx, ListOptions{Filter: tc.filter})
		var fe *FilterError
		if !errors.As(err, &fe) || fe.Resource != odata.ResourceJobs || fe.Filter != tc.filter {
			t.Errorf("%s: err = %v, want a FilterError for jobs", tc.name, err)
		}
	}
	if got := len(f.requests()); got != 2 {
		t.Errorf("requests = %d, want 2: invalid filters must send nothing", got)
	}
}

// TestServiceRequests: each mutation sends the method, path, content type
// and body the API documents, and returns what it answers.
func TestServiceRequests(t *testing.T) {
	type sent struct{ Method, URI, ContentType, Body string }
	var got []sent
	f := newFake(t, nil)
	f.api = func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		got = append(got, sent{r.Method, r.RequestURI, r.Header.Get("Content-Type"), strings.TrimSpace(f.bodies[len(f.bodies)-1])})
		f.mu.Unlock()
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/identity/v1/users":
			w.Header().Set("Location", "/identity/v1/users/u-new")
			writeJSON(w, 201, map[string]string{"message": "User invited"})
		case r.Method == http.MethodPut:
			writeJSON(w, 200, map[string]string{"message": "updated"})
		case r.Method == http.MethodDelete:
			w.WriteHeader(204)
		case strings.HasPrefix(r.URL.Path, "/workspaces"):
			writeJSON(w, 201, map[string]any{"id": "c1", "clientId": "c1", "clientSecret": "very-secret"})
		default:
			writeJSON(w, 200, map[string]any{"id": "j1", "state": "COMPLETE", "generation": 3})
		}
	}
	c := testClient(t, f, newRecClock(), nil, func(c *Config) { c.TenantACID = "acid-1" })
	ctx := context.Background()

	job, err := c.Jobs.Update(ctx, "j1", "ERROR")
	if err != nil || job.String("state") != "COMPLETE" || fmt.Sprint(job["generation"]) != "3" {
		t.Errorf("Update = %v, %v", job, err)
	}
	inv, err := c.Users.Invite(ctx, "new@example.com", false)
	if err != nil || inv != (InviteResult{Message: "User invited", Location: "/identity/v1/users/u-new"}) {
		t.Errorf("Invite = %+v, %v", inv, err)
	}
	lang, idle := "de", 900
	if msg, err := c.Users.Update(ctx, "u1", UserUpdate{Language: &lang, IdleTimeout: &idle}); err != nil || msg != "updated" {
		t.Errorf("Update user = %q, %v", msg, err)
	}
	if err := c.Users.Delete(ctx, "u1"); err != nil {
		t.Error(err)
	}
	cred, err := c.Credentials.Create(ctx, CredentialCreate{CredentialName: "ops", TenantID: "t1", ServiceManagerProvisionID: "p1"})
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := cred["clientSecret"].(Secret); !ok || s.Reveal() != "very-secret" || strings.Contains(fmt.Sprint(cred), "very-secret") {
		t.Errorf("clientSecret = %#v, want a Secret that prints redacted", cred["clientSecret"])
	}
	if reset, err := c.Credentials.Reset(ctx, "c1"); err != nil || reset["clientSecret"].(Secret).Reveal() != "very-secret" {
		t.Errorf("Reset = %v, %v", reset, err)
	}
	if err := c.Credentials.Delete(ctx, "c1"); err != nil {
		t.Error(err)
	}
	want := []sent{
		{"PATCH", "/compute-ops-mgmt/v1/jobs/j1", "application/merge-patch+json", `{"state":"ERROR"}`},
		{"POST", "/identity/v1/users", "application/json", `{"email":"new@example.com","sendWelcomeEmail":false}`},
		{"PUT", "/identity/v1/users/u1", "application/json", `{"language":"de","idleTimeout":900}`},
		{"DELETE", "/identity/v1/users/u1", "", ""},
		{"POST", "/workspaces/v1/credentials", "application/json", `{"credentialName":"ops",` +
			`"associatedTenant":{"resourceUri":"/workspaces/v1/workspaces/t1"},` +
			`"associatedServiceManagerProvision":{"resourceUri":"/service-catalog/v1beta1/service-manager-provisions/p1"}}`},
		{"POST", "/workspaces/v1/credentials/c1/reset", "", ""},
		{"DELETE", "/workspaces/v1/credentials/c1", "", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, h := range f.hdrs {
		compute := strings.HasPrefix(got[i].URI, "/compute-ops-mgmt")
		if (h.Get("Tenant-Acid") == "acid-1") != compute {
			t.Errorf("%s: Tenant-Acid = %q; it belongs on COM calls only", got[i].URI, h.Get("Tenant-Acid"))
		}
	}
}

// TestEmptyIDRefused: an empty id would address the collection; nothing
// is sent.
func TestEmptyIDRefused(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, map[string]any{}) })
	c := testClient(t, f, newRecClock(), nil)
	if _, err := c.Servers.Get(context.Background(), ""); err == nil {
		t.Error("want an error for an empty id")
	}
	if err := c.Users.Delete(context.Background(), " "); err == nil {
		t.Error("want an error for an empty id")
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("requests = %d, want 0", n)
	}
}
