package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"glrun/exitcode"
)

// TestBadRunbooks runs each broken runbook of testdata/bad and checks the
// exit code, that the message names the file and line of the mistake (and
// says what is wrong), and that nothing at all was sent to the API (not
// even a token request).
//
// Not parallel: huge_string.star grows the process heap by hundreds of MiB
// before the memory watchdog stops it, and the watchdog of a run in another
// test of this process would count that growth as its own.
func TestBadRunbooks(t *testing.T) {
	cases := []struct {
		file  string
		flags []string // besides --sim
		code  int
		where string // file:line:col the message must name
		what  string // what it must say
	}{
		{"syntax_error.star", nil, exitcode.Usage, "syntax_error.star:5:1", "want ':'"},
		{"unknown_builtin.star", nil, exitcode.Usage, "unknown_builtin.star:5:5", "undefined: reboot_everything"},
		{"wrong_types.star", nil, exitcode.Usage, "wrong_types.star:4:24", `compute.jobs.create: parameter "template"`},
		// The default step limit (1e8) stops this in a second or two; a
		// lower one keeps the race-detector run quick.
		{"infinite_loop.star", []string{"--max-steps", "2000000"}, exitcode.Failed, "infinite_loop.star:6:11", "exceeded 2000000 execution steps"},
		{"deep_recursion.star", nil, exitcode.Failed, "deep_recursion.star:4:12", "function depth called recursively"},
		// s = s + s doubles per step; the memory watchdog stops it.
		{"huge_string.star", []string{"--max-memory", "128MiB"}, exitcode.Failed, "huge_string.star:6:15", "exceeded 128 MiB of memory"},
		// One call that would build gigabytes is refused before it starts.
		{"list_repeat.star", nil, exitcode.Failed, "list_repeat.star:4:20", "list * 268435456 would take more than 128 MiB"},
		{"join_huge.star", nil, exitcode.Failed, "join_huge.star:5:23", "join: the joined string would take more than 128 MiB"},
		{"json_shared.star", nil, exitcode.Failed, "json_shared.star:6:27", "json.encode: the result would exceed 128 MiB"},
		{"sorted_huge.star", nil, exitcode.Failed, "sorted_huge.star:4:22", "sorted: 100000000 elements would exceed 128 MiB"},
		// Two million "[" would overflow the decoder's stack (a crash).
		{"json_deep.star", nil, exitcode.Failed, "json_deep.star:4:23", "json.decode: at offset 1000, arrays and objects nest deeper than 1000 levels"},
		// parallel.map neither nests, nor recurses, nor multiplies the
		// step limit by its workers (64 workers of 100,000 steps each).
		{"parallel_nested.star", nil, exitcode.Failed, "parallel_nested.star:4:24", "called inside parallel.map (nested maps and recursion through parallel.map are refused)"},
		{"parallel_recursion.star", nil, exitcode.Failed, "parallel_recursion.star:6:24", "called inside parallel.map"},
		{"parallel_steps.star", []string{"--max-steps", "1000000"}, exitcode.Failed, "parallel_steps.star:", "runbook exceeded 1000000 execution steps"},
		{"load_parent.star", nil, exitcode.Usage, "load_parent.star:3:6", "escapes the runbook root"},
		{"load_absolute.star", nil, exitcode.Usage, "load_absolute.star:3:6", "absolute paths are refused"},
		{"no_main.star", nil, exitcode.Usage, "no_main.star", "no main function"},
		{"fail_message.star", nil, exitcode.Failed, "fail_message.star:4:9", "the maintenance window is closed"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			s := newTestSim(t)
			args := append([]string{"run", "--sim"}, tc.flags...)
			args = append(args, filepath.Join("..", "testdata", "bad", tc.file))
			r := glrunSim(t, s, args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d\nstderr:\n%s", r.code, tc.code, r.stderr)
			}
			if !strings.Contains(r.stderr, "glrun: "+tc.where) {
				t.Errorf("stderr should name %q:\n%s", tc.where, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.what) {
				t.Errorf("stderr should say %q:\n%s", tc.what, r.stderr)
			}
			if len(r.requests) != 0 {
				t.Errorf("%d requests sent, want none: %+v", len(r.requests), r.requests)
			}
		})
	}
}
