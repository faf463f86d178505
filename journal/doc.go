// Package journal makes runs durable: every API call of a live run is
// written to a write-ahead journal, so that a run stopped at any point (a
// crash, a lost connection, a killed process) can be resumed and end in the
// same state as a run that was never interrupted, each change sent exactly
// once.
//
// A run is a directory (see FileStore) holding its Meta (the runbook and the
// hashes of its files, the parameters, the target, the start time and the
// state) and its journal: one Record per line, each line with its own
// checksum. A Recorder, the glapi.Mode of a journalled run, writes
//
//   - for a read, the request and its answer, once answered;
//   - for a change, its intent, made durable before the change is sent,
//     then its answer (or the error that came instead) as soon as it
//     arrives.
//
// A Resumer, the glapi.Mode of 'glrun resume', runs the runbook again from
// the start: the calls the journal holds are answered from it, in order,
// on the journal's clock and without waiting; where the journal ends the
// run goes live and keeps journalling. A change whose intent is journalled
// but whose answer is not is never sent blindly: job creations,
// invitations and credential creations are resolved by glapi's outcome
// checks (adopted if they took effect, sent if they certainly did not);
// any other such change stops the run with an *UnresolvableError.
//
// Secrets never reach a journal: token requests are not journalled and
// bodies are redacted as cassettes are (package glapi/replay).
//
// docs/journal.md describes the format and the guarantees.
package journal
