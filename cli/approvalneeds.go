package cli

import (
	"context"
	"fmt"

	"glrun/glapi"
	"glrun/plan"
)

// markApprovals reads the approval policies (and the members of the
// groups they cover) through client and marks the changes of p that will
// wait for approval. It sends reads only, and only when a change creates a
// job a policy could cover.
func markApprovals(ctx context.Context, client *glapi.Client, p *plan.Plan) error {
	if !plan.NeedsPolicies(p.Mutations) {
		return nil
	}
	objs, err := client.ApprovalPolicies.List(ctx, glapi.ListOptions{})
	if err != nil {
		return fmt.Errorf("reading the approval policies: %w", err)
	}
	policies := make([]plan.Policy, len(objs))
	members := map[string][]string{}
	for i, o := range objs {
		policies[i] = plan.PolicyOf(o)
		for _, g := range policies[i].Groups {
			if _, done := members[g]; done {
				continue
			}
			grp, err := client.Groups.Get(ctx, g)
			if err != nil {
				return fmt.Errorf("reading group %s of approval policy %s: %w", g, policies[i].Name, err)
			}
			members[g] = []string{}
			devs, _ := grp["devices"].([]any)
			for _, d := range devs {
				if id, ok := d.(map[string]any)["deviceId"].(string); ok {
					members[g] = append(members[g], id)
				}
			}
		}
	}
	plan.MarkApprovals(p.Mutations, policies, members)
	return nil
}
