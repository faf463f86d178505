package wait

import (
	"fmt"
	"strings"

	"glrun/glapi"
)

// ResourceNamer returns the name people know a resource by, from its id
// (a server's or group's name), or "" when it does not know one.
type ResourceNamer func(resourceID string) string

// ResourceLabel is how a label names the resource id: by its name when
// name knows one, else, for a server (whose id is "<product id>+<serial
// number>"), as "serial <serial number>", else as the id.
func ResourceLabel(id string, name ResourceNamer) string {
	if name != nil {
		if n := name(id); n != "" {
			return n
		}
	}
	if i := strings.LastIndexByte(id, '+'); i > 0 && i < len(id)-1 {
		return "serial " + id[i+1:]
	}
	return id
}

// JobLabelNamed names a job for people as JobLabel does, with its resource
// named by ResourceLabel: "job <id> (Server Restart on prod-web-01)".
func JobLabelNamed(name ResourceNamer) func(job glapi.Object) string {
	return func(job glapi.Object) string {
		return fmt.Sprintf("job %s (%s on %s)", job.ID(), jobTemplateName(job), ResourceLabel(jobResourceID(job), name))
	}
}
