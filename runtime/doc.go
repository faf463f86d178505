// Package runtime is glrun's sandboxed runbook interpreter.
//
// A runbook is a Starlark file whose entry point is main. Load reads,
// parses and resolves the runbook and every file it load()s (all before
// anything runs), then executes their top levels; Runbook.Call converts
// NAME=VALUE parameters by the type of main's defaults (or by the type a
// default names: emails = list is a required list) and calls main, and
// Runbook.CallValues does the same for a test's runbook.run.
//
// The sandbox:
//
//   - Every thread gets a step limit (Options.MaxSteps) before its first
//     statement runs; exceeding it fails the run (exit 1).
//   - Options.Timeout and the caller's context cancel the running thread, so
//     a tight loop stops within milliseconds (exit 4 or 130).
//   - Recursion is off (the go.starlark.net default); while loops, top-level
//     if/for/while and the set built-in are allowed; top-level names cannot
//     be reassigned.
//   - load() resolves paths relative to the loading file, inside the runbook
//     root only: absolute paths, ".." escaping the root and symlinks leaving
//     it are refused with the file and line of the load statement. Each
//     loaded file is executed once per Runbook; load cycles are reported as
//     "circular load: a.star -> b.star -> a.star".
//   - A runbook reaches the world only through Options.Predeclared.
//
// Every error returned by this package is an *Error carrying the process
// exit code (see Error.ExitCode).
package runtime
