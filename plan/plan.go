// Package plan is glrun's approvable change set: the Plan a dry-run
// produces (every mutation a runbook would send, described for people),
// its file format, and the two glapi.Mode implementations behind it:
// DryRun, which sends reads and answers mutations with plausible
// synthesized responses while recording them, and Apply, which re-runs a
// runbook live and refuses, before sending, any mutation the plan did not
// contain.
package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"glrun/internal/regularfile"
)

// FormatVersion is the version of the plan file format this package writes
// and reads.
const FormatVersion = 1

// Plan is what a runbook would change, and exactly what it ran against.
type Plan struct {
	// Format is FormatVersion.
	Format int `json:"format"`
	// Glrun is the version of glrun that made the plan.
	Glrun string `json:"glrun"`
	// Created is when the plan was made.
	Created time.Time `json:"created"`
	// Runbook identifies the runbook's code.
	Runbook Runbook `json:"runbook"`
	// Params are the parameters given on the command line, NAME -> VALUE.
	Params map[string]string `json:"params"`
	// Target is where the runbook ran (never credentials).
	Target Target `json:"target"`
	// Mutations are the changes the runbook would send, in order.
	Mutations []Mutation `json:"mutations"`
}

// Runbook identifies a runbook's code: its path and the hash of every file.
type Runbook struct {
	// Path is the runbook's path as given on the command line.
	Path string `json:"path"`
	// SHA256 is the hex sha256 of the runbook file itself.
	SHA256 string `json:"sha256"`
	// Files are the runbook and every file it loads, relative to the
	// runbook's directory, with their hashes.
	Files []File `json:"files"`
	// Git describes the repository holding the runbook, when there is one.
	Git *Git `json:"git,omitempty"`
}

// File is one file of a runbook with its content hash.
type File struct {
	// Name is the path relative to the runbook's directory.
	Name string `json:"name"`
	// SHA256 is the hex sha256 of the content.
	SHA256 string `json:"sha256"`
}

// Git is the state of the runbook's repository when the plan was made.
type Git struct {
	// Commit is the commit checked out (HEAD).
	Commit string `json:"commit"`
	// Dirty says whether the working tree had uncommitted changes.
	Dirty bool `json:"dirty"`
}

// Target is where requests went: the kind of target and its hosts, region
// and tenant. It never holds a client id, secret or token.
type Target struct {
	// Kind is "greenlake" (a real GreenLake region), "base-url" (every API
	// on one host given by --base-url) or "simulator" (the built-in one).
	Kind string `json:"kind"`
	// Compute, Global and Token are the hosts of Compute Ops Management,
	// of identity and workspaces, and the token endpoint; empty for the
	// built-in simulator, whose port changes with every start.
	Compute string `json:"compute,omitempty"`
	Global  string `json:"global,omitempty"`
	Token   string `json:"token,omitempty"`
	// Region is the Compute Ops Management region.
	Region string `json:"region,omitempty"`
	// TenantACID is the MSP tenant the requests act for, if any.
	TenantACID string `json:"tenantAcid,omitempty"`
}

// String describes the target in one line.
func (t Target) String() string {
	var s string
	switch t.Kind {
	case KindSimulator:
		s = "the built-in simulator"
	case KindGreenLake:
		s = "GreenLake region " + t.Region + " (" + t.Compute + ")"
	default:
		s = t.Compute
	}
	if t.TenantACID != "" {
		s += ", tenant " + t.TenantACID
	}
	return s
}

// Target kinds.
const (
	KindGreenLake = "greenlake"
	KindBaseURL   = "base-url"
	KindSimulator = "simulator"
)

// Actions of a mutation, rendered like Terraform's + ~ -.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
)

