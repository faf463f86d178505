package sim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"glrun/glapi"
)

// shape is what a schema of the platform APIs requires of an object: its
// required fields, the enums of some fields, and the shapes of nested
// objects and array items (by field name). It holds what the OpenAPI
// descriptions say, transcribed (docs/simulator.md).
type shape struct {
	required []string
	enums    map[string][]string
	nested   map[string]shape
}

// check reports every way o departs from sh, under path.
func (sh shape) check(path string, o map[string]any) []string {
	var bad []string
	for _, f := range sh.required {
		if _, ok := o[f]; !ok {
			bad = append(bad, fmt.Sprintf("%s: lacks required %s", path, f))
		}
	}
	for f, allowed := range sh.enums {
		v, ok := o[f]
		if !ok || v == nil {
			continue
		}
		if s, _ := v.(string); !containsStr(allowed, s) {
			bad = append(bad, fmt.Sprintf("%s.%s: %v is not one of %v", path, f, v, allowed))
		}
	}
	for f, inner := range sh.nested {
		switch v := o[f].(type) {
		case map[string]any:
			bad = append(bad, inner.check(path+"."+f, v)...)
		case []any:
			for i, it := range v {
				if m, ok := it.(map[string]any); ok {
					bad = append(bad, inner.check(fmt.Sprintf("%s.%s[%d]", path, f, i), m)...)
				}
			}
		}
	}
	return bad
}

// The schemas, from the descriptions of the APIs.
var (
	shapeOp = shape{required: []string{"id", "type"},
		enums: map[string][]string{"status": {"INITIALIZED", "RUNNING", "FAILED", "SUCCEEDED", "TIMEDOUT", "PAUSED"}}}
	shapeAccepted = shape{required: []string{"code", "status", "transactionId"}}
	shapeDevice   = shape{
		required: []string{"id", "partNumber", "serialNumber", "type"},
		enums: map[string][]string{
			"assignedState": {"ASSIGNED_TO_ACTIVATE_CONFIG", "ASSIGNED_TO_DEDICATED_PLATFORM", "ASSIGNED_TO_SERVICE", "UNASSIGNED"},
			"deviceType":    {"COMPUTE", "NETWORK", "STORAGE", "SWITCH", "AP", "GATEWAY", "UNKNOWN"},
			"ownership":     {"MANAGED", "FLEX", "DISCOVERED"},
			"source":        {"MANAGED", "DISCOVERED"},
		},
		nested: map[string]shape{
			"application":  {required: []string{"id", "resourceUri"}},
			"location":     {required: []string{"id", "resourceUri"}},
			"subscription": {required: []string{"id", "resourceUri"}},
		},
	}
	shapeDeviceList       = shape{required: []string{"items", "count"}, nested: map[string]shape{"items": shapeDevice}}
	shapeSubscription     = shape{required: []string{"id", "type"}, enums: map[string][]string{"subscriptionStatus": {"STARTED", "ENDED", "SUSPENDED", "CANCELLED", "LOCKED", "NONE"}, "productType": {"DEVICE", "SERVICE", "MANDATORY_ATTACHED", "ON_PREM", "SUPPORT"}}}
	shapeSubscriptionList = shape{required: []string{"items", "count"}, nested: map[string]shape{"items": shapeSubscription}}
	shapeManager          = shape{required: []string{"id", "resourceUri", "name", "standaloneSupported", "mspSupported", "honorUnprovisionResponse", "tenantOnlySupported", "createdAt", "updatedAt", "generation", "type"}}
	shapeProvision        = shape{required: []string{"id", "resourceUri", "serviceManager", "region", "provisionStatus", "createdBy", "createdAt", "updatedAt", "generation", "type"},
		enums: map[string][]string{"provisionStatus": {"PROVISION_INITIATED", "PROVISIONED", "PROVISION_FAILED", "UNPROVISION_INITIATED", "UNPROVISIONED", "UNPROVISION_FAILED"}}}
	shapeRole = shape{
		required: []string{"id", "type", "principal", "scope", "role", "principalMetadata", "roleMetadata", "generation", "createdAt", "updatedAt"},
		enums:    map[string][]string{"type": {"authorization/role-assignment"}, "source": {"LOCAL", "EXTERNAL"}},
		nested: map[string]shape{
			"principalMetadata": {required: []string{"id", "type"}, enums: map[string][]string{"type": {"identity/user", "identity/user-group", "identity/api-client"}}},
			"roleMetadata":      {required: []string{"id", "type"}},
		},
	}
	shapeScopeGroup = shape{required: []string{"id", "type", "name"}, enums: map[string][]string{"type": {"authorization/scope-group"}}}
	shapeSCIMGroup  = shape{
		required: []string{"schemas", "id", "displayName", "meta", glapi.SCIMGroupExtension},
		nested: map[string]shape{
			"meta":                   {enums: map[string][]string{"resourceType": {"Group"}}},
			glapi.SCIMGroupExtension: {enums: map[string][]string{"source": {"Local", "SCIM", "External"}}},
		},
	}
	shapeAudit = shape{
		required: []string{"id", "type", "category", "createdAt", "description", "username", "serviceOffer", "workspace"},
		nested: map[string]shape{
			"serviceOffer": {required: []string{"id", "region", "name"}},
			"workspace":    {required: []string{"id", "name"}, enums: map[string][]string{"type": {"STANDALONE", "TENANT", "MSP"}}},
		},
	}
	shapeActivity = shape{required: []string{"id", "type", "generation", "createdAt", "updatedAt"}}
	offsetPage    = func(item shape) shape {
		return shape{required: []string{"items", "offset", "count", "total"}, nested: map[string]shape{"items": item}}
	}
)

