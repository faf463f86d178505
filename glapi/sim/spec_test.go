package sim

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// specField is the schema of one field as the API descriptions give it,
// reduced to what the envelope and id checks need.
type specField struct {
	Type   any    `json:"type"` // a type name or a list of them
	Format string `json:"format"`
}

// specAnswer is what testdata/spec_fields.json holds for one endpoint: a
// list's envelope fields and its items' id fields, or an object's id fields
// (extracted from HPE's OpenAPI descriptions of the three APIs).
type specAnswer struct {
	Envelope       map[string]specField `json:"envelope"`
	Required       []string             `json:"required"`
	Item           map[string]specField `json:"item"`
	ItemRequired   []string             `json:"itemRequired"`
	Object         map[string]specField `json:"object"`
	ObjectRequired []string             `json:"objectRequired"`
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// check returns why v does not fit f, or "".
func (f specField) check(v any) string {
	types := []string{}
	switch t := f.Type.(type) {
	case string:
		types = append(types, t)
	case []any:
		for _, x := range t {
			types = append(types, fmt.Sprint(x))
		}
	}
	ok := len(types) == 0
	for _, t := range types {
		switch t {
		case "string":
			_, ok2 := v.(string)
			ok = ok || ok2
		case "integer":
			n, ok2 := v.(float64)
			ok = ok || ok2 && n == float64(int64(n))
		case "number":
			_, ok2 := v.(float64)
			ok = ok || ok2
		case "boolean":
			_, ok2 := v.(bool)
			ok = ok || ok2
		case "null":
			ok = ok || v == nil
		case "array":
			_, ok2 := v.([]any)
			ok = ok || ok2
		case "object":
			_, ok2 := v.(map[string]any)
			ok = ok || ok2
		}
	}
	if !ok {
		return fmt.Sprintf("%v is not of type %v", v, f.Type)
	}
	if s, isString := v.(string); isString && f.Format == "uuid" && !uuidRE.MatchString(s) {
		return fmt.Sprintf("%q is not a uuid", s)
	}
	return ""
}

// checkFields reports the fields of o that do not fit fields, and the
// required ones missing (but for except).
func checkFields(t *testing.T, where string, o map[string]any, fields map[string]specField, required []string, except ...string) {
	t.Helper()
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v, ok := o[k]
		if !ok {
			continue
		}
		if why := fields[k].check(v); why != "" {
			t.Errorf("%s: field %s: %s", where, k, why)
		}
	}
	for _, k := range required {
		if _, ok := o[k]; !ok && k != "items" && !slices.Contains(except, k) {
			t.Errorf("%s: required field %s is missing", where, k)
		}
	}
}

// TestAnswersFitTheSpecs: every list envelope and every id field the
// simulator serves fits the type and format the API descriptions give
// (compute-ops-mgmt, identity v1, workspaces credentials v1): no "next":
// null on the last page of async operations (next is a string there), and
// the credentials' id and clientId are UUIDs, also when the simulator is
// configured with a client id of another shape.
func TestAnswersFitTheSpecs(t *testing.T) {
	b, err := os.ReadFile("testdata/spec_fields.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]specAnswer
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	for _, clientID := range []string{"", "my-ci-client"} {
		t.Run("client id "+clientID, func(t *testing.T) {
			opts := Options{}
			if clientID != "" {
				opts = Options{ClientID: clientID, ClientSecret: "the-secret-of-" + clientID}
			}
			h := newHarness(t, opts)
			first := func(path string) string {
				items := h.get(path, 200).items()
				if len(items) == 0 {
					t.Fatalf("%s: no items", path)
				}
				return items[0].(map[string]any)["id"].(string)
			}
			gid := h.groupID("prod-web")
			ids := map[string]string{
				"{id}":       "",
				"{group-id}": gid,
			}
			urls := map[string][]string{
				"/compute-ops-mgmt/v1/async-operations": {
					// a first page (with next) and a last one (without)
					"/compute-ops-mgmt/v1/async-operations?limit=5",
					"/compute-ops-mgmt/v1/async-operations",
				},
			}
			for tmpl, want := range spec {
				paths := urls[tmpl]
				if paths == nil {
					p := tmpl
					if strings.Contains(p, "{id}") {
						coll := p[:strings.LastIndex(p, "/")]
						p = strings.Replace(p, "{id}", pathID(first(coll)), 1)
					}
					p = strings.Replace(p, "{group-id}", ids["{group-id}"], 1)
					paths = []string{p}
				}
				for _, p := range paths {
					r := h.get(p, 200)
					if want.Object != nil {
						checkFields(t, p, r.body, want.Object, want.ObjectRequired)
						continue
					}
					// The description requires next, yet a last page has
					// no next page: it is omitted (null is not a string).
					checkFields(t, p, r.body, want.Envelope, want.Required, "next")
					for i, it := range r.items() {
						checkFields(t, fmt.Sprintf("%s item %d", p, i), it.(map[string]any), want.Item, want.ItemRequired)
					}
				}
			}
			last := h.get("/compute-ops-mgmt/v1/async-operations", 200)
			if v, ok := last.body["next"]; ok {
				t.Errorf("the last page of async operations has next = %v, want no next field", v)
			}
			if v, ok := h.get("/compute-ops-mgmt/v1/async-operations?limit=5", 200).body["next"].(string); !ok || v == "" {
				t.Errorf("a first page of async operations has no next cursor")
			}
		})
	}
}
