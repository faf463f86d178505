package builtins

import (
	"context"
	"strings"
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// execCompute runs src with the compute module bound to env and returns
// the value of the global "result", if any.
func execCompute(ctx context.Context, env *Env, src string) (starlark.Value, error) {
	thread := &starlark.Thread{Name: "compute-test"}
	SetContext(thread, ctx)
	opts := &syntax.FileOptions{Set: true, While: true, TopLevelControl: true, GlobalReassign: true}
	globals, err := starlark.ExecFileOptions(opts, thread, "compute_test.star", src,
		starlark.StringDict{"compute": computeModule(env)})
	if err != nil {
		return nil, err
	}
	return globals["result"], nil
}

// TestComputeArgumentErrors checks that every compute builtin refuses bad
// arguments before sending anything, naming the function, the parameter,
// what it wanted and what it got. No client is configured: an argument
// that passed the checks would fail with "no GreenLake client".
func TestComputeArgumentErrors(t *testing.T) {
	const server = `{"id": "P06760-B21+2M212504P8", "type": "compute-ops-mgmt/server"}`
	const group = `{"id": "3e661d85-eb85-4320-9721-a950d1080641", "type": "compute-ops-mgmt/group"}`
	tests := []struct {
		call string
		want []string
	}{
		// compute.jobs.create
		{`compute.jobs.create()`, []string{"compute.jobs.create", `"template"`, "job template alias", "power_off", "got nothing"}},
		{`compute.jobs.create(3, "s")`, []string{"compute.jobs.create", `"template"`, "template UUID", "got int 3"}},
		{`compute.jobs.create("reboot", "s")`, []string{"compute.jobs.create", `"template"`, "restart", `got string "reboot"`}},
		{`compute.jobs.create("restart")`, []string{"compute.jobs.create", `"resource"`, "server or group record", "got nothing"}},
		{`compute.jobs.create("restart", 42)`, []string{"compute.jobs.create", `"resource"`, "resource id string", "got int 42"}},
		{`compute.jobs.create("restart", "")`, []string{"compute.jobs.create", `"resource"`, `got string ""`}},
		{`compute.jobs.create("restart", {"name": "x"})`, []string{"compute.jobs.create", `"resource"`, "got dict"}},
		{`compute.jobs.create("restart", ` + group + `)`, []string{"compute.jobs.create", `template "restart" (Server Restart) runs on a server`, "3e661d85-eb85-4320-9721-a950d1080641 is a group"}},
		{`compute.jobs.create("group_firmware_update", ` + server + `)`, []string{"compute.jobs.create", "runs on a group", "P06760-B21+2M212504P8 is a server"}},
		{`compute.jobs.create("group_firmware_update", "P06760-B21+2M212504P8", resource_type="server")`, []string{"runs on a group", "is a server"}},
		{`compute.jobs.create("power_on", "abc", resource_type="disk")`, []string{"compute.jobs.create", `"resource_type"`, `"server", "group"`, `got string "disk"`}},
		{`compute.jobs.create("power_on", "abc", resource_type=1)`, []string{`"resource_type"`, "got int 1"}},
		{`compute.jobs.create("power_on", ` + server + `, resource_type="group")`, []string{`"resource_type" says "group"`, "is a server"}},
		{`compute.jobs.create("power_on", {"id": "x", "type": "compute-ops-mgmt/job"})`, []string{`"resource"`, "cannot run a job"}},
		{`compute.jobs.create("power_on", "abc", params=[1])`, []string{`"params"`, "a dict of job parameters", "got list [1]"}},
		{`compute.jobs.create("power_on", "abc", params={"f": lambda: 1})`, []string{`"params"`, "JSON values", "function"}},
		{`compute.jobs.create("power_on", "abc", colour="red")`, []string{"compute.jobs.create", `"colour"`, "unknown keyword"}},
		{`compute.jobs.create("power_on", "abc", {}, None, 5)`, []string{"compute.jobs.create", "at most 4 positional"}},
		// compute.jobs.get / update / list
		{`compute.jobs.get()`, []string{"compute.jobs.get", `"id"`, "job id string", "got nothing"}},
		{`compute.jobs.get(7)`, []string{"compute.jobs.get", `"id"`, "got int 7"}},
		{`compute.jobs.update("j", state="DONE")`, []string{"compute.jobs.update", `"state"`, `"COMPLETE" or "ERROR"`, `got string "DONE"`}},
		{`compute.jobs.update("j")`, []string{"compute.jobs.update", `"state"`, "got nothing"}},
		{`compute.jobs.update(None, state="ERROR")`, []string{"compute.jobs.update", `"id"`, "got None"}},
		{`compute.jobs.list(limit=0)`, []string{"compute.jobs.list", `"limit"`, "an int from 1", "got int 0"}},
		{`compute.jobs.list(limit="ten")`, []string{"compute.jobs.list", `"limit"`, `got string "ten"`}},
		{`compute.jobs.list(filter=3)`, []string{"compute.jobs.list", `"filter"`, "OData filter", "got int 3"}},
		{`compute.jobs.list(filter="state eq")`, []string{"compute.jobs.list", `"filter"`}},
		// compute.jobs.wait / wait_all
		{`compute.jobs.wait()`, []string{"compute.jobs.wait", `"job"`, "job record", "got nothing"}},
		{`compute.jobs.wait(1.5)`, []string{"compute.jobs.wait", `"job"`, "job id string", "got float 1.5"}},
		{`compute.jobs.wait("j", timeout="soon")`, []string{"compute.jobs.wait", `"timeout"`, "duration", `got string "soon"`}},
		{`compute.jobs.wait("j", timeout=0)`, []string{"compute.jobs.wait", `"timeout"`, "positive duration", "default 30m0s", "got int 0"}},
		{`compute.jobs.wait("j", poll="10ms")`, []string{"compute.jobs.wait", `"poll"`, "at least 1s", `got string "10ms"`}},
		{`compute.jobs.wait("j", fail_on_error="no")`, []string{"compute.jobs.wait", `"fail_on_error"`, "True or False", `got string "no"`}},
		{`compute.jobs.wait_all("j")`, []string{"compute.jobs.wait_all", `"jobs"`, "a list of job records", `got string "j"`}},
		{`compute.jobs.wait_all(["a", 3])`, []string{"compute.jobs.wait_all", `"jobs[1]"`, "job record or a job id string", "got int 3"}},
		{`compute.jobs.wait_all([], timeout="-1m")`, []string{"compute.jobs.wait_all", `"timeout"`}},
		// compute.async_ops
		{`compute.async_ops.wait(None)`, []string{"compute.async_ops.wait", `"op"`, "async operation record", "got None"}},
		{`compute.async_ops.wait("o", poll="0s")`, []string{"compute.async_ops.wait", `"poll"`, "at least 1s"}},
		{`compute.async_ops.get([])`, []string{"compute.async_ops.get", `"id"`, "async operation id", "got list []"}},
		{`compute.async_ops.list(limit=-1)`, []string{"compute.async_ops.list", `"limit"`, "got int -1"}},
		// compute.servers, groups, firmware_bundles
		{`compute.servers.get("")`, []string{"compute.servers.get", `"id"`, "server id string", `got string ""`}},
		{`compute.servers.list(limit=True)`, []string{"compute.servers.list", `"limit"`, "got bool True"}},
		{`compute.groups.get({})`, []string{"compute.groups.get", `"id"`, "group id", "got dict {}"}},
		{`compute.groups.list(filter=[])`, []string{"compute.groups.list", `"filter"`, "got list []"}},
		{`compute.firmware_bundles.get(1)`, []string{"compute.firmware_bundles.get", `"id"`, "firmware bundle id", "got int 1"}},
		{`compute.firmware_bundles.list(1, 2, 3)`, []string{"compute.firmware_bundles.list", "at most 2 positional"}},
		// Arguments that pass the checks reach the (missing) client.
		{`compute.jobs.create("power_on", "P06760-B21+2M212504P8")`, []string{"compute.jobs.create: no GreenLake client"}},
		{`compute.jobs.wait_all([])`, []string{"compute.jobs.wait_all: no GreenLake client"}},
	}
	for _, tt := range tests {
		t.Run(tt.call, func(t *testing.T) {
			_, err := execCompute(context.Background(), &Env{}, "result = "+tt.call)
			if err == nil {
				t.Fatalf("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
