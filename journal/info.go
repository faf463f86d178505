package journal

import "fmt"

// Info is what 'glrun runs' shows of a run: its meta, its state as people
// should see it (crashed told from running) and what its journal says.
type Info struct {
	Meta
	// Status is the state to show: Meta.State, or Crashed.
	Status State `json:"status"`
	// Summary is what the journal says: changes sent, jobs in flight.
	Summary Summary `json:"summary"`
	// Damage says what is wrong with the journal, if anything: a torn last
	// line (a resume sets it aside) or a corruption (it cannot be resumed).
	Damage string `json:"damage,omitempty"`
}

// Inspect returns the Info of run id.
func Inspect(s Store, id string) (Info, error) {
	m, err := s.Meta(id)
	if err != nil {
		return Info{}, err
	}
	return inspect(s, m), nil
}

// InspectAll returns the Info of every run, newest first.
func InspectAll(s Store) ([]Info, error) {
	runs, err := s.List()
	if err != nil {
		return nil, err
	}
	out := make([]Info, 0, len(runs))
	for _, m := range runs {
		out = append(out, inspect(s, m))
	}
	return out, nil
}

func inspect(s Store, m Meta) Info {
	in := Info{Meta: m, Status: Status(s, m)}
	if m.State == "" { // the meta could not be read; List put the reason in Error
		in.Damage = m.Error
		return in
	}
	j, err := s.Read(m.ID)
	if err != nil {
		in.Damage = err.Error()
	}
	if j.Torn != nil {
		in.Damage = fmt.Sprintf("journal %s", j.Torn)
	}
	in.Summary = Summarize(j.Records)
	return in
}
