package wait

import (
	"errors"
	"strings"
	"testing"

	"glrun/glapi"
)

func TestJobFailure(t *testing.T) {
	job := func(state, rc string) glapi.Object {
		return glapi.Object{"id": "j1", "state": state, "resultCode": rc, "status": "done",
			"jobTemplate": "30110551-cad6-4069-95b8-dbce9bbd8525", "resource": map[string]any{"id": "srv-1"}}
	}
	tests := []struct {
		job  glapi.Object
		want string // "" for no failure
	}{
		{job(glapi.JobComplete, glapi.ResultSuccess), ""},
		{job(glapi.JobError, ""), "job j1 (Server Restart on srv-1) ended in ERROR"},
		{job(glapi.JobComplete, glapi.ResultFailure), "ended COMPLETE with resultCode FAILURE"},
		{job(glapi.JobComplete, glapi.ResultDeclined), "was DECLINED"},
	}
	for _, tt := range tests {
		err := JobFailure(tt.job)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s/%s: %v, want no failure", tt.job["state"], tt.job["resultCode"], err)
			}
			continue
		}
		var jf *JobFailedError
		if !errors.As(err, &jf) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s/%s: %v, want a *JobFailedError saying %q", tt.job["state"], tt.job["resultCode"], err, tt.want)
		}
	}
}

func TestOpFailure(t *testing.T) {
	if err := OpFailure(glapi.Object{"id": "op1", "state": glapi.OpSucceeded}); err != nil {
		t.Errorf("SUCCEEDED: %v, want no failure", err)
	}
	err := OpFailure(glapi.Object{"id": "op1", "state": glapi.OpFailed, "sourceResourceUri": "/groups/g1",
		"error": map[string]any{"code": "E1"}, "recommendations": []any{"Retry."}})
	var of *OpFailedError
	if !errors.As(err, &of) {
		t.Fatalf("FAILED: %v, want an *OpFailedError", err)
	}
	want := `async operation op1 (/groups/g1) ended FAILED: error {"code":"E1"}; recommendations: Retry.`
	if err.Error() != want {
		t.Errorf("got %q, want %q", err.Error(), want)
	}
	for _, st := range []string{glapi.OpRunning, glapi.OpPaused, glapi.OpTimedOut} {
		if OpFinished(glapi.Object{"state": st}) {
			t.Errorf("%s counts as finished", st)
		}
	}
}
