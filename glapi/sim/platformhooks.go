package sim

import (
	"fmt"

	"glrun/glapi"
)

// Test hooks of the platform APIs (see hooks.go).

// Devices returns the devices of the workspace's inventory.
func (s *Sim) Devices() []glapi.Object {
	s.lockAt()
	defer s.mu.Unlock()
	return objects(s.st.plat.deviceViews())
}

// RoleAssignments returns the role assignments of principal (such as
// "user:<id>"), or every one for "".
func (s *Sim) RoleAssignments(principal string) []glapi.Object {
	s.lockAt()
	defer s.mu.Unlock()
	var l []*roleAssignment
	for _, ra := range s.st.plat.roles.list() {
		if principal == "" || ra.Principal == principal {
			l = append(l, ra)
		}
	}
	return objects(views(l))
}

// AuditLogs returns every audit log entry, oldest first.
func (s *Sim) AuditLogs() []glapi.Object {
	s.lockAt()
	defer s.mu.Unlock()
	return objects(views(s.st.plat.audit))
}

// SCIMGroups returns the SCIM user groups.
func (s *Sim) SCIMGroups() []glapi.Object {
	s.lockAt()
	defer s.mu.Unlock()
	return objects(s.st.plat.scimGroupViews())
}

// ComputeOpsManagementID returns the service manager id of Compute Ops
// Management, to which devices are assigned.
func (s *Sim) ComputeOpsManagementID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.plat.comID
}

// AddDevices adds n unassigned compute devices to the workspace's
// inventory (serials ADD0000001...) and returns their ids.
func (s *Sim) AddDevices(n int) []string {
	now := s.lockAt()
	defer s.mu.Unlock()
	p := s.st.plat
	var ids []string
	for i := 0; i < n; i++ {
		sn := fmt.Sprintf("ADD%07d", p.devices.len()+1)
		p.shipped[sn] = modelDL360G10P.ProductID
		ids = append(ids, s.st.addDevice(sn, modelDL360G10P.ProductID, nil, now).ID)
	}
	return ids
}