// TestPlatformAnswersHaveTheSpecsShape reads every list and object of the
// platform APIs, after a change of each kind, and checks each answer
// against its schema's required fields and enums.
func TestPlatformAnswersHaveTheSpecsShape(t *testing.T) {
	h := newHarness(t, Options{})
	// Changes, so that operations, assigned devices, new groups and audit
	// entries exist.
	add := h.do(http.MethodPost, "/devices/v1/devices", map[string]any{"network": []any{}, "storage": []any{},
		"compute": []any{map[string]any{"serialNumber": DemoShipped[0].Serial, "partNumber": DemoShipped[0].PartNumber}}})
	if add.status != http.StatusAccepted {
		t.Fatalf("add: %d %v", add.status, add.body)
	}
	devID := h.sim.Devices()[0].ID()
	com := h.sim.ComputeOpsManagementID()
	assign := h.do(http.MethodPatch, "/devices/v2beta1/devices?id="+devID, map[string]any{"application": map[string]any{"id": com}, "region": "us-west"})
	subs := h.get("/subscriptions/v1/subscriptions", 200)
	subID := subs.items()[0].(map[string]any)["id"].(string)
	h.clk.Advance(time.Minute)
	sub := h.do(http.MethodPatch, "/devices/v2beta1/devices?id="+devID, map[string]any{"subscription": []any{map[string]any{"id": subID}}})
	addKey := h.do(http.MethodPost, "/subscriptions/v1/subscriptions", map[string]any{"subscriptions": []any{map[string]any{"key": DemoSubscriptionKeys[2]}}})
	users := h.sim.Users()
	ra := h.do(http.MethodPost, "/authorization/v1beta1/role-assignments", map[string]any{
		"principal": "user:" + users[5].ID(), "role": DemoRoles[3], "scope": []any{"grn:glp/workspaces/ws1"}})
	grp := h.do(http.MethodPost, "/identity/v2beta1/scim/v2/Groups", map[string]any{
		"schemas": []any{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": "auditors"}, "application/scim+json")
	h.clk.Advance(10 * time.Minute)

	for _, w := range []struct {
		what string
		r    result
		sh   shape
	}{
		{"POST devices", add, shapeAccepted},
		{"PATCH devices (assign)", assign, shapeAccepted},
		{"PATCH devices (subscribe)", sub, shapeAccepted},
		{"POST subscriptions", addKey, shapeAccepted},
		{"GET device operation", h.get(add.header.Get("Location"), 200), shapeOp},
		{"GET subscription operation", h.get(addKey.header.Get("Location"), 200), shapeOp},
		{"GET devices", h.get("/devices/v1/devices", 200), shapeDeviceList},
		{"GET device", h.get("/devices/v1/devices/"+devID, 200), shapeDevice},
		{"GET subscriptions", h.get("/subscriptions/v1/subscriptions", 200), shapeSubscriptionList},
		{"GET subscription", h.get("/subscriptions/v1/subscriptions/"+subID, 200), shapeSubscription},
		{"GET service managers", h.get("/service-catalog/v1/service-managers", 200), shape{required: []string{"items", "count", "offset"}, nested: map[string]shape{"items": shapeManager}}},
		{"GET provisions", h.get("/service-catalog/v1/service-manager-provisions", 200), shape{required: []string{"items", "count", "offset"}, nested: map[string]shape{"items": shapeProvision}}},
		{"POST role assignment", ra, shapeRole},
		{"GET role assignments", h.get("/authorization/v1beta1/role-assignments", 200), offsetPage(shapeRole)},
		{"GET scope groups", h.get("/authorization/v1beta1/scope-groups", 200), offsetPage(shapeScopeGroup)},
		{"POST SCIM group", grp, shapeSCIMGroup},
		{"GET SCIM groups", h.get("/identity/v2beta1/scim/v2/Groups", 200), shape{required: []string{"Resources", "schemas", "totalResults"}, nested: map[string]shape{"Resources": shapeSCIMGroup}}},
		{"GET audit logs", h.get("/audit-log/v2beta1/logs", 200), shape{required: []string{"count", "offset", "total", "remainingRecords", "items"}, nested: map[string]shape{"items": shapeAudit}}},
		{"GET COM audit logs", h.get("/audit-log/v2beta1/logs?filter="+q("serviceOffer/id eq '"+com+"'"), 200), shape{required: []string{"count", "offset", "total", "remainingRecords", "items"}, nested: map[string]shape{"items": shapeAudit}}},
		{"GET activities", h.get("/compute-ops-mgmt/v1beta2/activities", 200), offsetPage(shapeActivity)},
	} {
		if w.r.status >= 300 {
			t.Errorf("%s: status %d (%v)", w.what, w.r.status, w.r.body)
			continue
		}
		for _, b := range w.sh.check(w.what, w.r.body) {
			t.Error(b)
		}
	}
	// The operations ended well, and the device shows it.
	for _, loc := range []string{add.header.Get("Location"), assign.header.Get("Location"), sub.header.Get("Location"), addKey.header.Get("Location")} {
		if op := h.get(loc, 200); op.body["status"] != glapi.OpSucceeded {
			t.Errorf("%s: status %v, want SUCCEEDED (%v)", loc, op.body["status"], op.body)
		}
	}
	d := h.get("/devices/v1/devices/"+devID, 200).body
	if d["assignedState"] != "ASSIGNED_TO_SERVICE" || d["region"] != "us-west" || len(d["subscription"].([]any)) != 1 {
		t.Errorf("device after assign and subscribe: %v", d)
	}
	// SCIM answers are application/scim+json.
	if ct := grp.header.Get("Content-Type"); ct != "application/scim+json" {
		t.Errorf("SCIM Content-Type %q", ct)
	}
}

// TestPlatformBadRequests: the 400s of the observed required fields and
// batch limits, each with errorDetails naming the field, and nothing done.
func TestPlatformBadRequests(t *testing.T) {
	h := newHarness(t, Options{})
	dev := h.sim.Devices()[0].ID()
	six := make([]any, 6)
	for i := range six {
		six[i] = map[string]any{"serialNumber": fmt.Sprintf("S%d", i), "partNumber": "P"}
	}
	sixKeys := make([]any, 6)
	for i := range sixKeys {
		sixKeys[i] = map[string]any{"key": fmt.Sprintf("K%d", i)}
	}
	ids26 := "id=" + strings.Join(h.sim.AddDevices(26), "&id=")
	for _, tc := range []struct {
		what, method, path string
		body               any
		subject            string
	}{
		{"compute missing", "POST", "/devices/v1/devices", map[string]any{"network": []any{}, "storage": []any{}}, "compute"},
		{"six devices", "POST", "/devices/v1/devices", map[string]any{"network": []any{}, "storage": []any{}, "compute": six}, "devices"},
		{"partNumber missing", "POST", "/devices/v1/devices", map[string]any{"network": []any{}, "storage": []any{}, "compute": []any{map[string]any{"serialNumber": "X"}}}, "compute[0].partNumber"},
		{"bad dry-run", "POST", "/devices/v1/devices?dry-run=yes", map[string]any{"network": []any{}, "storage": []any{}, "compute": []any{map[string]any{"serialNumber": "X", "partNumber": "P"}}}, "dry-run"},
		{"region missing", "PATCH", "/devices/v2beta1/devices?id=" + dev, map[string]any{"application": map[string]any{"id": h.sim.ComputeOpsManagementID()}}, "region"},
		{"26 ids", "PATCH", "/devices/v2beta1/devices?" + ids26, map[string]any{"tags": map[string]any{"a": "b"}}, "id"},
		{"subscription mixed", "PATCH", "/devices/v2beta1/devices?id=" + dev, map[string]any{"subscription": []any{}, "tags": map[string]any{"a": "b"}}, "subscription"},
		{"tags on v1", "PATCH", "/devices/v1/devices?id=" + dev, map[string]any{"tags": map[string]any{"a": "b"}}, "tags"},
		{"six keys", "POST", "/subscriptions/v1/subscriptions", map[string]any{"subscriptions": sixKeys}, "subscriptions"},
		{"key missing", "POST", "/subscriptions/v1/subscriptions", map[string]any{"subscriptions": []any{map[string]any{"tags": map[string]any{}}}}, "subscriptions[0].key"},
		{"bad principal", "POST", "/authorization/v1beta1/role-assignments", map[string]any{"principal": "bob", "role": DemoRoles[0], "scope": []any{"grn:glp/workspaces/w"}}, "principal"},
		{"repeated filter property", "GET", "/authorization/v1beta1/role-assignments?filter=" + q("role in ('a') and role in ('b')"), nil, "filter"},
	} {
		before := len(h.sim.AuditLogs())
		r := h.do(tc.method, tc.path, tc.body)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400 (%v)", tc.what, r.status, r.body)
			continue
		}
		checkError(t, tc.what, r, http.StatusBadRequest)
		if tc.subject != "" && !strings.Contains(fmt.Sprint(r.body["errorDetails"]), "subject:"+tc.subject) {
			t.Errorf("%s: errorDetails %v do not name %s", tc.what, r.body["errorDetails"], tc.subject)
		}
		if after := len(h.sim.AuditLogs()); after != before {
			t.Errorf("%s: a refused request wrote %d audit entries", tc.what, after-before)
		}
	}
}

// TestDeviceAppearsInCOMAfterAssignAndSubscribe: only when both are done,
// and comAppearDelay after the later one.
func TestDeviceAppearsInCOMAfterAssignAndSubscribe(t *testing.T) {
	h := newHarness(t, Options{})
	d := h.sim.Devices()[0]
	serial := d.String("serialNumber")
	inCOM := func() bool {
		r := h.get("/compute-ops-mgmt/v1/servers?filter="+q("hardware/serialNumber eq '"+serial+"'"), 200)
		return len(r.items()) == 1
	}
	h.do(http.MethodPatch, "/devices/v2beta1/devices?id="+d.ID(), map[string]any{"application": map[string]any{"id": h.sim.ComputeOpsManagementID()}, "region": "us-west"})
	h.clk.Advance(time.Hour)
	if inCOM() {
		t.Fatal("an assigned but unsubscribed device is in COM")
	}
	subID := h.get("/subscriptions/v1/subscriptions", 200).items()[0].(map[string]any)["id"].(string)
	h.do(http.MethodPatch, "/devices/v2beta1/devices?id="+d.ID(), map[string]any{"subscription": []any{map[string]any{"id": subID}}})
	h.clk.Advance(opDoneDelay + comAppearDelay - time.Second)
	if inCOM() {
		t.Fatal("the device is in COM before its delay")
	}
	h.clk.Advance(time.Second)
	if !inCOM() {
		t.Fatal("the device is not in COM after assignment, subscription and the delay")
	}
	acts := h.get("/compute-ops-mgmt/v1beta2/activities?filter="+q("key eq 'SERVER_ASSIGNED'"), 200)
	if len(acts.items()) != 1 {
		t.Errorf("activities of the new server: %v", acts.body)
	}
}

// TestPlatform429Headers: each family's 429 carries the headers its
// description gives.
func TestPlatform429Headers(t *testing.T) {
	h := newHarness(t, Options{Limits: PlatformLimits{Devices: glapi.EndpointLimits{List: 1}, Subscriptions: glapi.EndpointLimits{List: 1}, Authorization: 1}})
	for _, tc := range []struct {
		path        string
		headers     bool
		resetIsTime bool
	}{
		{"/devices/v1/devices", true, true},
		{"/subscriptions/v1/subscriptions", false, false},
		{"/authorization/v1beta1/role-assignments", true, false},
	} {
		h.get(tc.path, 200)
		r := h.do(http.MethodGet, tc.path, nil)
		checkError(t, tc.path, r, http.StatusTooManyRequests)
		reset := r.header.Get("X-RateLimit-Reset")
		if !tc.headers {
			if reset != "" {
				t.Errorf("%s: X-RateLimit-Reset %q on an API that describes none", tc.path, reset)
			}
			continue
		}
		if r.header.Get("X-RateLimit-Limit") != "1" || r.header.Get("X-RateLimit-Remaining") != "0" {
			t.Errorf("%s: rate-limit headers %v", tc.path, r.header)
		}
		want := "60"
		if tc.resetIsTime {
			want = fmt.Sprint(h.clk.Now().Add(time.Minute).Unix())
		}
		if reset != want {
			t.Errorf("%s: X-RateLimit-Reset %q, want %q", tc.path, reset, want)
		}
	}
}

// TestShapeCheckReports: the checker itself finds a missing required field,
// a value outside its enum, and both in nested items.
func TestShapeCheckReports(t *testing.T) {
	bad := shapeDeviceList.check("list", map[string]any{"count": 1, "items": []any{
		map[string]any{"id": "x", "type": "devices/device", "serialNumber": "S", "assignedState": "LOST",
			"application": map[string]any{"id": "a"}},
	}})
	want := []string{"lacks required partNumber", "assignedState: LOST is not one of", "application: lacks required resourceUri"}
	if len(bad) != len(want) {
		t.Fatalf("check found %q, want %d problems", bad, len(want))
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(bad, "\n"), w) {
			t.Errorf("check did not report %q: %q", w, bad)
		}
	}
}

// TestSubscriptionSeatsAreCounted: three devices on a two-seat key — two
// get it, the third fails in the operation's breakdown, and no seat is
// left; unsubscribing gives a seat back.
func TestSubscriptionSeatsAreCounted(t *testing.T) {
	h := newHarness(t, Options{})
	var subID string
	for _, it := range h.get("/subscriptions/v1/subscriptions", 200).items() {
		if m := it.(map[string]any); m["key"] == DemoSubscriptionKeys[1] {
			subID = m["id"].(string)
		}
	}
	devs := h.sim.Devices()
	ids := "id=" + devs[0].ID() + "&id=" + devs[1].ID() + "&id=" + devs[2].ID()
	r := h.do(http.MethodPatch, "/devices/v2beta1/devices?"+ids, map[string]any{"subscription": []any{map[string]any{"id": subID}}})
	h.clk.Advance(opDoneDelay)
	op := h.get(r.header.Get("Location"), 200).body
	failed, _ := op["result"].(map[string]any)["failedDevices"].([]any)
	if op["status"] != glapi.OpSucceeded || len(failed) != 1 {
		t.Fatalf("operation: %v", op)
	}
	if got := h.get("/subscriptions/v1/subscriptions/"+subID, 200).body["availableQuantity"]; got != "0" {
		t.Errorf("availableQuantity %v, want 0", got)
	}
	h.do(http.MethodPatch, "/devices/v2beta1/devices?id="+devs[0].ID(), map[string]any{"subscription": []any{}})
	h.clk.Advance(opDoneDelay)
	if got := h.get("/subscriptions/v1/subscriptions/"+subID, 200).body["availableQuantity"]; got != "1" {
		t.Errorf("availableQuantity after unsubscribing one device %v, want 1", got)
	}
}
