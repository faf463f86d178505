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
//   - Each run (the top level, each Call) has one step budget
//     (Options.MaxSteps) shared by all its threads, set before the first
//     statement runs; exceeding it fails the run (exit 1).
//   - A watchdog fails a run whose heap grows past Options.MaxMemory, and
//     hands a run stuck growing inside one step to Options.Abort. One
//     operation may build at most a quarter of the limit: repetition,
//     str.join, str.replace, formatting and the text of values, and the
//     universal functions that materialize an iterable are size-checked
//     before they allocate (the first four are compiled as calls of
//     checking builtins, see guardSizes).
//   - Only regular files of at most 8 MiB are read (a named pipe would
//     block forever).
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
