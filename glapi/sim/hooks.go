package sim

import (
	"fmt"
	"sort"
	"time"

	"glrun/glapi"
)

// The methods in this file are test hooks: Go tests and `glrun test` use
// them to arrange the simulator's state and to check a run's effects. Every
// hook first brings the simulation up to the clock's current time, and
// returns copies (as a client would decode them: numbers as json.Number).

// lockAt locks s and advances the simulation to now; callers unlock.
func (s *Sim) lockAt() time.Time {
	s.mu.Lock()
	now := s.clock.Now()
	s.advance(now)
	s.advancePlatform(now)
	return now
}

func objects(l []obj) []glapi.Object {
	out := make([]glapi.Object, 0, len(l))
	for _, o := range l {
		out = append(out, toObject(o))
	}
	return out
}

// Server returns the server with that id.
func (s *Sim) Server(id string) (glapi.Object, bool) {
	s.lockAt()
	defer s.mu.Unlock()
	srv, ok := s.st.servers.get(id)
	if !ok {
		return nil, false
	}
	return toObject(srv.view()), true
}

// ServerByName returns the server with that name.
func (s *Sim) ServerByName(name string) (glapi.Object, bool) {
	s.lockAt()
	defer s.mu.Unlock()
	for _, srv := range s.st.servers.list() {
		if srv.Name == name {
			return toObject(srv.view()), true
		}
	}
	return nil, false
}

// Servers returns every server, in the API's order.
func (s *Sim) Servers() []glapi.Object {
	s.lockAt()
	defer s.mu.Unlock()
	return objects(s.st.serverViews())
}

// Group returns the group with that id.
func (s *Sim) Group(id string) (glapi.Object, bool) {
	s.lockAt()
	defer s.mu.Unlock()
	g, ok := s.st.groups.get(id)
	if !ok {
		return nil, false
	}
	return toObject(render(g)), true
}

// GroupByName returns the group with that name.
func (s *Sim) GroupByName(name string) (glapi.Object, bool) {
	s.lockAt()
	defer s.mu.Unlock()
	for _, g := range s.st.groups.list() {
		if g.Name == name {
			return toObject(render(g)), true
		}
	}
	return nil, false
}

// Groups returns every group.
func (s *Sim) Groups() []glapi.Object {
	s.lockAt()
	defer s.mu.Unlock()
	return objects(views(s.st.groups.list()))
}

// GroupServerIDs returns the ids of a group's servers (by group name).
func (s *Sim) GroupServerIDs(name string) []string {
	s.lockAt()
	defer s.mu.Unlock()
	for _, g := range s.st.groups.list() {
		if g.Name == name {
			return append([]string(nil), s.st.groupMembers[g.ID]...)
		}
	}
	return nil
}

// GroupBaseline returns the id of a group's firmware baseline bundle (by
// group id or name): the bundle Group Firmware Update installs and Group
// Firmware Compliance compares with.
func (s *Sim) GroupBaseline(idOrName string) (string, bool) {
	s.lockAt()
	defer s.mu.Unlock()
	for _, g := range s.st.groups.list() {
		if g.ID == idOrName || g.Name == idOrName {
			b, ok := s.st.groupBaseline[g.ID]
			return b, ok
		}
	}
	return "", false
}

// FirmwareBundles returns every firmware bundle, oldest first.
func (s *Sim) FirmwareBundles() []glapi.Object {
	s.lockAt()
	defer s.mu.Unlock()
	return objects(s.st.bundles.list())
}

// NewestBundleID returns the id of the newest firmware bundle.
func (s *Sim) NewestBundleID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.bundleOrder[len(s.st.bundleOrder)-1]
}

// Compliance returns the compliance records of a group (by id).
func (s *Sim) Compliance(groupID string) []glapi.Object {
	s.lockAt()
	defer s.mu.Unlock()
	return objects(s.st.compliance[groupID])
}

// Users returns every user.
func (s *Sim) Users() []glapi.Object {
	s.lockAt()
	defer s.mu.Unlock()
	return objects(views(s.st.users.list()))
}

