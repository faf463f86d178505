package journal

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"strings"

	"glrun/glapi/replay"
)

// HashFiles returns the SHA-256 (hex) of each file, by path as given.
func HashFiles(paths ...string) (map[string]string, error) {
	out := make(map[string]string, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("journal: hashing the runbook's files: %w", err)
		}
		sum := sha256.Sum256(b)
		out[p] = hex.EncodeToString(sum[:])
	}
	return out, nil
}

// sealedPrefix marks a parameter kept as a salted hash.
const sealedPrefix = "sha256:"

// SealParams returns params as a run's Meta keeps them: a parameter whose
// name says it holds a secret (password, token, clientSecret, apiKey ...,
// as cassettes judge JSON fields) is replaced by a SHA-256 of the run id and
// its value, enough to tell whether it changed and useless to read it.
func SealParams(runID string, params map[string]string) map[string]string {
	out := make(map[string]string, len(params))
	for k, v := range params {
		if replay.IsSecretName(k) {
			sum := sha256.Sum256([]byte(runID + "\x00" + k + "\x00" + v))
			v = sealedPrefix + hex.EncodeToString(sum[:])
		}
		out[k] = v
	}
	return out
}

// Change is one difference between a run as it started and as it would
// resume.
type Change struct {
	// What is "file", "param", "runbook", "command" or "target".
	What string
	// Name is the file's path, the parameter's name or the target's field.
	Name string
	// Was and Now are the old and new values ("" for absent; hashes are
	// shortened; a secret parameter's value is never shown).
	Was, Now string
}

// String is the change for people: `param group: "prod-web" -> "prod-db"`.
func (c Change) String() string {
	show := func(s string) string {
		if s == "" {
			return "(none)"
		}
		return fmt.Sprintf("%q", s)
	}
	if c.Name == "" {
		return fmt.Sprintf("%s: %s -> %s", c.What, show(c.Was), show(c.Now))
	}
	return fmt.Sprintf("%s %s: %s -> %s", c.What, c.Name, show(c.Was), show(c.Now))
}

// ChangedError is a resume refused because the runbook's files, its
// parameters or its target changed since the run started: the journal
// answers for the run as it was, not as it would be now. Nothing was sent.
type ChangedError struct {
	// Run is the run's id.
	Run string
	// Changes lists what changed, files first.
	Changes []Change
}

// Error names the run and every change.
func (e *ChangedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cannot resume run %s: it is not the same run any more (", e.Run)
	for i, c := range e.Changes {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(c.String())
	}
	b.WriteString("); nothing was sent (start a new run instead)")
	return b.String()
}

// Compare returns a *ChangedError listing how now (the Meta a resume would
// have: files hashed again, parameters sealed with SealParams and the run's
// id, target resolved again) differs from was, or nil when it does not.
// The id, start, clock and state are not compared.
func Compare(was, now Meta) error {
	var ch []Change
	if was.Command != now.Command {
		ch = append(ch, Change{What: "command", Was: was.Command, Now: now.Command})
	}
	if was.Runbook != now.Runbook {
		ch = append(ch, Change{What: "runbook", Was: was.Runbook, Now: now.Runbook})
	}
	ch = append(ch, diffMaps("file", was.Files, now.Files, short)...)
	ch = append(ch, diffMaps("param", was.Params, now.Params, hideSealed)...)
	for _, f := range []struct{ name, was, now string }{
		{"profile", was.Target.Profile, now.Target.Profile},
		{"compute", was.Target.Compute, now.Target.Compute},
		{"global", was.Target.Global, now.Target.Global},
		{"workspace", was.Target.Workspace, now.Target.Workspace},
	} {
		if f.was != f.now {
			ch = append(ch, Change{What: "target", Name: f.name, Was: f.was, Now: f.now})
		}
	}
	if len(ch) == 0 {
		return nil
	}
	return &ChangedError{Run: was.ID, Changes: ch}
}

// diffMaps lists the keys whose values differ, sorted, showing values
// through show.
func diffMaps(what string, was, now map[string]string, show func(string) string) []Change {
	keys := map[string]bool{}
	for k := range was {
		keys[k] = true
	}
	for k := range now {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []Change
	for _, k := range names {
		a, inA := was[k]
		b, inB := now[k]
		if inA == inB && a == b {
			continue
		}
		out = append(out, Change{What: what, Name: k, Was: show(a), Now: show(b)})
	}
	return out
}

// short shortens a file hash for messages ("sha256 3f9a2c01...").
func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "..."
	}
	return h
}

// hideSealed shows a sealed (secret) parameter as "(secret)".
func hideSealed(v string) string {
	if strings.HasPrefix(v, sealedPrefix) {
		return "(secret)"
	}
	return v
}
