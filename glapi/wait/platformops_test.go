package wait_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/wait"
)

// A platform operation is finished when SUCCEEDED or FAILED; it failed
// when FAILED, or SUCCEEDED with some items of its batch failed.
func TestPlatformOpFailure(t *testing.T) {
	tests := []struct {
		name     string
		op       glapi.Object
		finished bool
		want     []string // fragments of the error; nil: no error
	}{
		{"running", glapi.Object{"id": "o1", "status": glapi.OpRunning}, false, nil},
		{"paused", glapi.Object{"id": "o1", "status": glapi.OpPaused}, false, nil},
		{"all well", glapi.Object{"id": "o1", "status": glapi.OpSucceeded, "result": glapi.OpSucceeded}, true, nil},
		{"all failed", glapi.Object{"id": "o1", "status": glapi.OpFailed,
			"result": map[string]any{"failedDevicesSerial": []any{"SN1", "SN2"}}}, true,
			[]string{"device operation o1", "ended FAILED", "failed: SN1, SN2."}},
		{"some failed", glapi.Object{"id": "o2", "status": glapi.OpSucceeded,
			"result": map[string]any{"failedDevices": []any{map[string]any{"id": "d1", "serialNumber": "SN3", "messages": []any{"no seats"}}}}}, true,
			[]string{"ended SUCCEEDED with failures", `SN3 ["no seats"]`}},
		{"keys failed", glapi.Object{"id": "o3", "status": glapi.OpFailed,
			"result": map[string]any{"failedSubscriptionKeys": []any{"KEY1"}}}, true, []string{"KEY1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := wait.PlatformOpFinished(tc.op); got != tc.finished {
				t.Errorf("finished: %v, want %v", got, tc.finished)
			}
			err := wait.PlatformOpFailure("device operation "+tc.op.ID(), tc.op)
			if tc.want == nil {
				if err != nil {
					t.Errorf("want no error, got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want an error with %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// A wait for platform operations polls each until it ends, and the last
// version keeps the fields of the first the answers lack.
func TestPlatformOpsWait(t *testing.T) {
	polls := map[string]int{}
	get := func(_ context.Context, op glapi.Object) (glapi.Object, error) {
		polls[op.ID()]++
		st := glapi.OpRunning
		if polls[op.ID()] >= 2 {
			st = glapi.OpSucceeded
		}
		return glapi.Object{"id": op.ID(), "status": st}, nil
	}
	kind := wait.PlatformOps(func(op glapi.Object) string { return "device operation " + op.ID() }, get)
	vc := clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	done, err := wait.For(context.Background(), kind, []glapi.Object{{"id": "a", "kind": "devices"}, {"id": "b"}},
		wait.Options{What: "devices.wait", Timeout: time.Minute, Poll: time.Second, Clock: vc})
	if err != nil {
		t.Fatal(err)
	}
	if done[0].String("status") != glapi.OpSucceeded || done[0].String("kind") != "devices" || polls["a"] != 2 {
		t.Errorf("done %v after %v polls", done, polls)
	}
}
