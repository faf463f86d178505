package odata

import "testing"

// benchFilters are realistic filters, as runbooks and the simulator use
// them.
var benchFilters = []struct{ name, filter string }{
	{"eq", "state eq 'FAILED'"},
	{"nested", "resource/id eq 'P06760-B21+2M212504P8'"},
	{"not-and-contains", "not endedAt eq null and contains(sourceResourceUri,'groups/3e661d85-eb85-4320-9721-a950d1080641')"},
	{"in-ids", "id in ('6f7c1f4e-1a2b-4c3d-8e9f-000000000001', '6f7c1f4e-1a2b-4c3d-8e9f-000000000002', '6f7c1f4e-1a2b-4c3d-8e9f-000000000003', '6f7c1f4e-1a2b-4c3d-8e9f-000000000004')"},
	{"timestamp", "createdAt gt 2024-07-01T17:44:30Z and state in ('RUNNING', 'PENDING', 'STALLED')"},
	{"users-string-time", "userStatus ne 'UNVERIFIED' and createdAt gt '2020-09-21T14:19:09.769747'"},
}

var benchObject = map[string]any{
	"id":                "6f7c1f4e-1a2b-4c3d-8e9f-000000000003",
	"state":             "RUNNING",
	"userStatus":        "VERIFIED",
	"createdAt":         "2024-07-02T08:00:00.123Z",
	"endedAt":           "2024-07-02T08:05:00Z",
	"sourceResourceUri": "/compute-ops-mgmt/v1/groups/3e661d85-eb85-4320-9721-a950d1080641",
	"resource":          map[string]any{"id": "P06760-B21+2M212504P8", "type": "compute-ops-mgmt/server"},
}

func BenchmarkParse(b *testing.B) {
	for _, bf := range benchFilters {
		b.Run(bf.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(bf.filter); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEval(b *testing.B) {
	for _, bf := range benchFilters {
		e, err := Parse(bf.filter)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bf.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Eval(e, benchObject)
			}
		})
	}
}
