package plan

import (
	"errors"
	"strings"
	"testing"
)

func TestPreflight(t *testing.T) {
	job := func(seq int, server string) Mutation {
		return Mutation{Seq: seq, Action: ActionCreate, Method: "POST", Path: "/compute-ops-mgmt/v1/jobs",
			Body: map[string]any{"resourceId": server}, Description: "restart server " + server}
	}
	p := &Plan{Mutations: []Mutation{job(1, "s1"), job(2, "s2")}}
	renamed := []Mutation{job(1, "s1"), job(2, "s2")}
	renamed[0].Description = "restart server web-01 (renamed since)"
	tests := []struct {
		name string
		now  []Mutation
		want []string // in the error; nil: the preflight passes
	}{
		{"same changes", []Mutation{job(1, "s1"), job(2, "s2")}, nil},
		{"a description is not a change", renamed, nil},
		{"another server", []Mutation{job(1, "s1"), job(2, "s3")},
			[]string{"plans 2 changes where the reviewed plan has 2", "#2 planned: restart server s2; now: restart server s3", `-`, `"s2"`, `+`, `"s3"`}},
		{"one change fewer", []Mutation{job(1, "s1")},
			[]string{"plans 1 change where the reviewed plan has 2", "#2 planned: restart server s2; now: not planned any more"}},
		{"one change more", []Mutation{job(1, "s1"), job(2, "s2"), job(3, "s3")},
			[]string{"plans 3 changes where", "#3 planned: nothing; now: restart server s3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Preflight(tt.now)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("preflight refused: %v", err)
				}
				return
			}
			var pe *PreflightError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *PreflightError", err)
			}
			for _, w := range append(tt.want, "nothing was sent", "diff (-planned +now)") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
	if got, want := p.PreflightPassed(), "preflight: the runbook still plans exactly these 2 changes"; got != want {
		t.Errorf("PreflightPassed() = %q, want %q", got, want)
	}
}
