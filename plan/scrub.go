package plan

import "glrun/glapi"

// Scrub replaces every secret s knows (the client secret, the tokens the
// client received) wherever a server's answers carried it into the plan:
// the names its descriptions use, and the requests themselves (a runbook
// may send what it read). The text of every change is then derived again,
// so that the plan stays consistent (CheckText). A change whose request
// held a secret no longer matches what the runbook sends, so its apply
// stops there: a plan never holds a secret, even one a server echoed.
func (p *Plan) Scrub(s *glapi.Scrubber) {
	for i := range p.Mutations {
		m := &p.Mutations[i]
		m.Path = s.String(m.Path)
		m.Query = s.String(m.Query)
		m.Body = scrubValue(m.Body, s)
		if m.Names != nil {
			names := make(Names, len(m.Names))
			for id, fields := range m.Names {
				clean := make(map[string]string, len(fields))
				for k, v := range fields {
					clean[s.String(k)] = s.String(v)
				}
				names[s.String(id)] = clean
			}
			m.Names = names
		}
		t := deriveText(m.Request(), m.Names)
		m.Action, m.Collection, m.Description, m.Pending = t.Action, t.Collection, t.Description, t.Pending
	}
}

// scrubValue returns v (decoded JSON) with every string scrubbed.
func scrubValue(v any, s *glapi.Scrubber) any {
	switch v := v.(type) {
	case string:
		return s.String(v)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[s.String(k)] = scrubValue(x, s)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = scrubValue(x, s)
		}
		return out
	}
	return v
}
