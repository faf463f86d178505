package cli

import (
	"fmt"
	"strings"

	"glrun/glapi"
)

// writeTemplatesMarkdown renders the job templates section of the
// reference from glapi.JobTemplates: every alias compute.jobs.create (and
// sim.fail_next_job, sim.fail_job) accepts, and every documented job
// parameter.
func writeTemplatesMarkdown(b *strings.Builder) {
	b.WriteString("\n## Job templates\n\n" +
		"The `template` of `compute.jobs.create` is one of these aliases (or the template's UUID). A misspelt alias is\n" +
		"refused with the nearest one suggested (`restrat`: did you mean \"restart\"?). Job parameters go in `params`.\n\n" +
		"| alias | GreenLake name | runs on | parameters |\n|---|---|---|---|\n")
	for _, t := range glapi.JobTemplates {
		var params []string
		for _, p := range t.Params() {
			params = append(params, "`"+p.Name+"`")
		}
		ps := strings.Join(params, ", ")
		if ps == "" {
			ps = "none"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", t.Alias, t.Name, strings.TrimPrefix(t.ResourceType, "compute-ops-mgmt/"), ps)
	}
	for _, t := range glapi.JobTemplates {
		if len(t.Params()) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n### Parameters of %s\n\n| parameter | type | description |\n|---|---|---|\n", t.Alias)
		for _, p := range t.Params() {
			fmt.Fprintf(b, "| `%s` | %s | %s |\n", p.Name, p.Type, strings.ReplaceAll(p.Desc, "|", `\|`))
		}
	}
}
