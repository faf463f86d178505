package journal

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"glrun/glapi"
)

// Summary is what a journal says about its run, for 'glrun runs'.
type Summary struct {
	// Reads counts the journalled reads.
	Reads int `json:"reads"`
	// Sent counts the changes sent and answered (whatever the answer).
	Sent int `json:"sent"`
	// Unknown counts the changes whose answer was lost: an intent without
	// an answer, or an answer saying the outcome is unknown (an error, or
	// 500, 502, 504). An outcome check journalled after may have resolved
	// them.
	Unknown int `json:"unknown"`
	// JobsInFlight are the ids of the jobs the run created (or adopted
	// after an outcome check) whose last state in the journal is not a
	// final one.
	JobsInFlight []string `json:"jobsInFlight"`
}

// Summarize reads a run's journal.
func Summarize(recs []Record) Summary {
	var s Summary
	intents := map[int]bool{}
	answered := map[int]bool{}
	void := map[int]bool{}
	for _, r := range recs {
		if r.Kind == KindVoid {
			void[r.Of] = true
		}
	}
	state := map[string]string{} // job id -> last state seen
	var created []string
	for _, r := range recs {
		if void[r.Seq] {
			continue
		}
		switch r.Kind {
		case KindRead:
			s.Reads++
			if r.Response != nil && r.Call != nil && strings.Contains(r.Call.Kind, glapi.CollectionJobs) {
				ids := observeJobs(r.Response.Body, state)
				if r.Call.OutcomeCheck {
					created = append(created, ids...) // adopted
				}
			}
		case KindIntent:
			intents[r.Seq] = true
		case KindAnswer:
			if !intents[r.Of] || void[r.Of] || answered[r.Of] {
				continue
			}
			answered[r.Of] = true
			switch {
			case r.Error != nil && r.Error.Unknown:
				s.Unknown++
			case r.Error != nil:
			case r.Response.Status == http.StatusInternalServerError || r.Response.Status == http.StatusBadGateway ||
				r.Response.Status == http.StatusGatewayTimeout:
				s.Unknown++
			default:
				s.Sent++
				if r.Response.Status == http.StatusCreated || r.Response.Status == http.StatusOK {
					if id := jobCreated(recs, r.Of, r.Response.Body); id != "" {
						created = append(created, id)
						observeJobs(r.Response.Body, state)
					}
				}
			}
		}
	}
	for seq := range intents {
		if !answered[seq] && !void[seq] {
			s.Unknown++
		}
	}
	seen := map[string]bool{}
	for _, id := range created {
		if !seen[id] && !glapi.JobFinished(state[id]) {
			seen[id] = true
			s.JobsInFlight = append(s.JobsInFlight, id)
		}
	}
	sort.Strings(s.JobsInFlight)
	return s
}

// jobCreated returns the id of the job that the answer to intent seq
// created, or "" when that intent is not a job creation.
func jobCreated(recs []Record, seq int, body string) string {
	if seq < 1 || seq > len(recs) {
		return ""
	}
	c := recs[seq-1].Call
	if c == nil || c.JobTemplate == "" {
		return ""
	}
	var o struct {
		ID string `json:"id"`
	}
	if json.Unmarshal([]byte(body), &o) != nil {
		return ""
	}
	return o.ID
}

// observeJobs notes the state of every job in a jobs answer, one job or a
// page of them, and returns their ids.
func observeJobs(body string, state map[string]string) []string {
	var v struct {
		ID    string `json:"id"`
		State string `json:"state"`
		Items []struct {
			ID    string `json:"id"`
			State string `json:"state"`
		} `json:"items"`
	}
	if json.Unmarshal([]byte(body), &v) != nil {
		return nil
	}
	var ids []string
	if v.ID != "" && v.State != "" {
		state[v.ID] = v.State
		ids = append(ids, v.ID)
	}
	for _, it := range v.Items {
		if it.ID != "" && it.State != "" {
			state[it.ID] = it.State
			ids = append(ids, it.ID)
		}
	}
	return ids
}
