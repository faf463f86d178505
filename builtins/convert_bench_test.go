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
// record, the work done for every item a list builtin returns, and reports
// the bytes a converted job keeps alive (retained-B/job).
func BenchmarkToStarlarkJob(b *testing.B) {
	page := benchPage(b, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		_ = ToStarlark(page[i%len(page)])
	}
	b.StopTimer()
	b.ReportMetric(retainedPerJob(page), "retained-B/job")
}

// retainedPerJob converts page and measures the live heap it adds.
func retainedPerJob(page []glapi.Object) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	vals := make([]starlark.Value, len(page))
	var conv Converter
	for i, o := range page {
		vals[i] = conv.Value(o)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(vals)
	return float64(after.HeapAlloc-before.HeapAlloc) / float64(len(page))
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