// Credentials returns every credential, with its clientSecret as a
// glapi.Secret.
func (s *Sim) Credentials() []glapi.Object {
	s.lockAt()
	defer s.mu.Unlock()
	out := make([]glapi.Object, 0)
	for _, c := range s.st.creds.list() {
		o := toObject(render(c))
		o["clientSecret"] = glapi.NewSecret(s.st.secrets[c.ID])
		out = append(out, o)
	}
	return out
}

// Jobs returns every job, oldest first.
func (s *Sim) Jobs() []glapi.Object {
	s.lockAt()
	defer s.mu.Unlock()
	return objects(s.jobList())
}

// Job returns the job with that id.
func (s *Sim) Job(id string) (glapi.Object, bool) {
	s.lockAt()
	defer s.mu.Unlock()
	j, ok := s.st.jobs[id]
	if !ok {
		return nil, false
	}
	return toObject(j.view()), true
}

// AsyncOperations returns every async operation, oldest first.
func (s *Sim) AsyncOperations() []glapi.Object {
	s.lockAt()
	defer s.mu.Unlock()
	return objects(s.st.opViews())
}

// SetPower sets a server's power state to glapi.PowerOn or glapi.PowerOff.
func (s *Sim) SetPower(id, state string) error {
	if state != glapi.PowerOn && state != glapi.PowerOff {
		return fmt.Errorf("sim: SetPower %s: state must be ON or OFF, not %q", id, state)
	}
	now := s.lockAt()
	defer s.mu.Unlock()
	if _, ok := s.st.servers.get(id); !ok {
		return fmt.Errorf("sim: SetPower: no server %q", id)
	}
	s.setPower(id, state, now)
	return nil
}

// FailNextJob makes the next job created from that template (alias or
// UUID) end in ERROR with a realistic status and statusDetails. Calls add
// up: two calls fail the next two jobs.
func (s *Sim) FailNextJob(templateAliasOrID string) error {
	t, err := glapi.LookupTemplate(templateAliasOrID)
	if err != nil {
		return fmt.Errorf("sim: FailNextJob: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.failNext[t.ID]++
	return nil
}

// AddUser adds a user with that email and userStatus and returns it.
func (s *Sim) AddUser(email, status string) glapi.Object {
	now := s.lockAt()
	defer s.mu.Unlock()
	u := s.st.addUser(email, "", "", status, now, now)
	return toObject(render(u))
}

// AddServers adds n powered-on servers to the "lab" group, to scale the
// fleet for benchmarks, and returns their ids.
func (s *Sim) AddServers(n int) []string {
	ids, _ := s.AddServersToGroup("lab", n)
	return ids
}

// AddServersToGroup adds n powered-on servers, on the group's baseline
// firmware, to the group with that name and returns their ids.
func (s *Sim) AddServersToGroup(group string, n int) ([]string, error) {
	now := s.lockAt()
	defer s.mu.Unlock()
	st := s.st
	gid := ""
	for _, g := range st.groups.list() {
		if g.Name == group {
			gid = g.ID
		}
	}
	if gid == "" {
		return nil, fmt.Errorf("sim: AddServersToGroup: no group %q", group)
	}
	base := st.bundleIndex(st.groupBaseline[gid])
	base = max(base, 0)
	var ids []string
	for i := 0; i < n; i++ {
		st.serverSeq++
		name := fmt.Sprintf("%s-x%04d", group, st.serverSeq)
		m := []serverModel{modelDL360G10P, modelDL380G11}[st.serverSeq%2]
		id := st.addServer(st.serverSeq, name, m, base, glapi.PowerOn, obj{"env": group}, now)
		st.assign(gid, id, now)
		ids = append(ids, id)
	}
	return ids, nil
}

// ServerIDs returns the ids of every server, sorted by name.
func (s *Sim) ServerIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.st.servers.list()
	sort.SliceStable(l, func(a, b int) bool { return l[a].Name < l[b].Name })
	ids := make([]string, 0, len(l))
	for _, srv := range l {
		ids = append(ids, srv.ID)
	}
	return ids
}
