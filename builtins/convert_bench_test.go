package builtins

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"testing"

	"go.starlark.net/starlark"

	"glrun/glapi"
)

// benchPage returns a page of n jobs shaped like the simulator's, decoded as
// glapi decodes them (numbers as json.Number), each with its own id.
func benchPage(tb testing.TB, n int) []glapi.Object {
	tb.Helper()
	raw, err := os.ReadFile("testdata/bench_job.json")
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]glapi.Object, n)
	for i := range out {
		b := bytes.Replace(raw, []byte("f7dadc7d-54c3-4ffb-b7fe-3f79a5cfdd46"), fmt.Appendf(nil, "f7dadc7d-54c3-4ffb-b7fe-%012d", i), -1)
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&out[i]); err != nil {
			tb.Fatal(err)
		}
	}
	return out
}

// BenchmarkToStarlarkJob measures converting one decoded job into a
// record, the work done for every item a list builtin returns.
func BenchmarkToStarlarkJob(b *testing.B) {
	page := benchPage(b, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		_ = ToStarlark(page[i%len(page)])
	}
}

// BenchmarkRetainedPerJob reports the heap a listed job keeps alive
// (retained-B/job) as a list builtin makes it: the JSON of a page decoded
// and each item converted, the decoded page then dropped; the live heap is
// measured after runtime.GC() with the list of records held alive, so the
// strings the records share with the decoded JSON are counted.
func BenchmarkRetainedPerJob(b *testing.B) {
	const n = 20000
	body, err := json.Marshal(map[string]any{"items": benchPage(b, n)})
	if err != nil {
		b.Fatal(err)
	}
	var retained float64
	for range b.N {
		retained = retainedPerJob(b, body, n)
	}
	b.ReportMetric(retained, "retained-B/job")
}

// retainedPerJob decodes body (a page of n jobs), converts its items and
// returns the live heap they add per job once the decoded page is gone.
func retainedPerJob(tb testing.TB, body []byte, n int) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	vals := convertPage(tb, body)
	runtime.GC()
	runtime.ReadMemStats(&after)
	if vals.Len() != n {
		tb.Fatalf("converted %d jobs, want %d", vals.Len(), n)
	}
	runtime.KeepAlive(vals)
	return (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / float64(n)
}

// convertPage decodes a page as glapi does and converts its items as a
// list builtin does; only the records outlive it.
func convertPage(tb testing.TB, body []byte) *starlark.List {
	var pg struct{ Items []glapi.Object }
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&pg); err != nil {
		tb.Fatal(err)
	}
	vals := make([]starlark.Value, 0, len(pg.Items))
	var conv Converter
	for _, it := range pg.Items {
		vals = append(vals, conv.Value(it))
	}
	return starlark.NewList(vals)
}

// BenchmarkJSONToStarlark measures the whole path of a list page: decoding
// the JSON of 1000 jobs and converting each into a record.
func BenchmarkJSONToStarlark(b *testing.B) {
	page := benchPage(b, 1000)
	body, err := json.Marshal(map[string]any{"offset": 0, "count": len(page), "total": len(page), "items": page})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		var pg struct{ Items []glapi.Object }
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&pg); err != nil {
			b.Fatal(err)
		}
		var conv Converter
		for _, it := range pg.Items {
			_ = conv.Value(it)
		}
	}
}