// Mutation is one change the runbook would send.
type Mutation struct {
	// Seq is the 1-based position of the mutation in the plan.
	Seq int `json:"seq"`
	// Action is create, update or delete.
	Action string `json:"action"`
	// Method and Path are the HTTP request (Path unescaped, no host).
	Method string `json:"method"`
	Path   string `json:"path"`
	// Query is the query string, if the request had one.
	Query string `json:"query,omitempty"`
	// Body is the JSON body, decoded; nil when there is none.
	Body any `json:"body,omitempty"`
	// Description says in one line what the change does, for operators.
	Description string `json:"description"`
	// Collection names the kind of resource changed, for grouping.
	Collection string `json:"collection"`
	// Creates is the planned id this change's answer introduces (e.g.
	// plan-job-0001); the apply maps it to the real id.
	Creates string `json:"creates,omitempty"`
	// Pending lists the planned ids the change refers to: values that
	// exist only once the plan is applied.
	Pending []string `json:"pending,omitempty"`
}

// Request is the part of a mutation an apply compares.
type Request struct {
	Method string
	Path   string
	Query  string
	Body   any
}

// Request returns the comparable part of m.
func (m Mutation) Request() Request {
	return Request{Method: m.Method, Path: m.Path, Query: m.Query, Body: m.Body}
}

// Counts returns how many mutations create, update and delete.
func (p *Plan) Counts() (create, update, del int) {
	for _, m := range p.Mutations {
		switch m.Action {
		case ActionCreate:
			create++
		case ActionUpdate:
			update++
		case ActionDelete:
			del++
		}
	}
	return create, update, del
}

// ParamArgs returns the parameters as NAME=VALUE arguments, sorted by name.
func (p *Plan) ParamArgs() []string {
	names := make([]string, 0, len(p.Params))
	for n := range p.Params {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n + "=" + p.Params[n]
	}
	return out
}

// Marshal returns the plan as indented JSON, ending in a newline.
func (p *Plan) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("encoding the plan: %w", err)
	}
	return buf.Bytes(), nil
}

// WriteFile writes the plan to path.
func (p *Plan) WriteFile(path string) error {
	b, err := p.Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("writing the plan: %w", err)
	}
	return nil
}

// maxPlanFile is the largest plan file ReadFile reads.
const maxPlanFile = 64 << 20

// ReadFile reads and checks the plan at path (a regular file: a named pipe
// is refused, not waited on).
func ReadFile(path string) (*Plan, error) {
	b, err := regularfile.ReadFile(path, maxPlanFile)
	if err != nil {
		return nil, fmt.Errorf("reading the plan %s: %w", path, err)
	}
	p, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("plan %s: %w", path, err)
	}
	return p, nil
}

// Parse decodes and checks a plan. The error names the field that is
// missing or wrong.
func Parse(b []byte) (*Plan, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("not a glrun plan (JSON as written by 'glrun plan -o'): %w", err)
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	return &p, nil
}

// check validates the fields an apply relies on.
func (p *Plan) check() error {
	switch {
	case p.Format != FormatVersion:
		return fmt.Errorf("field format: want %d, got %d (made by glrun %q)", FormatVersion, p.Format, p.Glrun)
	case p.Runbook.Path == "":
		return fmt.Errorf("field runbook.path: missing")
	case len(p.Runbook.Files) == 0:
		return fmt.Errorf("field runbook.files: missing (want every file of the runbook with its sha256)")
	case p.Target.Kind != KindGreenLake && p.Target.Kind != KindBaseURL && p.Target.Kind != KindSimulator:
		return fmt.Errorf("field target.kind: want %q, %q or %q, got %q", KindGreenLake, KindBaseURL, KindSimulator, p.Target.Kind)
	}
	for i, f := range p.Runbook.Files {
		if f.Name == "" || len(f.SHA256) != 64 {
			return fmt.Errorf("field runbook.files[%d]: want a name and a 64-digit hex sha256", i)
		}
	}
	for i, m := range p.Mutations {
		if m.Seq != i+1 {
			return fmt.Errorf("field mutations[%d].seq: want %d, got %d", i, i+1, m.Seq)
		}
		if m.Method == "" || !strings.HasPrefix(m.Path, "/") {
			return fmt.Errorf("field mutations[%d]: want a method and a path starting with /", i)
		}
	}
	if p.Params == nil {
		p.Params = map[string]string{}
	}
	return nil
}
