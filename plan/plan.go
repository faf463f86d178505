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
// Version 2 added the changes' names (their text is verified against their
// requests) and the workspace the plan was made in; a plan of version 1 is
// refused with a request to plan again.
const FormatVersion = 2

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
	// FromPlan is the runbook's path relative to the plan file's
	// directory, recorded when the plan is saved to a file: an apply
	// finds the runbook from there, whatever its working directory.
	FromPlan string `json:"fromPlan,omitempty"`
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
	// Path is the runbook's path relative to the repository's top
	// directory: an apply from anywhere in a checkout finds it there.
	Path string `json:"path,omitempty"`
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
	// Workspace is the id of the workspace the credentials acted in (the
	// hpe_workspace_id claim of the access token); empty when the token
	// named none. An apply refuses to run in another workspace, even one
	// on the same hosts (see CheckWorkspace).
	Workspace string `json:"workspace,omitempty"`
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
	if t.Workspace != "" {
		s += ", workspace " + t.Workspace
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
	// Verdict is the platform's own verdict on the change, for the APIs
	// that honour dry-run=true (device and subscription writes); nil for
	// the others and in plans made before glrun asked for it.
	Verdict *Verdict `json:"verdict,omitempty"`
	// Makes lists the objects the change makes that its answer does not
	// name (devices added, servers arriving in Compute Ops Management):
	// the apply learns their real ids from later reads.
	Makes []Made `json:"makes,omitempty"`
	// Names are the names of objects the description uses, as read when
	// the plan was made; with them the action, collection, description and
	// pending ids are derived from the request again whenever the plan is
	// read (see CheckText), so that they cannot say something else.
	Names Names `json:"names,omitempty"`
	// Batch, when not 0, says the change was made concurrently with the
	// other changes of the same batch, by the workers of one parallel.map
	// call: their order differs from run to run, so an apply matches them
	// by content, in any order. The changes of a batch are contiguous.
	Batch int `json:"batch,omitempty"`
	// Approval, when set, says the change will wait for approval: read at
	// plan time from the approval policies (see MarkApprovals).
	Approval *Approval `json:"approval,omitempty"`
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
	case p.Format > 0 && p.Format < FormatVersion:
		return fmt.Errorf("field format: the plan was made by an older glrun (%q, format %d), which did not record the workspace it was made in nor what its text was derived from; make a new plan ('glrun plan') and have it reviewed", p.Glrun, p.Format)
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
	closed := map[int]bool{} // batches that ended
	for i, m := range p.Mutations {
		if i > 0 && p.Mutations[i-1].Batch != m.Batch {
			closed[p.Mutations[i-1].Batch] = true
		}
		if m.Batch < 0 || (m.Batch != 0 && closed[m.Batch]) {
			return fmt.Errorf("field mutations[%d].batch: the changes of batch %d are not contiguous (a batch is one parallel.map call)", i, m.Batch)
		}
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
	return p.CheckText()
}
