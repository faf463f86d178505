package plan

import (
	"fmt"
	"strings"

	"glrun/glapi"
)

// namer looks up a field of an object by id ("" when unknown): what a
// description names objects by. A *catalog is one (the names read during
// the run); a Names map is another (the names a plan recorded).
type namer interface {
	str(id, key string) string
}

// Names are the object fields a change's description used, as read when the
// plan was made: id -> field -> value (such as a server's name). With them,
// the description can be derived again from the request alone.
type Names map[string]map[string]string

// str returns the recorded field, or "".
func (n Names) str(id, key string) string { return n[id][key] }

// recordingNamer is a namer that remembers every non-empty answer it gave.
type recordingNamer struct {
	from namer
	used Names
}

func (r *recordingNamer) str(id, key string) string {
	v := r.from.str(id, key)
	if v == "" {
		return ""
	}
	if r.used == nil {
		r.used = Names{}
	}
	if r.used[id] == nil {
		r.used[id] = map[string]string{}
	}
	r.used[id][key] = v
	return v
}

// knownCollections are the collections whose changes a plan describes, so
// that a request's path can be read back as collection, id and action.
var knownCollections = []string{
	glapi.CollectionJobs, glapi.CollectionAsyncOperations, glapi.CollectionServers, glapi.CollectionGroups,
	glapi.CollectionFirmwareBundles, glapi.CollectionUsers, glapi.CollectionCredentials, glapi.CollectionActivities,
	glapi.CollectionDevices, glapi.CollectionDevicesUpdate, glapi.CollectionDeviceOperations,
	glapi.CollectionSubscriptions, glapi.CollectionSubscriptionOperations, glapi.CollectionServiceManagers,
	glapi.CollectionServiceProvisions, glapi.CollectionRoleAssignments, glapi.CollectionScopeGroups,
	glapi.CollectionSCIMGroups, glapi.CollectionAuditLogs,
	glapi.CollectionApprovalPolicies, glapi.CollectionApprovalRequests, glapi.CollectionSchedules,
}

// callOfRequest reads a request back as glapi describes it: the longest
// known collection its path starts with, then the id and the action. A path
// under no known collection is its own collection (as callOf does for a
// request glapi did not describe).
func callOfRequest(r Request) glapi.Call {
	c := glapi.Call{Method: r.Method, Collection: r.Path, Mutates: !isRead(r.Method)}
	best := ""
	for _, coll := range knownCollections {
		if (r.Path == coll || strings.HasPrefix(r.Path, coll+"/")) && len(coll) > len(best) {
			best = coll
		}
	}
	if best == "" {
		return c
	}
	c.Collection = best
	c.Resource = best[strings.LastIndexByte(best, '/')+1:]
	rest := strings.TrimPrefix(strings.TrimPrefix(r.Path, best), "/")
	c.ID, c.Action, _ = strings.Cut(rest, "/")
	return c
}

// Text is what a plan says about a change for people: derived from the
// request (and the names recorded with it) by one function, when the plan
// is made and again whenever it is read.
type Text struct {
	Action      string
	Collection  string
	Description string
	Pending     []string
}

// deriveText returns the text of the change r, naming objects by names.
func deriveText(r Request, names namer) Text {
	c := callOfRequest(r)
	return Text{
		Action:      actionOf(c),
		Collection:  c.Collection,
		Description: describeMutation(c, r, names),
		Pending:     pendingIDs(r),
	}
}

// text is what m says.
func (m Mutation) text() Text {
	return Text{Action: m.Action, Collection: m.Collection, Description: m.Description, Pending: m.Pending}
}

// TamperedError reports a plan whose text does not match its requests:
// what 'glrun show' would display is not what 'glrun apply' would send.
type TamperedError struct {
	// Seq is the change whose text differs.
	Seq int
	// Field is the first field that differs: action, collection,
	// description or pending.
	Field string
	// Stored and Derived are that field as the file has it and as the
	// request says.
	Stored, Derived string
	// Request is the change's method and path.
	Request string
}

// Error names the change and what differs.
func (e *TamperedError) Error() string {
	return fmt.Sprintf("plan refused as tampered, nothing was sent: change #%d (%s) says %s %q, but its request means %q; "+
		"the text of a plan is derived from its requests and was edited after the plan was made. Make a new plan ('glrun plan') and have it reviewed",
		e.Seq, e.Request, e.Field, e.Stored, e.Derived)
}

// CheckText derives the text of every change from its request again, with
// the same code that made it, and returns a *TamperedError for the first
// change whose stored action, collection, description or pending ids
// differ.
func (p *Plan) CheckText() error {
	for _, m := range p.Mutations {
		got, want := m.text(), deriveText(m.Request(), m.Names)
		for _, f := range []struct {
			name            string
			stored, derived string
		}{
			{"action", got.Action, want.Action},
			{"collection", got.Collection, want.Collection},
			{"description", got.Description, want.Description},
			{"pending", strings.Join(got.Pending, ", "), strings.Join(want.Pending, ", ")},
		} {
			if f.stored != f.derived {
				return &TamperedError{Seq: m.Seq, Field: f.name, Stored: f.stored, Derived: f.derived, Request: m.Method + " " + m.Path}
			}
		}
	}
	return nil
}
