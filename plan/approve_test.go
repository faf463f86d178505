package plan

import (
	"encoding/json"
	"strings"
	"testing"

	"glrun/glapi"
)

// restartTemplate is the UUID of the restart job template.
func restartTemplate(t *testing.T) string {
	t.Helper()
	tmpl, err := glapi.LookupTemplate("restart")
	if err != nil {
		t.Fatal(err)
	}
	return tmpl.ID
}

func TestMatchJob(t *testing.T) {
	restart := restartTemplate(t)
	off, err := glapi.LookupTemplate("power_off")
	if err != nil {
		t.Fatal(err)
	}
	body := func(server string, params map[string]any) map[string]any {
		b := map[string]any{"jobTemplate": restart, "resourceId": server, "resourceType": "compute-ops-mgmt/server"}
		if params != nil {
			b["jobParams"] = params
		}
		return b
	}
	// A plan read from a file holds json.Number; the API's jobs float64.
	var fromFile map[string]any
	dec := json.NewDecoder(strings.NewReader(`{"jobTemplate":"` + restart + `","resourceId":"s3","resourceType":"compute-ops-mgmt/server","jobParams":{"delay":5}}`))
	dec.UseNumber()
	if err := dec.Decode(&fromFile); err != nil {
		t.Fatal(err)
	}
	p := &Plan{Mutations: []Mutation{
		{Seq: 1, Method: "POST", Path: glapi.CollectionJobs, Body: body("s1", nil), Description: "restart s1"},
		{Seq: 2, Method: "POST", Path: "/identity/v1/users", Body: map[string]any{"email": "a@example.com"}},
		{Seq: 3, Method: "POST", Path: glapi.CollectionJobs, Body: body("s2", nil), Description: "restart s2"},
		{Seq: 4, Method: "POST", Path: glapi.CollectionJobs, Body: fromFile, Description: "restart s3"},
	}}
	planned := p.PlannedJobs()
	if len(planned) != 3 {
		t.Fatalf("%d planned jobs, want 3", len(planned))
	}
	job := func(tmpl, server string, params map[string]any) glapi.Object {
		o := glapi.Object{"jobTemplate": tmpl, "resource": map[string]any{"id": server, "type": "compute-ops-mgmt/server"}}
		if params != nil {
			o["jobParams"] = params
		}
		return o
	}
	tests := []struct {
		name    string
		job     glapi.Object
		claimed map[int]string
		verdict JobMatch
		seq     int
		why     string
	}{
		{"the planned restart", job(restart, "s2", nil), nil, Matches, 3, ""},
		{"numbers read from a file match the API's", job(restart, "s3", map[string]any{"delay": 5.0}), nil, Matches, 4, ""},
		{"another server", job(restart, "s9", nil), nil, Unrelated, 0, ""},
		{"another template on a planned server", job(off.ID, "s1", nil), nil, Conflicts, 1, "differs from it"},
		{"other parameters on a planned server", job(restart, "s3", map[string]any{"delay": 50.0}), nil, Conflicts, 4, "differs from it"},
		{"parameters the plan has not", job(restart, "s1", map[string]any{"force": true}), nil, Conflicts, 1, "differs from it"},
		{"a planned change matched already", job(restart, "s1", nil), map[int]string{1: "req-1"}, Conflicts, 1, "already matched"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claimed := tt.claimed
			if claimed == nil {
				claimed = map[int]string{}
			}
			pj, verdict, why := MatchJob(planned, JobOperationOfJob(tt.job), claimed)
			if verdict != tt.verdict {
				t.Fatalf("verdict %d, want %d (%s)", verdict, tt.verdict, why)
			}
			if (pj == nil) != (tt.seq == 0) || (pj != nil && pj.Seq != tt.seq) {
				t.Errorf("planned change %+v, want #%d", pj, tt.seq)
			}
			if !strings.Contains(why, tt.why) {
				t.Errorf("why %q lacks %q", why, tt.why)
			}
		})
	}
}

func TestMarkApprovals(t *testing.T) {
	restart := restartTemplate(t)
	fw, err := glapi.LookupTemplate("group_firmware_update")
	if err != nil {
		t.Fatal(err)
	}
	inv, err := glapi.LookupTemplate("group_firmware_compliance")
	if err != nil {
		t.Fatal(err)
	}
	jobOn := func(seq int, tmpl, rid string) Mutation {
		return Mutation{Seq: seq, Method: "POST", Path: glapi.CollectionJobs,
			Body: map[string]any{"jobTemplate": tmpl, "resourceId": rid, "resourceType": "compute-ops-mgmt/server"}}
	}
	schedule := Mutation{Seq: 5, Method: "POST", Path: glapi.CollectionSchedules, Body: map[string]any{
		"operation": map[string]any{"uri": glapi.CollectionJobs, "method": "POST",
			"body": map[string]any{"jobTemplate": fw.ID, "resourceId": "g-lab", "resourceType": "compute-ops-mgmt/group"}},
	}}
	ms := []Mutation{
		jobOn(1, restart, "s-web-1"),             // a server of a covered group
		jobOn(2, restart, "s-other"),             // a server of no covered group
		jobOn(3, inv.ID, "g-web"),                // an action no policy names
		jobOn(4, fw.ID, "g-web"),                 // the covered group itself
		schedule,                                 // a scheduled firmware update of lab
		{Seq: 6, Method: "DELETE", Path: "/x/1"}, // not a job
	}
	if !NeedsPolicies(ms) {
		t.Fatal("NeedsPolicies: false, want true")
	}
	policies := []Policy{PolicyOf(glapi.Object{"id": "pol-1", "name": "prod changes", "policyData": map[string]any{
		"approvables": []any{
			map[string]any{"approvableName": "Reset", "minApprovers": json.Number("1"),
				"approvers": []any{map[string]any{"email": "sec@example.com"}, map[string]any{"email": "ops@example.com"}}},
			map[string]any{"approvableName": "Update firmware", "minApprovers": 2.0,
				"approvers": []any{map[string]any{"email": "cab@example.com"}, map[string]any{"email": "sec@example.com"}}},
		},
		"resources": []any{map[string]any{"resourceId": "g-web", "resourceType": "compute-ops-mgmt/group"},
			map[string]any{"resourceId": "g-lab", "resourceType": "compute-ops-mgmt/group"}},
	}})}
	MarkApprovals(ms, policies, map[string][]string{"g-web": {"s-web-1", "s-web-2"}, "g-lab": {}})
	want := map[int]string{
		1: "needs approval: policy prod changes, 1 of ops@example.com, sec@example.com",
		4: "needs approval: policy prod changes, 2 of cab@example.com, sec@example.com",
		5: "needs approval when the schedule runs: policy prod changes, 2 of cab@example.com, sec@example.com",
	}
	for _, m := range ms {
		got := ""
		if m.Approval != nil {
			got = m.Approval.String()
		}
		if got != want[m.Seq] {
			t.Errorf("change #%d: %q, want %q", m.Seq, got, want[m.Seq])
		}
	}
	if NeedsPolicies(ms[5:]) {
		t.Error("NeedsPolicies of a deletion: true, want false")
	}
}
