// Package runtest is glrun's test framework for runbooks: `glrun test`.
//
// It finds *_test.star files and runs each of their test_* functions with a
// fresh in-process simulator (glapi/sim) on a virtual clock, so waits take
// no wall time and no test touches a network. Besides every builtin a
// runbook sees, a test file sees four more names (Names):
//
//   - runbook.run(path, **params) runs a runbook (path relative to the test
//     file, inside the test's root: Options.Root) against the test's simulator, in test mode (runbook_mode() is
//     "test"), and returns its result: status, exit_code, value (or the
//     partial result of fail(result=...)), error, jobs, mutations (in the
//     run summary's shape, "DELETE /identity/v1/users/{id}"), logs,
//     requests.
//   - sim arranges the simulator's state and inspects it (sim.server,
//     sim.set_power, sim.fail_job, sim.add_user, sim.add_credential,
//     sim.jobs, ...).
//   - assert.eq, ne, true, false, contains and fails record failures with
//     the file and line of the call and go on, so a test reports all of them.
//   - replay(cassette) makes the test's later runs answer from a recorded
//     cassette (glapi/replay) instead of the simulator.
//
// Each is declared once, from its builtins.Doc (Docs): the Doc binds its
// arguments and is its entry in docs/builtins.md, whose examples run as
// tests.
package runtest
