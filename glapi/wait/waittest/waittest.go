// Package waittest scripts the jobs a wait polls, for the tests of the
// wait and of its display: each job moves through states at fixed offsets
// from the start of a virtual clock.
package waittest

import (
	"time"

	"glrun/glapi"
)

// Step is a job's state from an offset on, with fields to add to its
// record then (progressPercent, resultCode ...).
type Step struct {
	At    time.Duration
	State string
	Extra glapi.Object
}

// Job returns the record of the restart job id, at elapsed since the start
// of the script, as its steps have it.
func Job(id string, steps []Step, elapsed time.Duration) glapi.Object {
	obj := glapi.Object{"id": id, "jobTemplate": "30110551-cad6-4069-95b8-dbce9bbd8525",
		"resource": map[string]any{"id": "P06760-B21+2M212504P8", "type": glapi.ResourceServer}}
	for _, st := range steps {
		if elapsed >= st.At {
			obj["state"] = st.State
			for k, v := range st.Extra {
				obj[k] = v
			}
		}
	}
	return obj
}
