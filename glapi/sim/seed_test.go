package sim

import (
	"strings"
	"testing"
	"time"

	"glrun/clock"
)

func TestAddJobsSeedsFinishedJobs(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		err  string
	}{
		{"none", 0, ""},
		{"many", 2500, ""},
		{"negative", -1, "n must not be negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Options{Clock: clock.NewVirtual(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))})
			before := len(s.Jobs())
			total, err := s.AddJobs(tc.n)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			jobs := s.Jobs()
			if total != before+tc.n || len(jobs) != total {
				t.Fatalf("AddJobs(%d) = %d, Jobs() has %d; want %d", tc.n, total, len(jobs), before+tc.n)
			}
			for _, j := range jobs[before:] {
				if j.String("state") != "COMPLETE" {
					t.Fatalf("seeded job %s is %s, want COMPLETE", j.ID(), j.String("state"))
				}
			}
		})
	}
}
